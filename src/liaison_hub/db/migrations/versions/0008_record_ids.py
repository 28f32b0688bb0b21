"""marked consultation records get 64-bit ids, assigned at random from now on (a sequence counts hidden records)

SQLite's INTEGER is already 64-bit; on PostgreSQL the ids and the columns that refer to them become BIGINT.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

COLUMNS = {
    "consultation_series": ["id"],
    "consultation_participant": ["series_id"],
    "consultation_meeting": ["id", "series_id"],
    "consultation_agenda_item": ["id", "meeting_id"],
    "consultation_record_link": ["id", "agenda_item_id"],
    "consultation_attendance": ["meeting_id"],
    "consultation_minutes": ["id", "meeting_id"],
    "consultation_decision": ["id", "series_id", "meeting_id"],
    "consultation_action_item": ["id", "meeting_id", "decision_id"],
    "consultation_feed": ["series_id"],
}
IDS = [table for table, columns in COLUMNS.items() if "id" in columns]


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, columns in COLUMNS.items():
        for column in columns:
            op.alter_column(table, column, type_=sa.BigInteger(), existing_type=sa.Integer())
    for table in IDS:  # ids come from the application now
        op.alter_column(table, "id", server_default=None, existing_type=sa.BigInteger())
        op.execute(f"DROP SEQUENCE IF EXISTS {table}_id_seq")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, columns in COLUMNS.items():
        for column in columns:
            op.alter_column(table, column, type_=sa.Integer(), existing_type=sa.BigInteger())
