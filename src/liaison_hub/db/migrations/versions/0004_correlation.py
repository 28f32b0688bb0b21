"""correlation: observable values of stored STIX versions, and sighting links

Revision ID: 0004
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0002"
branch_labels = None
depends_on = None

ROW_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _source_columns(table: str, row_column: str) -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column("id", ROW_ID, autoincrement=True, nullable=False),
        sa.Column(row_column, ROW_ID, nullable=False),
        sa.Column("collection_id", sa.Integer(), nullable=False),
        sa.Column("audience_id", sa.Integer(), nullable=False),
    ]


def _source_constraints(table: str, row_column: str) -> list[sa.Constraint]:
    return [
        sa.ForeignKeyConstraint(
            [row_column], ["stix_object.id"], name=op.f(f"fk_{table}_{row_column}_stix_object"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["collection_id"],
            ["intel_collection.id"],
            name=op.f(f"fk_{table}_collection_id_intel_collection"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["audience_id"], ["audience.id"], name=op.f(f"fk_{table}_audience_id_audience")),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    ]


def upgrade() -> None:
    op.create_table(
        "intel_observable",
        *_source_columns("intel_observable", "object_row_id"),
        sa.Column("stix_id", sa.String(length=300), nullable=False),
        sa.Column("object_type", sa.String(length=250), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("value_key", sa.String(length=32), nullable=False),
        *_source_constraints("intel_observable", "object_row_id"),
    )
    with op.batch_alter_table("intel_observable", schema=None) as batch_op:
        batch_op.create_index(
            "ix_intel_observable_lookup", ["value_key", "collection_id", "stix_id", "audience_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_intel_observable_object_row_id"), ["object_row_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_intel_observable_audience_id"), ["audience_id"], unique=False)
    op.create_table(
        "intel_sighting_link",
        *_source_columns("intel_sighting_link", "sighting_row_id"),
        sa.Column("sighting_id", sa.String(length=300), nullable=False),
        sa.Column("target_id", sa.String(length=300), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("count", sa.Integer(), nullable=True),
        sa.Column("first_seen", sa.BigInteger(), nullable=True),
        sa.Column("last_seen", sa.BigInteger(), nullable=True),
        *_source_constraints("intel_sighting_link", "sighting_row_id"),
    )
    with op.batch_alter_table("intel_sighting_link", schema=None) as batch_op:
        batch_op.create_index("ix_intel_sighting_link_target", ["target_id", "audience_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_intel_sighting_link_sighting_row_id"), ["sighting_row_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_intel_sighting_link_audience_id"), ["audience_id"], unique=False)


def downgrade() -> None:
    op.drop_table("intel_sighting_link")
    op.drop_table("intel_observable")
