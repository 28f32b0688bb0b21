"""Read models of consultations for the API, the web pages and the CLI, built in bulk from what the principal
may read (names and audiences fetched once per call, never per row)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from sqlalchemy.orm import Session

from liaison_hub.consultations import repository as repo
from liaison_hub.consultations import zones
from liaison_hub.consultations.fairness import Fairness, fairness
from liaison_hub.consultations.meetings import is_overdue
from liaison_hub.consultations.rules import describe_rule
from liaison_hub.consultations.scheduling import Attendee, meeting_cost
from liaison_hub.consultations.schemas import (
    ActionRead,
    AgendaItemRead,
    AttendanceRead,
    CostRow,
    DecisionRead,
    LocalTime,
    MeetingDetail,
    MeetingRead,
    MeetingSummary,
    MinutesRead,
    ParticipantRead,
    ProposedOccurrence,
    RecordRefRead,
    ScheduleRead,
    SeriesRead,
)
from liaison_hub.consultations.service import Proposal, attendees, changeable, meeting, series
from liaison_hub.db.types import utcnow
from liaison_hub.models.consultations import ActionItem, ConsultationSeries, Decision, Meeting
from liaison_hub.policy.principal import Principal
from liaison_hub.policy.schemas import MarkingRead, marking_read


class Names:
    """Organisation names and audiences, loaded once for a whole page or response."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.organisations = repo.organisation_names(session)
        self._markings: dict[int, MarkingRead] = {}

    def marking(self, audience_id: int) -> MarkingRead:
        if audience_id not in self._markings:
            audience = repo.audiences(self.session, [audience_id])[audience_id]
            self._markings[audience_id] = marking_read(audience, self.organisations)
        return self._markings[audience_id]

    def preload(self, audience_ids: Sequence[int]) -> None:
        for audience_id, audience in repo.audiences(self.session, audience_ids).items():
            self._markings[audience_id] = marking_read(audience, self.organisations)


def _minute(value: int) -> time:
    return time(value // 60, value % 60)


def series_reads(session: Session, rows: Sequence[ConsultationSeries]) -> list[SeriesRead]:
    names = Names(session)
    names.preload([s.audience_id for s in rows])
    people: dict[int, list[ParticipantRead]] = {}
    for p, org in repo.participants(session, [s.id for s in rows]):
        people.setdefault(p.series_id, []).append(
            ParticipantRead(
                organisation=org.short_name,
                nation_code=org.nation_code,
                zone=p.zone,
                earliest=_minute(p.earliest_minute),
                latest=_minute(p.latest_minute),
            )
        )
    return [
        SeriesRead(
            id=s.id,
            uid=s.uid,
            title=s.title,
            areas=s.areas,
            rule=s.rule,
            rule_in_words=describe_rule(s.rule),
            first_date=s.first_date,
            anchor_zone=s.anchor_zone,
            rule_time=s.rule_time,
            duration_minutes=s.duration_minutes,
            owner=names.organisations.get(s.owner_organisation_id, "?"),
            participants=people.get(s.id, []),
            marking=names.marking(s.audience_id),
        )
        for s in rows
    ]


def local_times(meeting_row: Meeting, participants: Sequence[ParticipantRead]) -> list[LocalTime]:
    """The meeting in each participant's own zone, and whether it falls within their acceptable hours."""
    result = []
    for p in participants:
        tz = zones.zone(p.zone)
        attendee = Attendee(p.organisation, tz, p.earliest, p.latest)
        duration = meeting_row.ends_at - meeting_row.starts_at
        result.append(
            LocalTime(
                organisation=p.organisation,
                zone=p.zone,
                local_start=f"{meeting_row.starts_at.astimezone(tz):%a %Y-%m-%d %H:%M}",
                local_end=f"{meeting_row.ends_at.astimezone(tz):%H:%M}",
                within_hours=meeting_cost(meeting_row.starts_at, duration, attendee) == 0,
            )
        )
    return result


def meeting_reads(
    session: Session, principal: Principal, rows: Sequence[Meeting], *, with_local: bool = False
) -> list[MeetingRead]:
    names = Names(session)
    names.preload([m.audience_id for m in rows])
    by_id = repo.series_by_ids(session, principal, {m.series_id for m in rows})
    people = {s.id: s.participants for s in series_reads(session, list(by_id.values()))} if with_local else {}
    return [
        MeetingRead(
            id=m.id,
            series_id=m.series_id,
            series_title=by_id[m.series_id].title,
            series_uid=by_id[m.series_id].uid,
            recurrence_id=m.recurrence_id,
            starts_at=m.starts_at,
            ends_at=m.ends_at,
            status=m.status,
            location=m.location,
            marking=names.marking(m.audience_id),
            local_times=local_times(m, people.get(m.series_id, [])),
        )
        for m in rows
        if m.series_id in by_id
    ]


def action_reads(session: Session, principal: Principal, rows: Sequence[ActionItem], today: date) -> list[ActionRead]:
    names = Names(session)
    names.preload([a.audience_id for a in rows])
    meetings = {m.id: m for m in repo.list_meetings_by_ids(session, principal, {a.meeting_id for a in rows})}
    series_rows = repo.series_by_ids(session, principal, {m.series_id for m in meetings.values()}).values()
    titles = {s.id: s.title for s in series_rows}
    writable = changeable(session, principal, series_rows)
    users = repo.usernames(session, [a.assignee_user_id for a in rows if a.assignee_user_id])
    numbers = repo.decision_numbers(session, principal, [a.decision_id for a in rows if a.decision_id])
    return [
        ActionRead(
            id=a.id,
            meeting_id=a.meeting_id,
            series_title=titles.get(meetings[a.meeting_id].series_id, ""),
            title=a.title,
            owner=names.organisations.get(a.owner_organisation_id, "?"),
            assignee=users.get(a.assignee_user_id) if a.assignee_user_id else None,
            due_on=a.due_on,
            status=a.status,
            overdue=is_overdue(a, today),
            decision_number=numbers.get(a.decision_id or -1),
            marking=names.marking(a.audience_id),
            can_change=meetings[a.meeting_id].series_id in writable,
        )
        for a in rows
        if a.meeting_id in meetings
    ]


def decision_reads(session: Session, principal: Principal, rows: Sequence[Decision]) -> list[DecisionRead]:
    """Decisions with the numbers the principal sees (counted over the decisions of the series it may read)."""
    names = Names(session)
    names.preload([d.audience_id for d in rows])
    numbers = repo.decision_numbers(session, principal, [d.id for d in rows])
    return [
        DecisionRead(
            id=d.id,
            number=numbers[d.id],
            text=d.text,
            decided_on=d.decided_on,
            meeting_id=d.meeting_id,
            marking=names.marking(d.audience_id),
        )
        for d in rows
    ]


def meeting_detail(session: Session, principal: Principal, meeting_id: int, today: date) -> MeetingDetail:
    row = meeting(session, principal, meeting_id)
    names = Names(session)
    agenda = repo.agenda(session, principal, row.id)
    links = repo.record_links(session, principal, [a.id for a in agenda])
    return MeetingDetail(
        meeting=meeting_reads(session, principal, [row], with_local=True)[0],
        agenda=[
            AgendaItemRead(
                id=a.id,
                position=position,
                title=a.title,
                presenter=names.organisations.get(a.presenter_organisation_id or -1),
                links=[
                    RecordRefRead(
                        id=link.id,
                        kind=link.kind,
                        ref=link.ref,
                        label=link.label,
                        marking=names.marking(link.audience_id),
                    )
                    for link in links
                    if link.agenda_item_id == a.id
                ],
                marking=names.marking(a.audience_id),
            )
            for position, a in enumerate(agenda, start=1)
        ],
        attendance=[
            AttendanceRead(organisation=o.short_name, status=a.status, names=a.names)
            for a, o in repo.attendance(session, row.id)
        ],
        minutes=[
            MinutesRead(id=m.id, body=m.body, updated_at=m.updated_at, marking=names.marking(m.audience_id))
            for m in repo.minutes(session, principal, row.id)
        ],
        decisions=decision_reads(session, principal, repo.decisions(session, principal, [row.id])),
        actions=action_reads(session, principal, repo.actions_of_meetings(session, principal, [row.id]), today),
        can_change=row.series_id in changeable(session, principal, [series(session, principal, row.series_id)]),
    )


def meeting_summary(session: Session, principal: Principal, meeting_id: int, today: date) -> MeetingSummary:
    """Decisions of the meeting, the actions it opened, and the open actions of the series past their due date."""
    row = meeting(session, principal, meeting_id)
    return MeetingSummary(
        meeting=meeting_reads(session, principal, [row])[0],
        decisions=decision_reads(session, principal, repo.decisions(session, principal, [row.id])),
        new_actions=action_reads(session, principal, repo.actions_of_meetings(session, principal, [row.id]), today),
        overdue_actions=action_reads(
            session, principal, repo.overdue_actions(session, principal, row.series_id, today), today
        ),
    )


def schedule_read(proposal: Proposal) -> ScheduleRead:
    plan = proposal.schedule
    rows = [
        CostRow(
            organisation=a.name,
            zone=a.zone.key,
            costs=[slot.costs[i] for slot in plan.slots],
            total=plan.totals[i],
            local_starts=[f"{slot.start.astimezone(a.zone):%a %Y-%m-%d %H:%M}" for slot in plan.slots],
        )
        for i, a in enumerate(plan.attendees)
    ]
    return ScheduleRead(
        rule=plan.rule,
        anchor_zone=plan.anchor.key,
        rule_time=f"{plan.rule_time:%H:%M}",
        occurrences=[
            ProposedOccurrence(
                recurrence_id=s.recurrence_id, start=s.start, end=s.start + plan.duration, is_override=s.is_override
            )
            for s in plan.slots
        ],
        cost_table=rows,
        worst=plan.worst,
        exact=plan.exact,
        warnings=proposal.warnings,
        applied=proposal.applied,
    )


def series_read(session: Session, principal: Principal, series_id: int) -> SeriesRead:
    return series_reads(session, [series(session, principal, series_id)])[0]


def upcoming_table(session: Session, principal: Principal, series_id: int, after_days: int = 0) -> list[MeetingRead]:
    """Next occurrences of a series with every participant's local time (the series page's table)."""
    rows = repo.list_meetings(session, principal, series_id=series_id, after=utcnow() - timedelta(days=after_days))
    return meeting_reads(session, principal, rows, with_local=True)


def meeting_table(session: Session, principal: Principal, series_id: int) -> list[MeetingRead]:
    """Every meeting of a series the principal may read, with each participant's local time."""
    rows = repo.list_meetings(session, principal, series_id=series_id)
    return meeting_reads(session, principal, rows, with_local=True)


def meeting_audience_ids(session: Session, principal: Principal, meeting_id: int) -> set[int]:
    """Audiences of everything a meeting page shows, for its classification banner."""
    row = meeting(session, principal, meeting_id)
    agenda = repo.agenda(session, principal, row.id)
    ids = {row.audience_id, series(session, principal, row.series_id).audience_id}
    ids |= {a.audience_id for a in agenda}
    ids |= {link.audience_id for link in repo.record_links(session, principal, [a.id for a in agenda])}
    ids |= {m.audience_id for m in repo.minutes(session, principal, row.id)}
    series_meetings = [m.id for m in repo.meetings_of_series(session, principal, [row.series_id])]
    ids |= {d.audience_id for d in repo.decisions(session, principal, series_meetings)}  # the action form lists them
    ids |= {a.audience_id for a in repo.actions_of_meetings(session, principal, [row.id])}
    return ids


def series_decisions(session: Session, principal: Principal, series_id: int) -> list[DecisionRead]:
    """Every decision of a series the principal may read, numbered as it sees them (to link an action to one)."""
    meeting_ids = [m.id for m in repo.meetings_of_series(session, principal, [series_id])]
    return decision_reads(session, principal, repo.decisions(session, principal, meeting_ids))


def series_fairness(session: Session, principal: Principal, series_id: int, *, after: datetime) -> Fairness:
    """The scheduled (not cancelled) meetings of a series that end after ``after``, as each participant lives them."""
    row = series(session, principal, series_id)
    meetings = repo.list_meetings(session, principal, series_id=series_id, after=after)
    starts = [m.starts_at for m in meetings if m.status != "cancelled"]
    duration = timedelta(minutes=row.duration_minutes)
    return fairness(attendees(session, row), starts, duration, since=after)
