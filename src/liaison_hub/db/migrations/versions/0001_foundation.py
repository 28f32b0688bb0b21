"""foundation: directory, audiences, audit

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_entry",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("entity_type", sa.String(length=64), nullable=False),
        sa.Column("entity_id", sa.String(length=200), nullable=False),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column(
            "details", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_entry")),
        sa.UniqueConstraint("hash", name=op.f("uq_audit_entry_hash")),
    )
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_entry_action"), ["action"], unique=False)

    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_head")),
    )
    op.create_table(
        "grouping",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grouping")),
        sa.UniqueConstraint("code", name=op.f("uq_grouping_code")),
    )
    op.create_table(
        "nation",
        sa.Column("code", sa.String(length=3), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_nation")),
    )
    with op.batch_alter_table("nation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_nation_status"), ["status"], unique=False)

    op.create_table(
        "grouping_member",
        sa.Column("grouping_id", sa.Integer(), nullable=False),
        sa.Column("nation_code", sa.String(length=3), nullable=False),
        sa.ForeignKeyConstraint(
            ["grouping_id"], ["grouping.id"], name=op.f("fk_grouping_member_grouping_id_grouping"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["nation_code"], ["nation.code"], name=op.f("fk_grouping_member_nation_code_nation")),
        sa.PrimaryKeyConstraint("grouping_id", "nation_code", name=op.f("pk_grouping_member")),
    )
    with op.batch_alter_table("grouping_member", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_grouping_member_nation_code"), ["nation_code"], unique=False)

    op.create_table(
        "organisation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("short_name", sa.String(length=40), nullable=False),
        sa.Column("nation_code", sa.String(length=3), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["nation_code"], ["nation.code"], name=op.f("fk_organisation_nation_code_nation")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation")),
        sa.UniqueConstraint("name", name=op.f("uq_organisation_name")),
        sa.UniqueConstraint("short_name", name=op.f("uq_organisation_short_name")),
    )
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_organisation_nation_code"), ["nation_code"], unique=False)

    op.create_table(
        "audience",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("tlp", sa.String(length=16), nullable=False),
        sa.Column("classification", sa.String(length=8), nullable=False),
        sa.Column("classification_rank", sa.Integer(), nullable=False),
        sa.Column("owner_organisation_id", sa.Integer(), nullable=True),
        sa.Column("owner_nation_code", sa.String(length=3), nullable=True),
        sa.Column("releasable_to", sa.JSON(), nullable=False),
        sa.Column("recipients", sa.JSON(), nullable=False),
        sa.Column("releasable_empty", sa.Boolean(), nullable=False),
        sa.Column("has_recipients", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_nation_code"], ["nation.code"], name=op.f("fk_audience_owner_nation_code_nation")
        ),
        sa.ForeignKeyConstraint(
            ["owner_organisation_id"], ["organisation.id"], name=op.f("fk_audience_owner_organisation_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audience")),
        sa.UniqueConstraint("key", name=op.f("uq_audience_key")),
    )
    with op.batch_alter_table("audience", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audience_owner_organisation_id"), ["owner_organisation_id"], unique=False)

    op.create_table(
        "user_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("clearance", sa.String(length=8), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_user_account_organisation_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_account")),
        sa.UniqueConstraint("username", name=op.f("uq_user_account_username")),
    )
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_account_organisation_id"), ["organisation_id"], unique=False)

    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_api_token_user_id_user_account"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_token_token_hash")),
    )
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_token_user_id"), ["user_id"], unique=False)

    op.create_table(
        "audience_grouping",
        sa.Column("audience_id", sa.Integer(), nullable=False),
        sa.Column("grouping_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["audience_id"], ["audience.id"], name=op.f("fk_audience_grouping_audience_id_audience"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["grouping_id"], ["grouping.id"], name=op.f("fk_audience_grouping_grouping_id_grouping")
        ),
        sa.PrimaryKeyConstraint("audience_id", "grouping_id", name=op.f("pk_audience_grouping")),
    )
    with op.batch_alter_table("audience_grouping", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audience_grouping_grouping_id"), ["grouping_id"], unique=False)

    op.create_table(
        "audience_nation",
        sa.Column("audience_id", sa.Integer(), nullable=False),
        sa.Column("nation_code", sa.String(length=3), nullable=False),
        sa.ForeignKeyConstraint(
            ["audience_id"], ["audience.id"], name=op.f("fk_audience_nation_audience_id_audience"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["nation_code"], ["nation.code"], name=op.f("fk_audience_nation_nation_code_nation")),
        sa.PrimaryKeyConstraint("audience_id", "nation_code", name=op.f("pk_audience_nation")),
    )
    with op.batch_alter_table("audience_nation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audience_nation_nation_code"), ["nation_code"], unique=False)

    op.create_table(
        "audience_recipient",
        sa.Column("audience_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["audience_id"],
            ["audience.id"],
            name=op.f("fk_audience_recipient_audience_id_audience"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_audience_recipient_organisation_id_organisation")
        ),
        sa.PrimaryKeyConstraint("audience_id", "organisation_id", name=op.f("pk_audience_recipient")),
    )
    with op.batch_alter_table("audience_recipient", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audience_recipient_organisation_id"), ["organisation_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("audience_recipient", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audience_recipient_organisation_id"))

    op.drop_table("audience_recipient")
    with op.batch_alter_table("audience_nation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audience_nation_nation_code"))

    op.drop_table("audience_nation")
    with op.batch_alter_table("audience_grouping", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audience_grouping_grouping_id"))

    op.drop_table("audience_grouping")
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_token_user_id"))

    op.drop_table("api_token")
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_account_organisation_id"))

    op.drop_table("user_account")
    with op.batch_alter_table("audience", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audience_owner_organisation_id"))

    op.drop_table("audience")
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_organisation_nation_code"))

    op.drop_table("organisation")
    with op.batch_alter_table("grouping_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_grouping_member_nation_code"))

    op.drop_table("grouping_member")
    with op.batch_alter_table("nation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_nation_status"))

    op.drop_table("nation")
    op.drop_table("grouping")
    op.drop_table("audit_head")
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_entry_action"))

    op.drop_table("audit_entry")
