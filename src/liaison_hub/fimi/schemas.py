"""FIMI schemas: what clients send (``XCreate``, ``ReportIn``) and what they read (``XRead``), apart from tables."""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum

import pycountry
from pydantic import BaseModel, ConfigDict, Field, field_validator

from liaison_hub.fimi.choices import ChartBy as ChartBy
from liaison_hub.policy.schemas import MarkingIn, MarkingRead


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _nation(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    code = value.strip().upper()
    if pycountry.countries.get(alpha_3=code) is None:
        raise ValueError(f"unknown nation code {code[:10]!r} (ISO 3166-1 alpha-3, e.g. CHN, JPN)")
    return code


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class ReportIn(Strict):
    """One media report as imported; ``language`` is detected when absent (an ISO 639-1 code when given)."""

    outlet: str = Field(min_length=1, max_length=200)
    outlet_country: str | None = Field(default=None, description="ISO 3166-1 alpha-3 of the outlet's country.")
    language: str | None = Field(default=None, max_length=20)
    url: str | None = Field(default=None, max_length=2000, pattern=r"^https?://\S+$")
    published_at: datetime
    title: str = Field(default="", max_length=500)
    text: str = Field(min_length=1, max_length=500_000)

    _country = field_validator("outlet_country")(_nation)
    _published = field_validator("published_at")(_utc)


class Refusal(BaseModel):
    item: str = Field(description="Where in the input: a line, entry or file name.")
    reason: str


class ImportResult(BaseModel):
    """What an import did: new reports, items merged into an existing report, refusals with their reasons."""

    received: int = 0
    stored: int = 0
    merged: int = 0
    refused: list[Refusal] = Field(default_factory=list)
    report_ids: list[int] = Field(default_factory=list, description="The reports stored or merged into (first 1000).")


class ReportsIn(Strict):
    reports: list[ReportIn] = Field(min_length=1, max_length=10_000)
    marking: MarkingIn


class AppearanceRead(BaseModel):
    outlet: str
    outlet_country: str | None
    url: str | None
    published_at: datetime


class MentionRead(BaseModel):
    kind: str
    ref: str
    surface: str
    quote: str | None = None


class SuggestionRead(BaseModel):
    rank: int = Field(description="1, 2, 3... among the suggestions the reader may see.")
    narrative_id: int
    narrative_title: str
    score: float
    passage: str
    status: str


class ReportSummary(BaseModel):
    id: int
    outlet: str
    outlet_country: str | None
    language: str
    url: str | None
    published_at: datetime
    title: str
    outlets: int = Field(description="How many outlets carried this text (that the reader may see).")
    pending: int = Field(default=0, description="Suggestions waiting for a decision.")
    marking: MarkingRead


class ReportRead(ReportSummary):
    text: str
    language_detected: bool
    appearances: list[AppearanceRead]
    mentions: list[MentionRead]
    suggestions: list[SuggestionRead]
    near_duplicates: int = Field(description="Other reports of its copy-paste cluster that the reader may see.")


class Decision(StrEnum):
    confirmed = "confirmed"
    rejected = "rejected"


class DecisionIn(Strict):
    status: Decision


class NarrativeCreate(Strict):
    title: str = Field(min_length=1, max_length=300)
    summary: str = Field(default="", max_length=20_000)
    statements: list[str] = Field(default_factory=list, max_length=200)
    aliases: list[str] = Field(default_factory=list, max_length=100)
    parent_id: int | None = None
    marking: MarkingIn


class NarrativeRead(BaseModel):
    id: int
    title: str
    summary: str
    statements: list[str]
    aliases: list[str]
    parent_id: int | None
    first_seen: datetime | None = Field(description="Over the confirmed reports the reader may see.")
    last_seen: datetime | None
    reports: int
    marking: MarkingRead


class WeekCount(BaseModel):
    week: date
    count: int


class TermIn(Strict):
    label: str = Field(min_length=1, max_length=200)
    variants: list[str] = Field(default_factory=list, max_length=100)


class TermSetCreate(Strict):
    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=5000)
    terms: list[TermIn] = Field(min_length=1, max_length=50)
    marking: MarkingIn


class TermRead(BaseModel):
    id: int
    label: str
    variants: list[str]


class TermSetRead(BaseModel):
    id: int
    name: str
    description: str
    terms: list[TermRead]
    marking: MarkingRead


class ChartPoint(BaseModel):
    week: date
    term: str
    group: str | None = Field(description="The outlet or country; null for totals.")
    count: int


class ChartRead(BaseModel):
    term_set: TermSetRead
    by: ChartBy
    points: list[ChartPoint]


class IncidentStatus(StrEnum):
    """The Incident Core extension's ``investigation_status``."""

    new = "new"
    open = "open"
    closed = "closed"


class Determination(StrEnum):
    """The Incident Core extension's ``determination``."""

    suspected = "suspected"
    confirmed = "confirmed"
    false_positive = "false-positive"


class AttributionTier(StrEnum):
    """How an actor relates to a state, from the closest tie to the loosest."""

    official = "official"
    state_controlled = "state-controlled"
    state_linked = "state-linked"
    state_aligned = "state-aligned"


class ActorIn(Strict):
    name: str = Field(min_length=1, max_length=300)
    stix_type: str = Field(default="threat-actor", pattern=r"^(threat-actor|intrusion-set)$")
    nation: str | None = None
    tier: AttributionTier
    confidence: int = Field(ge=0, le=100)

    _nation_code = field_validator("nation")(_nation)


class TechniqueIn(Strict):
    disarm_id: str = Field(min_length=2, max_length=16)
    observed_at: datetime | None = None
    note: str = Field(default="", max_length=5000)

    @field_validator("observed_at")
    @classmethod
    def _observed(cls, value: datetime | None) -> datetime | None:
        return None if value is None else _utc(value)


class IncidentCreate(Strict):
    title: str = Field(min_length=1, max_length=300)
    summary: str = Field(default="", max_length=50_000)
    first_seen: datetime
    last_seen: datetime | None = None
    status: IncidentStatus = IncidentStatus.open
    determination: Determination = Determination.suspected
    narratives: list[int] = Field(default_factory=list, max_length=100)
    reports: list[int] = Field(default_factory=list, max_length=1000, description="Evidence reports.")
    channels: list[str] = Field(default_factory=list, max_length=200, description="Outlets or channels used.")
    targets: list[str] = Field(default_factory=list, max_length=100, description="Nation or grouping codes.")
    actors: list[ActorIn] = Field(default_factory=list, max_length=50)
    techniques: list[TechniqueIn] = Field(default_factory=list, max_length=200)
    marking: MarkingIn

    _first = field_validator("first_seen")(_utc)

    @field_validator("last_seen")
    @classmethod
    def _last(cls, value: datetime | None) -> datetime | None:
        return None if value is None else _utc(value)


class ActorRead(BaseModel):
    name: str
    stix_type: str
    nation: str | None
    tier: str
    confidence: int


class TechniqueRead(BaseModel):
    disarm_id: str
    name: str
    kind: str = Field(description="technique or countermeasure")
    tactics: list[str]
    url: str | None
    observed_at: datetime | None
    note: str


class NamedRef(BaseModel):
    id: int
    title: str


class TimelineEntry(BaseModel):
    at: datetime
    kind: str
    text: str
    ref: int | None = None


class IncidentRead(BaseModel):
    id: int
    stix_id: str
    title: str
    summary: str
    first_seen: datetime
    last_seen: datetime | None
    status: str
    determination: str
    narratives: list[NamedRef]
    reports: list[NamedRef]
    channels: list[str]
    targets: list[str]
    actors: list[ActorRead]
    techniques: list[TechniqueRead]
    timeline: list[TimelineEntry]
    marking: MarkingRead


class ClusterMember(BaseModel):
    report_id: int
    title: str
    outlet: str
    outlet_country: str | None
    url: str | None
    published_at: datetime
    similarity: float | None = None


class ClusterRead(BaseModel):
    size: int = Field(description="Reports in the cluster that the reader may see.")
    outlets: int
    members: list[ClusterMember] = Field(description="Every appearance, earliest first.")


class ClusterSummary(BaseModel):
    report_id: int
    title: str
    size: int
    outlets: int
    first_published: datetime
    member_audience_ids: list[int] = Field(default_factory=list, exclude=True)  # for a page's banner


class ExportResult(BaseModel):
    collection: str
    objects: int
    stored: int
    refused: list[Refusal]
