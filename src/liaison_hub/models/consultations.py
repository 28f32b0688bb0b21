"""Consultation tables: series, participants, meetings, agenda items and their record links, attendance, minutes,
decisions, action items, and calendar feed secrets. Every shareable row carries its own marking."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from liaison_hub.db.types import RecordId, UTCDateTime, random_id, utcnow
from liaison_hub.models.base import Base
from liaison_hub.models.policy import Shareable, register_shareable


class ConsultationSeries(Shareable, Base):
    """A recurring consultation: an RFC 5545 rule in an anchor zone; ``uid`` stays stable across reschedules."""

    __tablename__ = "consultation_series"

    id: Mapped[int] = mapped_column(RecordId, primary_key=True, default=random_id, autoincrement=False)
    uid: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    areas: Mapped[list[str]] = mapped_column(JSON, default=list)
    rule: Mapped[str] = mapped_column(String(500))
    first_date: Mapped[date] = mapped_column(Date)
    anchor_zone: Mapped[str] = mapped_column(String(64))
    rule_time: Mapped[str | None] = mapped_column(String(5))
    duration_minutes: Mapped[int] = mapped_column(Integer)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    owner_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


register_shareable(ConsultationSeries.__tablename__)


class SeriesParticipant(Base):
    """An organisation taking part, with its zone and acceptable local hours (minutes after midnight)."""

    __tablename__ = "consultation_participant"

    series_id: Mapped[int] = mapped_column(
        RecordId, ForeignKey("consultation_series.id", ondelete="CASCADE"), primary_key=True
    )
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), primary_key=True, index=True)
    zone: Mapped[str] = mapped_column(String(64))
    earliest_minute: Mapped[int] = mapped_column(Integer, default=8 * 60)
    latest_minute: Mapped[int] = mapped_column(Integer, default=18 * 60)


class Meeting(Shareable, Base):
    """One occurrence of a series; ``recurrence_id`` is where the rule puts it, ``starts_at`` when it is."""

    __tablename__ = "consultation_meeting"
    __table_args__ = (UniqueConstraint("series_id", "recurrence_id"),)

    id: Mapped[int] = mapped_column(RecordId, primary_key=True, default=random_id, autoincrement=False)
    series_id: Mapped[int] = mapped_column(
        RecordId, ForeignKey("consultation_series.id", ondelete="CASCADE"), index=True
    )
    recurrence_id: Mapped[datetime] = mapped_column(UTCDateTime)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), default="scheduled")
    location: Mapped[str | None] = mapped_column(String(200))
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


register_shareable(Meeting.__tablename__)


class AgendaItem(Shareable, Base):
    __tablename__ = "consultation_agenda_item"

    id: Mapped[int] = mapped_column(RecordId, primary_key=True, default=random_id, autoincrement=False)
    meeting_id: Mapped[int] = mapped_column(
        RecordId, ForeignKey("consultation_meeting.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    presenter_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))


register_shareable(AgendaItem.__tablename__)


class RecordLink(Shareable, Base):
    """A marked reference from an agenda item to a record of any module (``kind`` + its id as text)."""

    __tablename__ = "consultation_record_link"

    id: Mapped[int] = mapped_column(RecordId, primary_key=True, default=random_id, autoincrement=False)
    agenda_item_id: Mapped[int] = mapped_column(
        RecordId, ForeignKey("consultation_agenda_item.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(40))
    ref: Mapped[str] = mapped_column(String(200))
    label: Mapped[str | None] = mapped_column(String(300))


register_shareable(RecordLink.__tablename__)


class Attendance(Base):
    __tablename__ = "consultation_attendance"

    meeting_id: Mapped[int] = mapped_column(
        RecordId, ForeignKey("consultation_meeting.id", ondelete="CASCADE"), primary_key=True
    )
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    names: Mapped[str | None] = mapped_column(String(500))


class Minutes(Shareable, Base):
    __tablename__ = "consultation_minutes"

    id: Mapped[int] = mapped_column(RecordId, primary_key=True, default=random_id, autoincrement=False)
    meeting_id: Mapped[int] = mapped_column(
        RecordId, ForeignKey("consultation_meeting.id", ondelete="CASCADE"), index=True
    )
    body: Mapped[str] = mapped_column(Text)
    author_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


register_shareable(Minutes.__tablename__)


class Decision(Shareable, Base):
    """A decision, numbered within its series (1, 2, ...) and dated."""

    __tablename__ = "consultation_decision"
    __table_args__ = (UniqueConstraint("series_id", "number"),)

    id: Mapped[int] = mapped_column(RecordId, primary_key=True, default=random_id, autoincrement=False)
    series_id: Mapped[int] = mapped_column(
        RecordId, ForeignKey("consultation_series.id", ondelete="CASCADE"), index=True
    )
    meeting_id: Mapped[int] = mapped_column(
        RecordId, ForeignKey("consultation_meeting.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    decided_on: Mapped[date] = mapped_column(Date)


register_shareable(Decision.__tablename__)


class ActionItem(Shareable, Base):
    __tablename__ = "consultation_action_item"

    id: Mapped[int] = mapped_column(RecordId, primary_key=True, default=random_id, autoincrement=False)
    meeting_id: Mapped[int] = mapped_column(
        RecordId, ForeignKey("consultation_meeting.id", ondelete="CASCADE"), index=True
    )
    decision_id: Mapped[int | None] = mapped_column(
        RecordId, ForeignKey("consultation_decision.id", ondelete="SET NULL")
    )
    title: Mapped[str] = mapped_column(String(300))
    owner_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    assignee_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


register_shareable(ActionItem.__tablename__)


class CalendarFeed(Base):
    """A revocable calendar subscription of one user (all series, or one); only a keyed hash of its secret."""

    __tablename__ = "consultation_feed"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    series_id: Mapped[int | None] = mapped_column(RecordId, ForeignKey("consultation_series.id", ondelete="CASCADE"))
    prefix: Mapped[str] = mapped_column(String(16))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """A feed never outlives the credential that created it (a token's expiry); None for one made when signed in."""
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
