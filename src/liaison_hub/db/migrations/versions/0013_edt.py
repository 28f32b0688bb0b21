"""edt: technologies with readiness history and partner interest, signals, projects with milestones, links

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "edt_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_kind", sa.String(length=12), nullable=False),
        sa.Column("owner_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("ref", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_edt_link")),
    )
    with op.batch_alter_table("edt_link", schema=None) as batch_op:
        batch_op.create_index("ix_edt_link_owner", ["owner_kind", "owner_id"], unique=False)
        batch_op.create_index("ix_edt_link_ref", ["kind", "ref"], unique=False)

    op.create_table(
        "edt_project",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=False, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("organisations", sa.JSON(), nullable=False),
        sa.Column("nations", sa.JSON(), nullable=False),
        sa.Column("owner_organisation_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("audience_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["audience_id"], ["audience.id"], name=op.f("fk_edt_project_audience_id_audience")),
        sa.ForeignKeyConstraint(
            ["owner_organisation_id"],
            ["organisation.id"],
            name=op.f("fk_edt_project_owner_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_edt_project")),
    )
    with op.batch_alter_table("edt_project", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_edt_project_audience_id"), ["audience_id"], unique=False)

    op.create_table(
        "edt_signal",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=False, nullable=False),
        sa.Column("stix_uuid", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=True),
        sa.Column("observed_on", sa.Date(), nullable=False),
        sa.Column("confidence", sa.Integer(), nullable=False),
        sa.Column("impact", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("owner_organisation_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("audience_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["audience_id"], ["audience.id"], name=op.f("fk_edt_signal_audience_id_audience")),
        sa.ForeignKeyConstraint(
            ["owner_organisation_id"],
            ["organisation.id"],
            name=op.f("fk_edt_signal_owner_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_edt_signal")),
        sa.UniqueConstraint("stix_uuid", name=op.f("uq_edt_signal_stix_uuid")),
    )
    with op.batch_alter_table("edt_signal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_edt_signal_audience_id"), ["audience_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_edt_signal_observed_on"), ["observed_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_edt_signal_status"), ["status"], unique=False)

    op.create_table(
        "edt_technology",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=False, nullable=False),
        sa.Column("stix_uuid", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("areas", sa.JSON(), nullable=False),
        sa.Column("horizon", sa.String(length=12), nullable=False),
        sa.Column("first_on", sa.Date(), nullable=False),
        sa.Column("owner_organisation_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("audience_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["audience_id"], ["audience.id"], name=op.f("fk_edt_technology_audience_id_audience")),
        sa.ForeignKeyConstraint(
            ["owner_organisation_id"],
            ["organisation.id"],
            name=op.f("fk_edt_technology_owner_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_edt_technology")),
        sa.UniqueConstraint("stix_uuid", name=op.f("uq_edt_technology_stix_uuid")),
    )
    with op.batch_alter_table("edt_technology", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_edt_technology_audience_id"), ["audience_id"], unique=False)

    op.create_table(
        "edt_history",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("technology_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("readiness", sa.Integer(), nullable=False),
        sa.Column("ring", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("signal_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("audience_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["audience_id"], ["audience.id"], name=op.f("fk_edt_history_audience_id_audience")),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["user_account.id"], name=op.f("fk_edt_history_recorded_by_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["signal_id"], ["edt_signal.id"], name=op.f("fk_edt_history_signal_id_edt_signal"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["technology_id"],
            ["edt_technology.id"],
            name=op.f("fk_edt_history_technology_id_edt_technology"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_edt_history")),
    )
    with op.batch_alter_table("edt_history", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_edt_history_audience_id"), ["audience_id"], unique=False)
        batch_op.create_index("ix_edt_history_technology_on", ["technology_id", "effective_on", "id"], unique=False)

    op.create_table(
        "edt_interest",
        sa.Column("technology_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("nation_code", sa.String(length=3), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(["nation_code"], ["nation.code"], name=op.f("fk_edt_interest_nation_code_nation")),
        sa.ForeignKeyConstraint(
            ["technology_id"],
            ["edt_technology.id"],
            name=op.f("fk_edt_interest_technology_id_edt_technology"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("technology_id", "nation_code", name=op.f("pk_edt_interest")),
    )
    op.create_table(
        "edt_milestone",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["edt_project.id"], name=op.f("fk_edt_milestone_project_id_edt_project"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_edt_milestone")),
    )
    with op.batch_alter_table("edt_milestone", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_edt_milestone_project_id"), ["project_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("edt_milestone", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_edt_milestone_project_id"))

    op.drop_table("edt_milestone")
    op.drop_table("edt_interest")
    with op.batch_alter_table("edt_history", schema=None) as batch_op:
        batch_op.drop_index("ix_edt_history_technology_on")
        batch_op.drop_index(batch_op.f("ix_edt_history_audience_id"))

    op.drop_table("edt_history")
    with op.batch_alter_table("edt_technology", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_edt_technology_audience_id"))

    op.drop_table("edt_technology")
    with op.batch_alter_table("edt_signal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_edt_signal_status"))
        batch_op.drop_index(batch_op.f("ix_edt_signal_observed_on"))
        batch_op.drop_index(batch_op.f("ix_edt_signal_audience_id"))

    op.drop_table("edt_signal")
    with op.batch_alter_table("edt_project", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_edt_project_audience_id"))

    op.drop_table("edt_project")
    with op.batch_alter_table("edt_link", schema=None) as batch_op:
        batch_op.drop_index("ix_edt_link_ref")
        batch_op.drop_index("ix_edt_link_owner")

    op.drop_table("edt_link")
