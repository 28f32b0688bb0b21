"""EDT tables: technologies with their dated readiness and ring history, partner interest per nation, signals and
what they point at, cooperative projects with milestones. Technologies, history entries, signals and projects each
carry their own marking; the rows that only make sense with their parent are read through the parent."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from liaison_hub.db.types import RecordId, UTCDateTime, random_id, utcnow
from liaison_hub.models.base import Base
from liaison_hub.models.policy import Shareable, register_shareable


class EdtTechnology(Shareable, Base):
    """A technology of the watch: its areas, horizon and first entry date; its readiness and ring are its history's."""

    __tablename__ = "edt_technology"

    id: Mapped[int] = mapped_column(RecordId, primary_key=True, default=random_id, autoincrement=False)
    stix_uuid: Mapped[str] = mapped_column(String(36), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    areas: Mapped[list[str]] = mapped_column(JSON, default=list)
    horizon: Mapped[str] = mapped_column(String(12))
    first_on: Mapped[date] = mapped_column(Date)
    """Date of the first history entry: no later entry may be dated before it."""
    owner_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


register_shareable(EdtTechnology.__tablename__)


class EdtHistory(Shareable, Base):
    """One dated readiness level and ring of a technology, who recorded it and why. Its marking is the technology's
    or narrower: readers see a move only when they may read the entries on both sides of it."""

    __tablename__ = "edt_history"
    __table_args__ = (Index("ix_edt_history_technology_on", "technology_id", "effective_on", "id"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"), primary_key=True)
    """In recording order: of two entries with one date, the later recorded is the later state."""
    technology_id: Mapped[int] = mapped_column(RecordId, ForeignKey("edt_technology.id", ondelete="CASCADE"))
    effective_on: Mapped[date] = mapped_column(Date)
    readiness: Mapped[int] = mapped_column(Integer)
    ring: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[str] = mapped_column(Text, default="")
    signal_id: Mapped[int | None] = mapped_column(RecordId, ForeignKey("edt_signal.id", ondelete="SET NULL"))
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


register_shareable(EdtHistory.__tablename__)


class EdtInterest(Base):
    """A nation's interest in a technology (read through the technology)."""

    __tablename__ = "edt_interest"

    technology_id: Mapped[int] = mapped_column(
        RecordId, ForeignKey("edt_technology.id", ondelete="CASCADE"), primary_key=True
    )
    nation_code: Mapped[str] = mapped_column(ForeignKey("nation.code"), primary_key=True)
    level: Mapped[str] = mapped_column(String(16))


class EdtSignal(Shareable, Base):
    """A trend, weak signal, wild card or driver, dated, with confidence and impact; ``status`` is the inbox's."""

    __tablename__ = "edt_signal"

    id: Mapped[int] = mapped_column(RecordId, primary_key=True, default=random_id, autoincrement=False)
    stix_uuid: Mapped[str] = mapped_column(String(36), unique=True)
    kind: Mapped[str] = mapped_column(String(12))
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str | None] = mapped_column(String(2000))
    observed_on: Mapped[date] = mapped_column(Date, index=True)
    confidence: Mapped[int] = mapped_column(Integer)
    impact: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(12), default="new", index=True)
    owner_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


register_shareable(EdtSignal.__tablename__)


class EdtProject(Shareable, Base):
    """A cooperative project partners run: its organisations and nations, status and dates."""

    __tablename__ = "edt_project"

    id: Mapped[int] = mapped_column(RecordId, primary_key=True, default=random_id, autoincrement=False)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    organisations: Mapped[list[int]] = mapped_column(JSON, default=list)
    nations: Mapped[list[str]] = mapped_column(JSON, default=list)
    owner_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


register_shareable(EdtProject.__tablename__)


class EdtMilestone(Base):
    """A dated milestone of a project, done or not (read through the project)."""

    __tablename__ = "edt_milestone"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(RecordId, ForeignKey("edt_project.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    due_on: Mapped[date] = mapped_column(Date)
    done: Mapped[bool] = mapped_column(Boolean, default=False)


class EdtLink(Base):
    """What a signal or project points at, read through its owner and shown only when the target is readable:
    ``technology`` (an EDT technology), ``fimi.report``, ``intel`` (a STIX id) or ``consultation.decision``."""

    __tablename__ = "edt_link"
    __table_args__ = (Index("ix_edt_link_owner", "owner_kind", "owner_id"), Index("ix_edt_link_ref", "kind", "ref"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_kind: Mapped[str] = mapped_column(String(12))
    owner_id: Mapped[int] = mapped_column(RecordId)
    kind: Mapped[str] = mapped_column(String(40))
    ref: Mapped[str] = mapped_column(String(200))


__all__ = ["EdtHistory", "EdtInterest", "EdtLink", "EdtMilestone", "EdtProject", "EdtSignal", "EdtTechnology"]
