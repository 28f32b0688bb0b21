"""API schemas of consultations: what clients send (``...Create``) and what they get back (``...Read``)."""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from liaison_hub.fields import RecurrenceRule, TimeOfDay, Username, ZoneName
from liaison_hub.policy.schemas import MarkingIn, MarkingRead


class Area(StrEnum):
    cyber = "cyber"
    disinformation = "disinformation"
    edt = "edt"
    other = "other"


class ActionStatus(StrEnum):
    open = "open"
    done = "done"
    cancelled = "cancelled"


class AttendanceStatus(StrEnum):
    present = "present"
    apologies = "apologies"
    absent = "absent"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ParticipantIn(Strict):
    """An organisation by short name; its zone defaults to its nation's, its hours to 08:00-18:00 local."""

    organisation: str = Field(
        min_length=1, max_length=40, description="Short name of an organisation in the hub's directory."
    )
    zone: ZoneName | None = Field(default=None, description="Default: the zone of the organisation's nation.")
    earliest: TimeOfDay = Field(default=time(8), description="Local time of day, before ``latest``.")
    latest: TimeOfDay = Field(default=time(18), description="Local time of day, after ``earliest``.")

    @model_validator(mode="after")
    def _hours(self) -> ParticipantIn:
        if self.earliest >= self.latest:
            raise ValueError(f"acceptable hours: earliest ({self.earliest:%H:%M}) must be before latest")
        return self


class SeriesCreate(Strict):
    title: str = Field(min_length=1, max_length=200)
    areas: list[Area] = Field(default_factory=lambda: [Area.cyber])
    rule: RecurrenceRule = Field(max_length=500, description="RFC 5545 RRULE value without DTSTART or BYHOUR.")
    first_date: date
    anchor_zone: ZoneName = Field(description="The zone in which the rule's dates fall.")
    duration_minutes: int = Field(default=90, ge=15, le=480)
    participants: list[ParticipantIn] = Field(min_length=1, max_length=40)
    marking: MarkingIn = Field(default_factory=MarkingIn)

    @field_validator("participants")
    @classmethod
    def _distinct(cls, value: list[ParticipantIn]) -> list[ParticipantIn]:
        names = [p.organisation for p in value]
        if len(set(names)) != len(names):
            raise ValueError("each organisation may take part once")
        return value


class ParticipantRead(BaseModel):
    organisation: str
    nation_code: str | None
    zone: str
    earliest: time
    latest: time


class SeriesRead(BaseModel):
    id: int
    uid: str
    title: str
    areas: list[str]
    rule: str
    rule_in_words: str = Field(
        default="", description='The rule in plain English, e.g. "Every 3 months, on the 2nd Wednesday".'
    )
    first_date: date
    anchor_zone: str
    rule_time: str | None
    duration_minutes: int
    owner: str
    participants: list[ParticipantRead]
    marking: MarkingRead


class ScheduleRequest(Strict):
    count: int = Field(default=4, ge=1, le=12)
    start: date | None = Field(default=None, description="First date considered; default: the series' first date.")
    step_minutes: int = Field(default=30, ge=5, le=120)
    max_shift_days: int = Field(default=3, ge=0, le=7)
    apply: bool = False


class CostRow(BaseModel):
    """One participant's line of the cost table: cost per occurrence and in total (weighted quarter hours)."""

    organisation: str
    zone: str
    costs: list[int]
    total: int
    local_starts: list[str]


class ProposedOccurrence(BaseModel):
    recurrence_id: datetime
    start: datetime
    end: datetime
    is_override: bool


class ScheduleRead(BaseModel):
    rule: str
    anchor_zone: str
    rule_time: str
    occurrences: list[ProposedOccurrence]
    cost_table: list[CostRow]
    worst: int
    exact: bool
    warnings: list[str]
    applied: bool


class LocalTime(BaseModel):
    organisation: str
    zone: str
    local_start: str
    local_end: str
    within_hours: bool


class MeetingRead(BaseModel):
    id: int
    series_id: int
    series_title: str
    series_uid: str
    recurrence_id: datetime
    starts_at: datetime
    ends_at: datetime
    status: str
    location: str | None
    marking: MarkingRead
    local_times: list[LocalTime] = Field(default_factory=list)


class MeetingUpdate(Strict):
    starts_at: datetime | None = None
    status: str | None = Field(default=None, pattern="^(scheduled|cancelled)$")
    location: str | None = Field(default=None, max_length=200)
    marking: MarkingIn | None = None


class RecordRef(Strict):
    """A link to a record of any module: ``kind`` (e.g. intel, fimi, edt) and its id, with its own marking."""

    kind: str = Field(min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9_.-]*$")
    ref: str = Field(min_length=1, max_length=200)
    label: str | None = Field(default=None, max_length=300)
    marking: MarkingIn | None = None


class AgendaItemCreate(Strict):
    title: str = Field(min_length=1, max_length=300)
    presenter: str | None = Field(default=None, description="Presenting organisation (short name).")
    links: list[RecordRef] = Field(default_factory=list, max_length=50)
    marking: MarkingIn | None = None


class RecordRefRead(BaseModel):
    id: int
    kind: str
    ref: str
    label: str | None
    marking: MarkingRead


class AgendaItemRead(BaseModel):
    id: int
    position: int
    title: str
    presenter: str | None
    links: list[RecordRefRead]
    marking: MarkingRead


class AttendanceIn(Strict):
    organisation: str
    status: AttendanceStatus
    names: str | None = Field(default=None, max_length=500)


class AttendanceRead(BaseModel):
    organisation: str
    status: str
    names: str | None


class MinutesIn(Strict):
    body: str = Field(min_length=1, max_length=200_000, description="Markdown.")
    marking: MarkingIn | None = None


class MinutesRead(BaseModel):
    id: int
    body: str
    updated_at: datetime
    marking: MarkingRead


class DecisionCreate(Strict):
    text: str = Field(min_length=1, max_length=5000)
    decided_on: date | None = None
    marking: MarkingIn | None = None


class DecisionRead(BaseModel):
    id: int
    number: int
    text: str
    decided_on: date
    meeting_id: int
    marking: MarkingRead


class ActionCreate(Strict):
    title: str = Field(min_length=1, max_length=300)
    owner: str = Field(
        min_length=1,
        max_length=40,
        description="Owner organisation: a short name in the directory that the action's marking reaches.",
    )
    assignee: Username | None = Field(default=None, description="Username of a user the marking reaches.")
    due_on: date = Field(description="On or after the meeting's date.")
    decision_number: int | None = Field(
        default=None, ge=1, description="A decision of this series, as numbered for you."
    )
    marking: MarkingIn | None = None


class ActionUpdate(Strict):
    status: ActionStatus | None = None
    due_on: date | None = None
    assignee: str | None = None


class ActionRead(BaseModel):
    id: int
    meeting_id: int
    series_title: str
    title: str
    owner: str
    assignee: str | None
    due_on: date
    status: str
    overdue: bool
    decision_number: int | None
    marking: MarkingRead
    can_change: bool = Field(default=False, description="Whether the caller may change this action item.")


class MeetingDetail(BaseModel):
    meeting: MeetingRead
    agenda: list[AgendaItemRead]
    attendance: list[AttendanceRead]
    minutes: list[MinutesRead]
    decisions: list[DecisionRead]
    actions: list[ActionRead]
    can_change: bool = Field(default=False, description="Whether the caller may change this meeting's content.")


class MeetingSummary(BaseModel):
    """What a consultation produced: its decisions, the actions it opened, and what is overdue in the series."""

    meeting: MeetingRead
    decisions: list[DecisionRead]
    new_actions: list[ActionRead]
    overdue_actions: list[ActionRead]


class FeedCreate(Strict):
    series_id: int | None = Field(default=None, description="One series; none for every series you may read.")


class FeedRead(BaseModel):
    id: int
    series_id: int | None
    prefix: str
    created_at: datetime
    revoked_at: datetime | None


class FeedCreated(FeedRead):
    secret: str
    path: str
