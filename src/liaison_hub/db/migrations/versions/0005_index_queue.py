"""index queue: stored batches waiting for the correlation index

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

ROW_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "intel_index_queue",
        sa.Column("id", ROW_ID, autoincrement=True, nullable=False),
        sa.Column("collection_id", sa.Integer(), nullable=False),
        sa.Column("first_added", sa.BigInteger(), nullable=False),
        sa.Column("last_added", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["collection_id"],
            ["intel_collection.id"],
            name=op.f("fk_intel_index_queue_collection_id_intel_collection"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intel_index_queue")),
    )
    with op.batch_alter_table("intel_index_queue", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_intel_index_queue_collection_id"), ["collection_id"], unique=False)


def downgrade() -> None:
    op.drop_table("intel_index_queue")
