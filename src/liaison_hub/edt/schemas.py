"""EDT schemas: what clients send (``XCreate``, ``HistoryIn``, ``PromoteIn``) and what they read (``XRead``)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from liaison_hub.policy.schemas import MarkingIn, MarkingRead


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Horizon(StrEnum):
    """When a technology is expected to matter: within 5 years, in 5 to 10, in 10 to 20."""

    near = "near"
    mid = "mid"
    far = "far"


class InterestLevel(StrEnum):
    lead = "lead"
    participating = "participating"
    interested = "interested"


class SignalKind(StrEnum):
    trend = "trend"
    weak_signal = "weak_signal"
    wild_card = "wild_card"
    driver = "driver"


class Impact(StrEnum):
    low = "low"
    medium = "medium"
    high = "high"
    disruptive = "disruptive"


class ProjectStatus(StrEnum):
    proposed = "proposed"
    active = "active"
    completed = "completed"
    cancelled = "cancelled"


class SourceKind(StrEnum):
    """What a signal may come from besides a URL: a FIMI report (its id) or an intel object (collection/STIX id)."""

    fimi_report = "fimi.report"
    intel = "intel"


class InterestIn(Strict):
    nation: str = Field(min_length=3, max_length=3, description="ISO 3166-1 alpha-3.")
    level: InterestLevel = InterestLevel.interested


class HistoryIn(Strict):
    """A new readiness level and ring as of a date, with who-why-evidence; the marking defaults to the
    technology's and can only narrow it."""

    effective_on: date
    readiness: int = Field(description="Technology readiness level, 1 to 9.")
    ring: str = Field(min_length=1, max_length=20)
    reason: str = Field(min_length=1, max_length=4000)
    evidence: str = Field(default="", max_length=4000)
    marking: MarkingIn | None = None


class TechnologyCreate(Strict):
    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=20000)
    areas: list[str] = Field(min_length=1, max_length=10)
    horizon: Horizon = Horizon.mid
    readiness: int = Field(description="Technology readiness level, 1 to 9.")
    ring: str = Field(min_length=1, max_length=20)
    effective_on: date = Field(description="Date of the first readiness assessment.")
    reason: str = Field(default="first assessment", min_length=1, max_length=4000)
    evidence: str = Field(default="", max_length=4000)
    interest: list[InterestIn] = Field(default_factory=list, max_length=100)
    marking: MarkingIn


class HistoryRead(BaseModel):
    id: int
    effective_on: date
    readiness: int
    ring: str
    reason: str
    evidence: str
    recorded_by: str | None
    recorded_at: datetime
    signal_id: int | None
    marking: MarkingRead


class NamedRef(BaseModel):
    id: int
    title: str


class TechnologyRead(BaseModel):
    id: int
    stix_id: str
    name: str
    description: str
    areas: list[str]
    horizon: str
    readiness: int
    ring: str
    first_on: date
    interest: dict[str, str]
    history: list[HistoryRead]
    signals: list[NamedRef]
    projects: list[NamedRef]
    marking: MarkingRead


class TechnologySummary(BaseModel):
    id: int
    name: str
    areas: list[str]
    horizon: str
    readiness: int
    ring: str
    marking: MarkingRead


class SourceIn(Strict):
    kind: SourceKind
    ref: str = Field(min_length=1, max_length=200)


class SignalCreate(Strict):
    kind: SignalKind
    title: str = Field(min_length=1, max_length=300)
    summary: str = Field(default="", max_length=20000)
    url: str | None = Field(default=None, max_length=2000, pattern=r"^https?://\S+$")
    observed_on: date
    confidence: int = Field(ge=0, le=100, description="0 to 100.")
    impact: Impact = Impact.medium
    technologies: list[int] = Field(default_factory=list, max_length=100)
    sources: list[SourceIn] = Field(default_factory=list, max_length=50)
    marking: MarkingIn


class SourceRead(BaseModel):
    kind: str
    ref: str
    label: str


class SignalRead(BaseModel):
    id: int
    stix_id: str
    kind: str
    title: str
    summary: str
    url: str | None
    observed_on: date
    confidence: int
    impact: str
    status: str
    technologies: list[NamedRef]
    sources: list[SourceRead]
    marking: MarkingRead


class PromoteIn(Strict):
    """Move a technology's readiness or ring on the strength of a signal; the history records the signal."""

    technology_id: int
    readiness: int | None = None
    ring: str | None = Field(default=None, max_length=20)
    reason: str = Field(min_length=1, max_length=4000)
    effective_on: date | None = Field(default=None, description="Default: the signal's date.")
    marking: MarkingIn | None = None


class MilestoneIn(Strict):
    title: str = Field(min_length=1, max_length=300)
    due_on: date
    done: bool = False


class ProjectCreate(Strict):
    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=20000)
    status: ProjectStatus = ProjectStatus.active
    starts_on: date
    ends_on: date
    organisations: list[str] = Field(default_factory=list, max_length=100, description="Short names.")
    nations: list[str] = Field(default_factory=list, max_length=100)
    milestones: list[MilestoneIn] = Field(default_factory=list, max_length=200)
    technologies: list[int] = Field(default_factory=list, max_length=100)
    decisions: list[int] = Field(default_factory=list, max_length=100, description="Consultation decision ids.")
    marking: MarkingIn


class MilestoneRead(BaseModel):
    id: int
    title: str
    due_on: date
    done: bool


class ProjectRead(BaseModel):
    id: int
    name: str
    description: str
    status: str
    starts_on: date
    ends_on: date
    organisations: list[str]
    nations: list[str]
    milestones: list[MilestoneRead]
    technologies: list[NamedRef]
    decisions: list[NamedRef]
    marking: MarkingRead


class RadarEntry(BaseModel):
    """One technology on the radar as the viewer sees it at ``at``, and how it moved since ``since``."""

    technology_id: int
    name: str
    area: str
    quadrant: int
    ring: str
    ring_index: int
    readiness: int
    moved: int = Field(description="Tech-radar convention: 1 moved in, -1 moved out, 0 not moved, 2 new.")
    ring_before: str | None
    readiness_before: int | None


class Radar(BaseModel):
    at: date
    since: date | None
    entries: list[RadarEntry]
