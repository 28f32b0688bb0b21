"""intel: collections, STIX objects (all versions), marking definitions, TAXII status resources

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

ROW_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "intel_collection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("taxii_id", sa.String(length=36), nullable=False),
        sa.Column("alias", sa.String(length=100), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("default_marking", sa.JSON(), nullable=False),
        sa.Column("write_roles", sa.JSON(), nullable=False),
        sa.Column("last_added", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intel_collection")),
        sa.UniqueConstraint("taxii_id", name=op.f("uq_intel_collection_taxii_id")),
        sa.UniqueConstraint("alias", name=op.f("uq_intel_collection_alias")),
    )
    op.create_table(
        "intel_marking_definition",
        sa.Column("stix_id", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("facets", sa.JSON(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("stix_id", name=op.f("pk_intel_marking_definition")),
    )
    op.create_table(
        "stix_object",
        sa.Column("id", ROW_ID, autoincrement=True, nullable=False),
        sa.Column("collection_id", sa.Integer(), nullable=False),
        sa.Column("stix_id", sa.String(length=300), nullable=False),
        sa.Column("type", sa.String(length=250), nullable=False),
        sa.Column("spec_version", sa.String(length=8), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("date_added", sa.BigInteger(), nullable=False),
        sa.Column("is_latest", sa.Boolean(), nullable=False),
        sa.Column("is_first", sa.Boolean(), nullable=False),
        sa.Column("multi_audience", sa.Boolean(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("audience_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["audience_id"], ["audience.id"], name=op.f("fk_stix_object_audience_id_audience")),
        sa.ForeignKeyConstraint(
            ["collection_id"],
            ["intel_collection.id"],
            name=op.f("fk_stix_object_collection_id_intel_collection"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stix_object")),
    )
    with op.batch_alter_table("stix_object", schema=None) as batch_op:
        batch_op.create_index(
            "ix_stix_object_version", ["collection_id", "stix_id", "version", "audience_id"], unique=True
        )
        batch_op.create_index(
            "ix_stix_object_added", ["collection_id", "date_added", "id", "audience_id", "is_latest"], unique=False
        )
        batch_op.create_index(
            "ix_stix_object_type_added",
            ["collection_id", "type", "date_added", "id", "audience_id", "is_latest"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_stix_object_audience_id"), ["audience_id"], unique=False)
    op.create_table(
        "intel_status",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("collection_id", sa.Integer(), nullable=False),
        sa.Column("requested_by", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("request_timestamp", sa.DateTime(timezone=True), nullable=False),
        sa.Column("total_count", sa.Integer(), nullable=False),
        sa.Column("success_count", sa.Integer(), nullable=False),
        sa.Column("failure_count", sa.Integer(), nullable=False),
        sa.Column("pending_count", sa.Integer(), nullable=False),
        sa.Column("successes", sa.JSON(), nullable=False),
        sa.Column("failures", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["collection_id"],
            ["intel_collection.id"],
            name=op.f("fk_intel_status_collection_id_intel_collection"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intel_status")),
    )
    with op.batch_alter_table("intel_status", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_intel_status_collection_id"), ["collection_id"], unique=False)


def downgrade() -> None:
    op.drop_table("intel_status")
    op.drop_table("stix_object")
    op.drop_table("intel_marking_definition")
    op.drop_table("intel_collection")
