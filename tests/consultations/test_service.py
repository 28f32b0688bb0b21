"""Consultation services on real databases: bad input refused with nothing saved, releasability of participants,
actions and decisions, summaries, and the marking policy on every list."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from liaison_hub.consultations import meetings, repository, service, views
from liaison_hub.consultations.schemas import (
    ActionStatus,
    ActionUpdate,
    AgendaItemCreate,
    DecisionCreate,
    MeetingUpdate,
    ParticipantIn,
    RecordRef,
)
from liaison_hub.errors import Forbidden, InvalidInput, NotFound, describe_validation
from liaison_hub.models import AuditEntry
from liaison_hub.models.consultations import ConsultationSeries
from liaison_hub.policy.schemas import MarkingIn
from tests.consultations.helpers import (
    ACCREDITATION,
    actor,
    add_action,
    add_minutes,
    make_series,
    scheduled_series,
    series_data,
)
from tests.factories import principal

JPN_ONLY = MarkingIn(tlp="amber", releasable_to=["JPN"])


def _count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(ConsultationSeries)) or 0)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"rule": "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30"}, "no occurrence"),
        ({"participants": [ParticipantIn(organisation="HQ")]}, "explicitly"),
        ({"participants": [ParticipantIn(organisation="NOPE")]}, "unknown participant"),
        ({"marking": JPN_ONLY}, "BEL-CCB, AUS-CSC, KOR-NCSC, NZL-NCSC outside the releasability"),
    ],
)
def test_bad_series_is_refused_and_nothing_is_saved(
    session: Session, overrides: dict[str, object], message: str
) -> None:
    before = _count(session)
    with pytest.raises(InvalidInput, match=message):
        make_series(session, **overrides)
    assert _count(session) == before


@pytest.mark.parametrize(
    "overrides",
    [
        {"anchor_zone": "Asia/Atlantis"},
        {"participants": [{"organisation": "JPN-NCC", "zone": "Europe/Nowhere"}]},
        {"participants": [{"organisation": "JPN-NCC", "earliest": "00:00:00Z"}]},
    ],
)
def test_bad_zone_or_hours_are_refused_by_the_schema_naming_the_field(overrides: dict[str, object]) -> None:
    with pytest.raises(ValidationError) as refused:
        series_data(**overrides)
    text = describe_validation(refused.value)
    assert text.startswith(("anchor zone:", "participants #1 zone:", "participants #1 earliest:"))
    assert "time zone" in text


def test_alliance_body_with_explicit_zone_takes_part(session: Session) -> None:
    people = [ParticipantIn(organisation="HQ", zone="Europe/Brussels"), ParticipantIn(organisation="JPN-NCC")]
    row = make_series(session, participants=people, marking=MarkingIn(tlp="amber", releasable_to=["ALLIANCE", "AP4"]))
    read = views.series_reads(session, [row])[0]
    assert [(p.organisation, p.zone) for p in read.participants] == [
        ("HQ", "Europe/Brussels"),
        ("JPN-NCC", "Asia/Tokyo"),
    ]


def test_schedule_creates_meetings_and_is_audited(session: Session) -> None:
    row, rows = scheduled_series(session)
    assert len(rows) == 4
    assert row.rule_time is not None
    actions = set(session.scalars(select(AuditEntry.action)))
    assert {"consultation.series.create", "consultation.series.schedule"} <= actions


def test_due_date_before_the_meeting_is_refused_and_nothing_saved(session: Session) -> None:
    _, rows = scheduled_series(session)
    with pytest.raises(InvalidInput, match="before the meeting"):
        add_action(session, "analyst-jp", rows[1].id, date(2027, 1, 1))
    assert repository.actions_of_meetings(session, principal(session, "analyst-jp"), [rows[1].id]) == []


def test_action_owner_outside_the_actions_marking_is_refused(session: Session) -> None:
    _, rows = scheduled_series(session)
    with pytest.raises(InvalidInput, match="NZL-NCSC outside"):
        add_action(session, "analyst-jp", rows[0].id, date(2027, 6, 1), owner="NZL-NCSC", marking=JPN_ONLY)


def test_outsiders_cannot_write_and_cannot_see(session: Session) -> None:
    _, rows = scheduled_series(session, participants=[ParticipantIn(organisation="JPN-NCC")], marking=JPN_ONLY)
    with pytest.raises(NotFound):
        add_action(session, "analyst-au", rows[0].id, date(2027, 6, 1))
    assert repository.list_series(session, principal(session, "analyst-au")) == []


def test_non_participant_reader_may_read_but_not_write(session: Session) -> None:
    _, rows = scheduled_series(
        session, participants=[ParticipantIn(organisation="JPN-NCC")], marking=MarkingIn(tlp="green")
    )
    with pytest.raises(Forbidden):
        add_action(session, "analyst-au", rows[0].id, date(2027, 6, 1))


def test_a_participant_outside_a_meetings_marking_sees_neither_meeting_nor_minutes(session: Session) -> None:
    row, rows = scheduled_series(session)
    liaison = actor(session, "analyst-jp")
    service.update_meeting(
        session, liaison, meeting_id=rows[1].id, data=MeetingUpdate(marking=JPN_ONLY), accreditation=ACCREDITATION
    )
    add_minutes(session, "analyst-jp", rows[1].id, "Bilateral minutes")
    add_minutes(session, "analyst-jp", rows[0].id, "Secret side note", marking=JPN_ONLY)
    add_minutes(session, "analyst-jp", rows[0].id, "Plenary minutes")
    kiwi = principal(session, "analyst-nz")
    visible = [m.id for m in repository.meetings_of_series(session, kiwi, [row.id])]
    assert rows[1].id not in visible
    assert rows[0].id in visible
    assert [m.body for m in repository.minutes(session, kiwi, rows[0].id)] == ["Plenary minutes"]
    assert repository.minutes(session, kiwi, rows[1].id) == []
    with pytest.raises(NotFound):
        views.meeting_detail(session, kiwi, rows[1].id, date(2027, 1, 1))
    japan = principal(session, "analyst-jp")
    assert len(repository.minutes(session, japan, rows[0].id)) == 2


def test_agenda_links_records_generically_with_their_own_marking(session: Session) -> None:
    _, rows = scheduled_series(session)
    links = [RecordRef(kind="intel", ref="indicator--1"), RecordRef(kind="fimi", ref="42", marking=JPN_ONLY)]
    meetings.add_agenda_item(
        session,
        actor(session, "analyst-jp"),
        meeting_id=rows[0].id,
        data=AgendaItemCreate(title="Threat picture", presenter="JPN-NCC", links=links),
        accreditation=ACCREDITATION,
    )
    seen_by_nz = views.meeting_detail(session, principal(session, "analyst-nz"), rows[0].id, date(2027, 1, 1))
    assert [(link.kind, link.ref) for link in seen_by_nz.agenda[0].links] == [("intel", "indicator--1")]
    seen_by_jp = views.meeting_detail(session, principal(session, "analyst-jp"), rows[0].id, date(2027, 1, 1))
    assert len(seen_by_jp.agenda[0].links) == 2


def test_decisions_are_numbered_and_summary_shows_new_and_overdue_actions(session: Session) -> None:
    _, rows = scheduled_series(session)
    who = actor(session, "analyst-jp")
    first = meetings.add_decision(
        session, who, meeting_id=rows[0].id, data=DecisionCreate(text="Share more"), accreditation=ACCREDITATION
    )
    second = meetings.add_decision(
        session, who, meeting_id=rows[1].id, data=DecisionCreate(text="Exercise"), accreditation=ACCREDITATION
    )
    assert (first.number, second.number) == (1, 2)
    late = add_action(session, "analyst-jp", rows[0].id, date(2027, 2, 1), decision_number=1)
    add_action(session, "analyst-jp", rows[1].id, date(2027, 5, 1), title="Plan exercise", decision_number=2)
    summary = views.meeting_summary(session, principal(session, "analyst-jp"), rows[1].id, date(2027, 4, 20))
    assert [d.number for d in summary.decisions] == [2]
    assert [a.title for a in summary.new_actions] == ["Plan exercise"]
    assert [a.id for a in summary.overdue_actions] == [late.id]
    assert summary.overdue_actions[0].decision_number == 1


def test_my_actions_lists_overdue_first_and_closing_removes_them(session: Session) -> None:
    _, rows = scheduled_series(session)
    later = add_action(session, "analyst-jp", rows[1].id, date(2027, 4, 30), title="Later")
    late = add_action(session, "analyst-jp", rows[0].id, date(2027, 3, 1), title="Late", assignee="analyst-jp")
    me = principal(session, "analyst-jp")
    listed = repository.my_actions(session, me, date(2027, 4, 20))
    assert [a.id for a in listed] == [late.id, later.id]
    assert [a.overdue for a in views.action_reads(session, me, listed, date(2027, 4, 20))] == [True, False]
    meetings.update_action(
        session, actor(session, "analyst-jp"), action_id=late.id, data=ActionUpdate(status=ActionStatus.done)
    )
    assert late.id not in [a.id for a in repository.my_actions(session, me, date(2027, 4, 20))]


def test_a_meeting_pages_banner_covers_the_series_decisions_its_action_form_lists(session: Session) -> None:
    _, rows = scheduled_series(session)
    who = actor(session, "analyst-jp")
    secret = MarkingIn(tlp="amber", classification="NR", releasable_to=["JPN"])
    elsewhere = meetings.add_decision(
        session,
        who,
        meeting_id=rows[1].id,
        data=DecisionCreate(text="Exercise", marking=secret),
        accreditation=ACCREDITATION,
    )
    reader = principal(session, "analyst-jp")
    listed = views.series_decisions(session, reader, rows[0].series_id)
    assert [d.id for d in listed] == [elsewhere.id]  # the first meeting's action form offers it
    audience = repository.decisions(session, reader, [rows[1].id])[0].audience_id
    assert audience in views.meeting_audience_ids(session, reader, rows[0].id)
