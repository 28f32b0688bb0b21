"""FIMI tables: media reports and where they appeared, what they name, near-duplicate links, narratives and the
suggestions tying reports to them, framing term sets and their counts, and incidents with their actors, DISARM
techniques and links. Every row a reader sees carries a marking (its own, or its report's, its term set's or its
incident's: rows that only make sense with their parent are read through the parent)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Date, Float, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from liaison_hub.db.types import RecordId, UTCDateTime, random_id, utcnow
from liaison_hub.models.base import Base
from liaison_hub.models.policy import Shareable, register_shareable


class FimiReport(Shareable, Base):
    """One media text: the first outlet that carried it is the report's own; every carrying is an appearance."""

    __tablename__ = "fimi_report"
    __table_args__ = (
        Index("ix_fimi_report_text_key", "audience_id", "text_key"),
        Index("ix_fimi_report_published", "published_at", "id"),
    )

    id: Mapped[int] = mapped_column(RecordId, primary_key=True, default=random_id, autoincrement=False)
    outlet: Mapped[str] = mapped_column(String(200))
    outlet_country: Mapped[str | None] = mapped_column(String(3))
    language: Mapped[str] = mapped_column(String(8))
    language_detected: Mapped[bool] = mapped_column(default=False)
    url: Mapped[str | None] = mapped_column(String(2000))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime)
    title: Mapped[str] = mapped_column(String(500))
    text: Mapped[str] = mapped_column(Text)
    text_key: Mapped[str] = mapped_column(String(32))
    """Digest of the normalised text (case, spacing, punctuation, quotes, boilerplate): equal keys are one text."""
    signature: Mapped[bytes] = mapped_column(LargeBinary)
    """MinHash signature of the text's shingles (uint32 values), for near-duplicate links."""
    owner_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


register_shareable(FimiReport.__tablename__)


class FimiAppearance(Shareable, Base):
    """A report carried by one outlet at one time (duplicates merged into a report keep every outlet here)."""

    __tablename__ = "fimi_appearance"
    __table_args__ = (Index("ix_fimi_appearance_url", "audience_id", "url_key"),)

    id: Mapped[int] = mapped_column(RecordId, primary_key=True, default=random_id, autoincrement=False)
    report_id: Mapped[int] = mapped_column(RecordId, ForeignKey("fimi_report.id", ondelete="CASCADE"), index=True)
    outlet: Mapped[str] = mapped_column(String(200))
    outlet_country: Mapped[str | None] = mapped_column(String(3))
    url: Mapped[str | None] = mapped_column(String(2000))
    url_key: Mapped[str | None] = mapped_column(String(32))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime)
    week: Mapped[date] = mapped_column(Date)
    """Monday of the ISO week of ``published_at`` (UTC): charts group by it."""


register_shareable(FimiAppearance.__tablename__)


class FimiMention(Shareable, Base):
    """Something a report names: a nation, organisation, grouping, speaker (with the quote), URL or domain."""

    __tablename__ = "fimi_mention"
    __table_args__ = (Index("ix_fimi_mention_ref", "kind", "ref"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"), primary_key=True)
    report_id: Mapped[int] = mapped_column(RecordId, ForeignKey("fimi_report.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    ref: Mapped[str] = mapped_column(String(300))
    surface: Mapped[str] = mapped_column(String(300))
    quote: Mapped[str | None] = mapped_column(Text)
    offset: Mapped[int] = mapped_column(Integer)


register_shareable(FimiMention.__tablename__)


class FimiNearDuplicate(Base):
    """Two reports whose texts are near-duplicates (MinHash estimate of Jaccard similarity at or above the
    threshold). Read only joined to both reports through the access filter: clusters are built from the links
    between reports the reader may read, so a hidden report never joins two visible ones."""

    __tablename__ = "fimi_near_duplicate"

    report_id: Mapped[int] = mapped_column(RecordId, ForeignKey("fimi_report.id", ondelete="CASCADE"), primary_key=True)
    other_id: Mapped[int] = mapped_column(
        RecordId, ForeignKey("fimi_report.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    similarity: Mapped[float] = mapped_column(Float)


class FimiBand(Base):
    """LSH band keys of a report's signature: reports sharing a key are near-duplicate candidates."""

    __tablename__ = "fimi_band"

    report_id: Mapped[int] = mapped_column(RecordId, ForeignKey("fimi_report.id", ondelete="CASCADE"), primary_key=True)
    band_key: Mapped[int] = mapped_column(BigInteger, primary_key=True, index=True)


class FimiNarrative(Shareable, Base):
    """A narrative of the catalogue; first and last seen are computed over the confirmed reports a reader sees."""

    __tablename__ = "fimi_narrative"

    id: Mapped[int] = mapped_column(RecordId, primary_key=True, default=random_id, autoincrement=False)
    stix_uuid: Mapped[str] = mapped_column(String(36), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    statements: Mapped[list[str]] = mapped_column(JSON, default=list)
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    parent_id: Mapped[int | None] = mapped_column(RecordId, ForeignKey("fimi_narrative.id", ondelete="SET NULL"))
    owner_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


register_shareable(FimiNarrative.__tablename__)


class FimiSuggestion(Shareable, Base):
    """A narrative suggested for a report (score and matching passage), and the analyst's decision on it. Carries
    the report's marking and is shown only when the narrative is readable too."""

    __tablename__ = "fimi_suggestion"

    report_id: Mapped[int] = mapped_column(RecordId, ForeignKey("fimi_report.id", ondelete="CASCADE"), primary_key=True)
    narrative_id: Mapped[int] = mapped_column(
        RecordId, ForeignKey("fimi_narrative.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    score: Mapped[float] = mapped_column(Float)
    passage: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default="suggested", index=True)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


register_shareable(FimiSuggestion.__tablename__)


class FimiTermSet(Shareable, Base):
    """A set of framing terms compared with each other (e.g. Asia-Pacific against Indo-Pacific)."""

    __tablename__ = "fimi_term_set"

    id: Mapped[int] = mapped_column(RecordId, primary_key=True, default=random_id, autoincrement=False)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    owner_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


register_shareable(FimiTermSet.__tablename__)


class FimiTerm(Base):
    """One term of a set with its variants in several languages (read through its set)."""

    __tablename__ = "fimi_term"

    id: Mapped[int] = mapped_column(RecordId, primary_key=True, default=random_id, autoincrement=False)
    term_set_id: Mapped[int] = mapped_column(RecordId, ForeignKey("fimi_term_set.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(200))
    variants: Mapped[list[str]] = mapped_column(JSON, default=list)
    position: Mapped[int] = mapped_column(Integer, default=0)


class FimiTermCount(Shareable, Base):
    """How often a term occurs in one appearance of a report: the report's marking, the appearance's outlet,
    country and week, so a chart is one filtered GROUP BY."""

    __tablename__ = "fimi_term_count"
    __table_args__ = (Index("ix_fimi_term_count_chart", "term_set_id", "audience_id", "week"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"), primary_key=True)
    term_set_id: Mapped[int] = mapped_column(RecordId, ForeignKey("fimi_term_set.id", ondelete="CASCADE"))
    term_id: Mapped[int] = mapped_column(RecordId, ForeignKey("fimi_term.id", ondelete="CASCADE"))
    report_id: Mapped[int] = mapped_column(RecordId, ForeignKey("fimi_report.id", ondelete="CASCADE"), index=True)
    outlet: Mapped[str] = mapped_column(String(200))
    outlet_country: Mapped[str | None] = mapped_column(String(3))
    week: Mapped[date] = mapped_column(Date)
    count: Mapped[int] = mapped_column(Integer)


register_shareable(FimiTermCount.__tablename__)


class FimiIncident(Shareable, Base):
    """A FIMI incident: period, status and determination (the STIX Incident Core extension's vocabularies)."""

    __tablename__ = "fimi_incident"

    id: Mapped[int] = mapped_column(RecordId, primary_key=True, default=random_id, autoincrement=False)
    stix_uuid: Mapped[str] = mapped_column(String(36), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(12))
    determination: Mapped[str] = mapped_column(String(16))
    owner_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


register_shareable(FimiIncident.__tablename__)


class FimiIncidentActor(Base):
    """An actor of an incident with its attribution tier and the analyst's confidence (0-100)."""

    __tablename__ = "fimi_incident_actor"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(RecordId, ForeignKey("fimi_incident.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    stix_type: Mapped[str] = mapped_column(String(16))
    nation_code: Mapped[str | None] = mapped_column(String(3))
    tier: Mapped[str] = mapped_column(String(20))
    confidence: Mapped[int] = mapped_column(Integer)


class FimiIncidentTechnique(Base):
    """A DISARM technique (T...) or countermeasure (C...) of an incident, by its DISARM id."""

    __tablename__ = "fimi_incident_technique"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(RecordId, ForeignKey("fimi_incident.id", ondelete="CASCADE"), index=True)
    disarm_id: Mapped[str] = mapped_column(String(16))
    observed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    note: Mapped[str] = mapped_column(Text, default="")


class FimiIncidentLink(Base):
    """What an incident points at: ``narrative`` and ``report`` (record ids, shown only when readable),
    ``channel`` (an outlet) and ``target`` (a nation, grouping or organisation code)."""

    __tablename__ = "fimi_incident_link"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(RecordId, ForeignKey("fimi_incident.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    ref: Mapped[str] = mapped_column(String(300))


__all__ = [
    "FimiAppearance",
    "FimiBand",
    "FimiIncident",
    "FimiIncidentActor",
    "FimiIncidentLink",
    "FimiIncidentTechnique",
    "FimiMention",
    "FimiNarrative",
    "FimiNearDuplicate",
    "FimiReport",
    "FimiSuggestion",
    "FimiTerm",
    "FimiTermCount",
    "FimiTermSet",
]
