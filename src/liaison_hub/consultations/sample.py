"""The demo's consultation: a quarterly Alliance-AP4 cyber consultation across five capitals, fairly scheduled."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from liaison_hub.consultations import meetings, service
from liaison_hub.consultations import repository as repo
from liaison_hub.consultations.schemas import (
    ActionCreate,
    AgendaItemCreate,
    ParticipantIn,
    ScheduleRequest,
    SeriesCreate,
)
from liaison_hub.directory.auth import acting_as
from liaison_hub.policy.levels import Level
from liaison_hub.policy.principal import Actor, PrincipalKind
from liaison_hub.policy.schemas import MarkingIn

TITLE = "Alliance-AP4 cyber consultation"
PARTICIPANTS = (
    ParticipantIn(organisation="HQ", zone="Europe/Brussels"),
    ParticipantIn(organisation="LO-TYO", zone="Asia/Tokyo"),
    ParticipantIn(organisation="JPN-NCC"),
    ParticipantIn(organisation="AUS-CSC"),
    ParticipantIn(organisation="KOR-NCSC"),
    ParticipantIn(organisation="NZL-NCSC"),
)


def _liaison_officer(session: Session, accreditation: Level) -> Actor:
    return acting_as(session, "liaison", accreditation=accreditation, kind=PrincipalKind.demo, source="demo")


def load_sample(session: Session, *, accreditation: Level, today: date) -> bool:
    """Create the series, schedule its next four meetings and put an agenda item and an action on the first."""
    actor = _liaison_officer(session, accreditation)
    if any(s.title == TITLE for s in repo.list_series(session, actor.principal)):
        return False
    series = service.create_series(
        session,
        actor,
        data=SeriesCreate(
            title=TITLE,
            rule="FREQ=MONTHLY;INTERVAL=3;BYDAY=WE;BYSETPOS=2",
            first_date=today + timedelta(days=14),
            anchor_zone="UTC",
            participants=list(PARTICIPANTS),
            marking=MarkingIn(tlp="amber", releasable_to=["ALLIANCE", "AP4"]),
        ),
        accreditation=accreditation,
    )
    service.propose(session, actor, series_id=series.id, request=ScheduleRequest(count=4, apply=True), today=today)
    first = min(repo.meetings_of_series(session, actor.principal, [series.id]), key=lambda m: m.starts_at)
    meetings.add_agenda_item(
        session,
        actor,
        meeting_id=first.id,
        data=AgendaItemCreate(title="Ransomware targeting regional ports: shared indicators", presenter="JPN-NCC"),
        accreditation=accreditation,
    )
    meetings.add_action(
        session,
        actor,
        meeting_id=first.id,
        data=ActionCreate(
            title="Circulate the indicator set to AP4 CERTs",
            owner="LO-TYO",
            assignee="liaison",
            due_on=first.starts_at.date() + timedelta(days=14),
        ),
        accreditation=accreditation,
    )
    return True
