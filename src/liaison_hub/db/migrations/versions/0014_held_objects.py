"""held objects: versions stored under their writer's owner-only audience until the marking-definitions they
reference arrive, and the references they still wait for

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

ROW_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "intel_held_object",
        sa.Column("object_row_id", ROW_ID, nullable=False),
        sa.Column("collection_id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=40), nullable=False),
        sa.Column("stix_id", sa.String(length=300), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("marking_refs", sa.JSON(), nullable=False),
        sa.Column("default_marking", sa.JSON(), nullable=False),
        sa.Column("held_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["collection_id"],
            ["intel_collection.id"],
            name=op.f("fk_intel_held_object_collection_id_intel_collection"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["object_row_id"],
            ["stix_object.id"],
            name=op.f("fk_intel_held_object_object_row_id_stix_object"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("object_row_id", name=op.f("pk_intel_held_object")),
    )
    with op.batch_alter_table("intel_held_object", schema=None) as batch_op:
        batch_op.create_index("ix_intel_held_object_scope", ["collection_id", "scope"], unique=False)
    op.create_table(
        "intel_held_reference",
        sa.Column("object_row_id", ROW_ID, nullable=False),
        sa.Column("marking_ref", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["object_row_id"],
            ["intel_held_object.object_row_id"],
            name=op.f("fk_intel_held_reference_object_row_id_intel_held_object"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("object_row_id", "marking_ref", name=op.f("pk_intel_held_reference")),
    )
    with op.batch_alter_table("intel_held_reference", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_intel_held_reference_marking_ref"), ["marking_ref"], unique=False)


def downgrade() -> None:
    op.drop_table("intel_held_reference")
    op.drop_table("intel_held_object")
