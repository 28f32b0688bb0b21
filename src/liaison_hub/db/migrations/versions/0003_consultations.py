"""consultations: series, participants, meetings, agenda, record links, attendance, minutes, decisions, actions, feeds

Revision ID: 0003
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "consultation_series",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=80), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("areas", sa.JSON(), nullable=False),
        sa.Column("rule", sa.String(length=500), nullable=False),
        sa.Column("first_date", sa.Date(), nullable=False),
        sa.Column("anchor_zone", sa.String(length=64), nullable=False),
        sa.Column("rule_time", sa.String(length=5), nullable=True),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("owner_organisation_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("audience_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["audience_id"], ["audience.id"], name=op.f("fk_consultation_series_audience_id_audience")
        ),
        sa.ForeignKeyConstraint(
            ["owner_organisation_id"],
            ["organisation.id"],
            name=op.f("fk_consultation_series_owner_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_series")),
        sa.UniqueConstraint("uid", name=op.f("uq_consultation_series_uid")),
    )
    with op.batch_alter_table("consultation_series", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_consultation_series_audience_id"), ["audience_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_consultation_series_owner_organisation_id"), ["owner_organisation_id"], unique=False
        )

    op.create_table(
        "consultation_feed",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("series_id", sa.Integer(), nullable=True),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["series_id"],
            ["consultation_series.id"],
            name=op.f("fk_consultation_feed_series_id_consultation_series"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_consultation_feed_user_id_user_account"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_feed")),
        sa.UniqueConstraint("secret_hash", name=op.f("uq_consultation_feed_secret_hash")),
    )
    with op.batch_alter_table("consultation_feed", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_consultation_feed_user_id"), ["user_id"], unique=False)

    op.create_table(
        "consultation_meeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("series_id", sa.Integer(), nullable=False),
        sa.Column("recurrence_id", sa.DateTime(timezone=True), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=True),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("audience_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["audience_id"], ["audience.id"], name=op.f("fk_consultation_meeting_audience_id_audience")
        ),
        sa.ForeignKeyConstraint(
            ["series_id"],
            ["consultation_series.id"],
            name=op.f("fk_consultation_meeting_series_id_consultation_series"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_meeting")),
        sa.UniqueConstraint("series_id", "recurrence_id", name=op.f("uq_consultation_meeting_series_id")),
    )
    with op.batch_alter_table("consultation_meeting", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_consultation_meeting_audience_id"), ["audience_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_consultation_meeting_series_id"), ["series_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_consultation_meeting_starts_at"), ["starts_at"], unique=False)

    op.create_table(
        "consultation_participant",
        sa.Column("series_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("zone", sa.String(length=64), nullable=False),
        sa.Column("earliest_minute", sa.Integer(), nullable=False),
        sa.Column("latest_minute", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_consultation_participant_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["series_id"],
            ["consultation_series.id"],
            name=op.f("fk_consultation_participant_series_id_consultation_series"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("series_id", "organisation_id", name=op.f("pk_consultation_participant")),
    )
    with op.batch_alter_table("consultation_participant", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consultation_participant_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "consultation_agenda_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("presenter_organisation_id", sa.Integer(), nullable=True),
        sa.Column("audience_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["audience_id"], ["audience.id"], name=op.f("fk_consultation_agenda_item_audience_id_audience")
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["consultation_meeting.id"],
            name=op.f("fk_consultation_agenda_item_meeting_id_consultation_meeting"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["presenter_organisation_id"],
            ["organisation.id"],
            name=op.f("fk_consultation_agenda_item_presenter_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_agenda_item")),
    )
    with op.batch_alter_table("consultation_agenda_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_consultation_agenda_item_audience_id"), ["audience_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_consultation_agenda_item_meeting_id"), ["meeting_id"], unique=False)

    op.create_table(
        "consultation_attendance",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("names", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["consultation_meeting.id"],
            name=op.f("fk_consultation_attendance_meeting_id_consultation_meeting"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_consultation_attendance_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("meeting_id", "organisation_id", name=op.f("pk_consultation_attendance")),
    )
    op.create_table(
        "consultation_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("series_id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("audience_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["audience_id"], ["audience.id"], name=op.f("fk_consultation_decision_audience_id_audience")
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["consultation_meeting.id"],
            name=op.f("fk_consultation_decision_meeting_id_consultation_meeting"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["series_id"],
            ["consultation_series.id"],
            name=op.f("fk_consultation_decision_series_id_consultation_series"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_decision")),
        sa.UniqueConstraint("series_id", "number", name=op.f("uq_consultation_decision_series_id")),
    )
    with op.batch_alter_table("consultation_decision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_consultation_decision_audience_id"), ["audience_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_consultation_decision_meeting_id"), ["meeting_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_consultation_decision_series_id"), ["series_id"], unique=False)

    op.create_table(
        "consultation_minutes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("author_user_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("audience_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["audience_id"], ["audience.id"], name=op.f("fk_consultation_minutes_audience_id_audience")
        ),
        sa.ForeignKeyConstraint(
            ["author_user_id"], ["user_account.id"], name=op.f("fk_consultation_minutes_author_user_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["consultation_meeting.id"],
            name=op.f("fk_consultation_minutes_meeting_id_consultation_meeting"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_minutes")),
    )
    with op.batch_alter_table("consultation_minutes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_consultation_minutes_audience_id"), ["audience_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_consultation_minutes_meeting_id"), ["meeting_id"], unique=False)

    op.create_table(
        "consultation_action_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("owner_organisation_id", sa.Integer(), nullable=False),
        sa.Column("assignee_user_id", sa.Integer(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("audience_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignee_user_id"],
            ["user_account.id"],
            name=op.f("fk_consultation_action_item_assignee_user_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["audience_id"], ["audience.id"], name=op.f("fk_consultation_action_item_audience_id_audience")
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["consultation_decision.id"],
            name=op.f("fk_consultation_action_item_decision_id_consultation_decision"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["consultation_meeting.id"],
            name=op.f("fk_consultation_action_item_meeting_id_consultation_meeting"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["owner_organisation_id"],
            ["organisation.id"],
            name=op.f("fk_consultation_action_item_owner_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_action_item")),
    )
    with op.batch_alter_table("consultation_action_item", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consultation_action_item_assignee_user_id"), ["assignee_user_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_consultation_action_item_audience_id"), ["audience_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_consultation_action_item_due_on"), ["due_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_consultation_action_item_meeting_id"), ["meeting_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_consultation_action_item_owner_organisation_id"), ["owner_organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_consultation_action_item_status"), ["status"], unique=False)

    op.create_table(
        "consultation_record_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agenda_item_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("ref", sa.String(length=200), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=True),
        sa.Column("audience_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agenda_item_id"],
            ["consultation_agenda_item.id"],
            name=op.f("fk_consultation_record_link_agenda_item_id_consultation_agenda_item"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["audience_id"], ["audience.id"], name=op.f("fk_consultation_record_link_audience_id_audience")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_record_link")),
    )
    with op.batch_alter_table("consultation_record_link", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consultation_record_link_agenda_item_id"), ["agenda_item_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_consultation_record_link_audience_id"), ["audience_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("consultation_record_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consultation_record_link_audience_id"))
        batch_op.drop_index(batch_op.f("ix_consultation_record_link_agenda_item_id"))

    op.drop_table("consultation_record_link")
    with op.batch_alter_table("consultation_action_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consultation_action_item_status"))
        batch_op.drop_index(batch_op.f("ix_consultation_action_item_owner_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_consultation_action_item_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_consultation_action_item_due_on"))
        batch_op.drop_index(batch_op.f("ix_consultation_action_item_audience_id"))
        batch_op.drop_index(batch_op.f("ix_consultation_action_item_assignee_user_id"))

    op.drop_table("consultation_action_item")
    with op.batch_alter_table("consultation_minutes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consultation_minutes_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_consultation_minutes_audience_id"))

    op.drop_table("consultation_minutes")
    with op.batch_alter_table("consultation_decision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consultation_decision_series_id"))
        batch_op.drop_index(batch_op.f("ix_consultation_decision_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_consultation_decision_audience_id"))

    op.drop_table("consultation_decision")
    op.drop_table("consultation_attendance")
    with op.batch_alter_table("consultation_agenda_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consultation_agenda_item_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_consultation_agenda_item_audience_id"))

    op.drop_table("consultation_agenda_item")
    with op.batch_alter_table("consultation_participant", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consultation_participant_organisation_id"))

    op.drop_table("consultation_participant")
    with op.batch_alter_table("consultation_meeting", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consultation_meeting_starts_at"))
        batch_op.drop_index(batch_op.f("ix_consultation_meeting_series_id"))
        batch_op.drop_index(batch_op.f("ix_consultation_meeting_audience_id"))

    op.drop_table("consultation_meeting")
    with op.batch_alter_table("consultation_feed", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consultation_feed_user_id"))

    op.drop_table("consultation_feed")
    with op.batch_alter_table("consultation_series", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consultation_series_owner_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_consultation_series_audience_id"))

    op.drop_table("consultation_series")
