"""audit entries carry the audience of the marked record they name

Entries written before this revision may hold marked content in their details (titles, texts) and ids of records
of any marking; they cannot be rewritten without breaking the hash chain, so each one that names a marked record is
given a sealed audience that no principal reads through the hub (the chain still verifies; ``liaison audit log`` on
the hub's own machine still shows them). The label is not part of the chained content.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("audience_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_audit_entry_audience_id_audience"), "audience", ["audience_id"], ["id"]
        )
        batch_op.create_index(batch_op.f("ix_audit_entry_audience_id"), ["audience_id"], unique=False)
    connection = op.get_bind()
    entry = sa.table("audit_entry", sa.column("audience_id", sa.Integer), sa.column("entity_type", sa.String))
    marked = entry.c.entity_type.like("consultation%") | (entry.c.entity_type == "stix_object")
    if connection.execute(sa.select(sa.func.count()).select_from(entry).where(marked)).scalar_one():
        sealed = _sealed_audience(connection)
        connection.execute(entry.update().where(marked).values(audience_id=sealed))


SEALED_KEY = hashlib.sha256(b"red|CTS||*||owner-only").hexdigest()
"""``policy.Marking(tlp="red", classification="CTS", owner_only=True).key()`` with no owner: nobody reads it."""


def _sealed_audience(connection: sa.Connection) -> int:
    audience = sa.table(
        "audience",
        sa.column("id", sa.Integer),
        sa.column("key", sa.String),
        sa.column("tlp", sa.String),
        sa.column("classification", sa.String),
        sa.column("classification_rank", sa.Integer),
        sa.column("releasable_to", sa.JSON),
        sa.column("recipients", sa.JSON),
        sa.column("restricts_nations", sa.Boolean),
        sa.column("releasable_empty", sa.Boolean),
        sa.column("has_recipients", sa.Boolean),
        sa.column("owner_only", sa.Boolean),
    )
    found = connection.execute(sa.select(audience.c.id).where(audience.c.key == SEALED_KEY)).scalar()
    if found is not None:
        return int(found)
    connection.execute(
        audience.insert().values(
            key=SEALED_KEY,
            tlp="red",
            classification="CTS",
            classification_rank=4,
            releasable_to=[],
            recipients=[],
            restricts_nations=False,
            releasable_empty=False,
            has_recipients=False,
            owner_only=True,
        )
    )
    return int(connection.execute(sa.select(audience.c.id).where(audience.c.key == SEALED_KEY)).scalar_one())


def downgrade() -> None:
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_entry_audience_id"))
        batch_op.drop_constraint(batch_op.f("fk_audit_entry_audience_id_audience"), type_="foreignkey")
        batch_op.drop_column("audience_id")
