"""Typed factories for consultation tests: the five-capital series of the issue, scheduled and populated."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from liaison_hub.consultations import meetings, service
from liaison_hub.consultations.schemas import (
    ActionCreate,
    AgendaItemCreate,
    MinutesIn,
    ParticipantIn,
    ScheduleRequest,
    SeriesCreate,
)
from liaison_hub.models.consultations import ActionItem, AgendaItem, ConsultationSeries, Meeting
from liaison_hub.policy.levels import parse_classification
from liaison_hub.policy.principal import Actor
from liaison_hub.policy.schemas import MarkingIn
from tests.factories import principal

ACCREDITATION = parse_classification("NS")
QUARTERLY = "FREQ=MONTHLY;INTERVAL=3;BYDAY=WE;BYSETPOS=2"
FIVE_CAPITALS = ("BEL-CCB", "JPN-NCC", "AUS-CSC", "KOR-NCSC", "NZL-NCSC")
AP4_AMBER = MarkingIn(tlp="amber", releasable_to=["BEL", "AP4"])


def actor(session: Session, username: str) -> Actor:
    return Actor(principal(session, username), source="test")


def series_data(**overrides: object) -> SeriesCreate:
    values: dict[str, object] = {
        "title": "Alliance-AP4 cyber consultation",
        "rule": QUARTERLY,
        "first_date": date(2027, 1, 1),
        "anchor_zone": "Asia/Tokyo",
        "duration_minutes": 90,
        "participants": [ParticipantIn(organisation=o) for o in FIVE_CAPITALS],
        "marking": AP4_AMBER,
    }
    values.update(overrides)
    return SeriesCreate.model_validate(values)


def make_series(session: Session, username: str = "analyst-jp", **overrides: object) -> ConsultationSeries:
    return service.create_series(
        session, actor(session, username), data=series_data(**overrides), accreditation=ACCREDITATION
    )


def scheduled_series(
    session: Session, username: str = "analyst-jp", count: int = 4, **overrides: object
) -> tuple[ConsultationSeries, list[Meeting]]:
    row = make_series(session, username, **overrides)
    who = actor(session, username)
    service.propose(session, who, series_id=row.id, request=ScheduleRequest(count=count, apply=True))
    return row, list(service.repo.meetings_of_series(session, who.principal, [row.id]))


def add_minutes(session: Session, username: str, meeting_id: int, body: str, marking: MarkingIn | None = None) -> None:
    meetings.save_minutes(
        session,
        actor(session, username),
        meeting_id=meeting_id,
        data=MinutesIn(body=body, marking=marking),
        accreditation=ACCREDITATION,
    )


def add_action(session: Session, username: str, meeting_id: int, due: date, **overrides: object) -> ActionItem:
    values: dict[str, object] = {"title": "Share indicators", "owner": "JPN-NCC", "due_on": due}
    values.update(overrides)
    return meetings.add_action(
        session,
        actor(session, username),
        meeting_id=meeting_id,
        data=ActionCreate.model_validate(values),
        accreditation=ACCREDITATION,
    )


def add_agenda_item(session: Session, username: str, meeting_id: int, title: str, **overrides: object) -> AgendaItem:
    data = AgendaItemCreate.model_validate({"title": title} | overrides)
    return meetings.add_agenda_item(
        session, actor(session, username), meeting_id=meeting_id, data=data, accreditation=ACCREDITATION
    )
