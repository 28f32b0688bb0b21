"""Consultation queries. Every query for series, meetings and their contents goes through ``policy.readable``:
a row is visible only when its own marking, its meeting's and its series' markings all are."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, and_, case, delete, func, select
from sqlalchemy.orm import Session

from liaison_hub.models import Audience, Organisation, User
from liaison_hub.models.consultations import (
    ActionItem,
    AgendaItem,
    Attendance,
    CalendarFeed,
    ConsultationSeries,
    Decision,
    Meeting,
    Minutes,
    RecordLink,
    SeriesParticipant,
)
from liaison_hub.policy.filter import readable, visible_audiences
from liaison_hub.policy.levels import classification_levels
from liaison_hub.policy.principal import Principal, PrincipalKind


def visible_series(principal: Principal) -> Select[int]:
    return readable(select(ConsultationSeries.id), principal, ConsultationSeries)


def visible_meetings(principal: Principal) -> Select[int]:
    """Ids of meetings the principal may read: the meeting's marking and its series' marking both admit it."""
    stmt = select(Meeting.id).where(Meeting.series_id.in_(visible_series(principal)))
    return readable(stmt, principal, Meeting)


def list_series(session: Session, principal: Principal) -> Sequence[ConsultationSeries]:
    stmt = readable(select(ConsultationSeries), principal).order_by(ConsultationSeries.title, ConsultationSeries.id)
    return session.scalars(stmt).all()


def get_series(session: Session, principal: Principal, series_id: int) -> ConsultationSeries | None:
    stmt = readable(select(ConsultationSeries).where(ConsultationSeries.id == series_id), principal)
    return session.scalar(stmt)


def series_of_organisations(
    session: Session, principal: Principal, organisation_ids: Iterable[int]
) -> Sequence[ConsultationSeries]:
    """Series the principal may read that these organisations own or take part in."""
    ids = list(organisation_ids)
    taking_part = select(SeriesParticipant.series_id).where(SeriesParticipant.organisation_id.in_(ids))
    stmt = select(ConsultationSeries).where(
        ConsultationSeries.owner_organisation_id.in_(ids) | ConsultationSeries.id.in_(taking_part)
    )
    return session.scalars(readable(stmt, principal).order_by(ConsultationSeries.title, ConsultationSeries.id)).all()


def series_by_ids(session: Session, principal: Principal, ids: Iterable[int]) -> dict[int, ConsultationSeries]:
    stmt = readable(select(ConsultationSeries).where(ConsultationSeries.id.in_(list(ids))), principal)
    return {s.id: s for s in session.scalars(stmt)}


def participants(session: Session, series_ids: Iterable[int]) -> list[tuple[SeriesParticipant, Organisation]]:
    """Participants of series the caller has already read (the series' visibility is checked by the caller)."""
    stmt = (
        select(SeriesParticipant, Organisation)
        .join(Organisation, Organisation.id == SeriesParticipant.organisation_id)
        .where(SeriesParticipant.series_id.in_(list(series_ids)))
        .order_by(SeriesParticipant.series_id, Organisation.nation_code.nulls_first(), Organisation.short_name)
    )
    return [(p, o) for p, o in session.execute(stmt).all()]


def list_meetings(
    session: Session,
    principal: Principal,
    *,
    series_id: int | None = None,
    after: datetime | None = None,
    limit: int = 200,
) -> Sequence[Meeting]:
    stmt = select(Meeting).where(Meeting.id.in_(visible_meetings(principal)))
    if series_id is not None:
        stmt = stmt.where(Meeting.series_id == series_id)
    if after is not None:
        stmt = stmt.where(Meeting.ends_at > after)
    return session.scalars(stmt.order_by(Meeting.starts_at, Meeting.id).limit(limit)).all()


def get_meeting(session: Session, principal: Principal, meeting_id: int) -> Meeting | None:
    stmt = select(Meeting).where(Meeting.id == meeting_id, Meeting.id.in_(visible_meetings(principal)))
    return session.scalar(stmt)


def meetings_of_series(session: Session, principal: Principal, series_ids: Iterable[int]) -> Sequence[Meeting]:
    stmt = select(Meeting).where(Meeting.series_id.in_(list(series_ids)), Meeting.id.in_(visible_meetings(principal)))
    return session.scalars(stmt.order_by(Meeting.series_id, Meeting.recurrence_id)).all()


def agenda(session: Session, principal: Principal, meeting_id: int) -> Sequence[AgendaItem]:
    stmt = select(AgendaItem).where(AgendaItem.meeting_id == meeting_id)
    stmt = readable(stmt.where(AgendaItem.meeting_id.in_(visible_meetings(principal))), principal)
    return session.scalars(stmt.order_by(AgendaItem.position, AgendaItem.id)).all()


def record_links(session: Session, principal: Principal, agenda_item_ids: Iterable[int]) -> Sequence[RecordLink]:
    stmt = readable(select(RecordLink).where(RecordLink.agenda_item_id.in_(list(agenda_item_ids))), principal)
    return session.scalars(stmt.order_by(RecordLink.id)).all()


def attendance(session: Session, meeting_id: int) -> list[tuple[Attendance, Organisation]]:
    """Attendance of a meeting the caller has already read."""
    stmt = (
        select(Attendance, Organisation)
        .join(Organisation, Organisation.id == Attendance.organisation_id)
        .where(Attendance.meeting_id == meeting_id)
        .order_by(Organisation.short_name)
    )
    return [(a, o) for a, o in session.execute(stmt).all()]


def minutes(session: Session, principal: Principal, meeting_id: int) -> Sequence[Minutes]:
    stmt = select(Minutes).where(Minutes.meeting_id == meeting_id, Minutes.meeting_id.in_(visible_meetings(principal)))
    return session.scalars(readable(stmt, principal).order_by(Minutes.id)).all()


def decisions(session: Session, principal: Principal, meeting_ids: Iterable[int]) -> Sequence[Decision]:
    stmt = select(Decision).where(Decision.meeting_id.in_(list(meeting_ids)))
    stmt = readable(stmt.where(Decision.meeting_id.in_(visible_meetings(principal))), principal)
    return session.scalars(stmt.order_by(Decision.number)).all()


def _visible_decisions(principal: Principal, series_ids: Iterable[int]) -> Select[*tuple[Any, ...]]:
    """(id, series id) of the decisions of these series the principal may read, in the order they were taken."""
    stmt = select(Decision.id, Decision.series_id).where(Decision.series_id.in_(list(series_ids)))
    stmt = readable(stmt.where(Decision.meeting_id.in_(visible_meetings(principal))), principal, Decision)
    return stmt.order_by(Decision.series_id, Decision.number)


def visible_decision_numbers(session: Session, principal: Principal, series_ids: Iterable[int]) -> dict[int, int]:
    """Decision id -> its number as this principal sees it: 1, 2, 3... over the decisions of its series that the
    principal may read, in the order they were taken (numbers never count hidden decisions)."""
    numbers: dict[int, int] = {}
    seen: dict[int, int] = {}
    for decision_id, series_id in session.execute(_visible_decisions(principal, series_ids)):
        seen[series_id] = seen.get(series_id, 0) + 1
        numbers[decision_id] = seen[series_id]
    return numbers


def decision_by_number(session: Session, principal: Principal, series_id: int, number: int) -> Decision | None:
    """The decision the principal sees as number ``number`` in the series."""
    ids = [i for i, n in visible_decision_numbers(session, principal, [series_id]).items() if n == number]
    return session.scalar(readable(select(Decision).where(Decision.id.in_(ids)), principal)) if ids else None


def _actions(principal: Principal) -> Select[ActionItem]:
    stmt = select(ActionItem).where(ActionItem.meeting_id.in_(visible_meetings(principal)))
    return readable(stmt, principal)


def actions_of_meetings(session: Session, principal: Principal, meeting_ids: Iterable[int]) -> Sequence[ActionItem]:
    stmt = _actions(principal).where(ActionItem.meeting_id.in_(list(meeting_ids)))
    return session.scalars(stmt.order_by(ActionItem.due_on, ActionItem.id)).all()


def overdue_actions(session: Session, principal: Principal, series_id: int, today: date) -> Sequence[ActionItem]:
    stmt = _actions(principal).join(Meeting, Meeting.id == ActionItem.meeting_id)
    stmt = stmt.where(Meeting.series_id == series_id, ActionItem.status == "open", ActionItem.due_on < today)
    return session.scalars(stmt.order_by(ActionItem.due_on, ActionItem.id)).all()


def get_action(session: Session, principal: Principal, action_id: int) -> ActionItem | None:
    return session.scalar(_actions(principal).where(ActionItem.id == action_id))


def my_actions(
    session: Session, principal: Principal, today: date, *, include_closed: bool = False
) -> Sequence[ActionItem]:
    """Actions assigned to the principal or owned by its organisation; overdue first, then by due date."""
    mine = ActionItem.assignee_user_id == principal.user_id
    if principal.organisation_id is not None:
        mine = mine | (ActionItem.owner_organisation_id == principal.organisation_id)
    stmt = _actions(principal).where(mine)
    if not include_closed:
        stmt = stmt.where(ActionItem.status == "open")
    overdue_first = case((and_(ActionItem.status == "open", ActionItem.due_on < today), 0), else_=1)
    return session.scalars(stmt.order_by(overdue_first, ActionItem.due_on, ActionItem.id)).all()


def audiences(session: Session, ids: Iterable[int]) -> dict[int, Audience]:
    return {a.id: a for a in session.scalars(select(Audience).where(Audience.id.in_(set(ids))))}


def organisation_names(session: Session) -> dict[int, str]:
    return dict(session.execute(select(Organisation.id, Organisation.short_name)).all())


def usernames(session: Session, ids: Iterable[int]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    return dict(session.execute(select(User.id, User.username).where(User.id.in_(wanted))).all())


def organisation_principal(organisation: Organisation) -> Principal:
    """An organisation as a reader: its nation and membership count, clearance is checked per user elsewhere."""
    return Principal(
        username=f"organisation:{organisation.short_name}",
        user_id=None,
        organisation_id=organisation.id,
        nation_code=organisation.nation_code,
        clearance_rank=classification_levels()[-1].rank,
        kind=PrincipalKind.organisation,
    )


def organisations_outside(session: Session, audience_id: int, organisations: Sequence[Organisation]) -> list[str]:
    """Short names of the organisations whose nation or name the marking does not reach (releasability)."""
    return [
        org.short_name
        for org in organisations
        if session.scalar(
            select(func.count())
            .select_from(Audience)
            .where(Audience.id == audience_id, Audience.id.in_(visible_audiences(organisation_principal(org))))
        )
        == 0
    ]


def feed_by_hash(session: Session, secret_hash: str) -> tuple[CalendarFeed, User] | None:
    row = session.execute(
        select(CalendarFeed, User)
        .join(User, User.id == CalendarFeed.user_id)
        .where(CalendarFeed.secret_hash == secret_hash)
    ).one_or_none()
    return None if row is None else (row[0], row[1])


def feeds_of_user(session: Session, user_id: int) -> Sequence[CalendarFeed]:
    return session.scalars(select(CalendarFeed).where(CalendarFeed.user_id == user_id).order_by(CalendarFeed.id)).all()


def list_meetings_by_ids(session: Session, principal: Principal, ids: Iterable[int]) -> Sequence[Meeting]:
    stmt = select(Meeting).where(Meeting.id.in_(list(ids)), Meeting.id.in_(visible_meetings(principal)))
    return session.scalars(stmt).all()


def decision_numbers(session: Session, principal: Principal, ids: Iterable[int]) -> dict[int, int]:
    """Decision id -> its number as the principal sees it (``visible_decision_numbers``), for these decisions."""
    wanted = set(ids)
    stmt = readable(select(Decision.series_id).where(Decision.id.in_(wanted)), principal, Decision)
    numbers = visible_decision_numbers(session, principal, set(session.scalars(stmt)))
    return {i: n for i, n in numbers.items() if i in wanted}


def agenda_item(session: Session, principal: Principal, item_id: int) -> AgendaItem | None:
    stmt = select(AgendaItem).where(AgendaItem.id == item_id)
    return session.scalar(readable(stmt.where(AgendaItem.meeting_id.in_(visible_meetings(principal))), principal))


def delete_agenda_item(session: Session, item_id: int) -> int:
    """Remove an agenda item with its record links; how many links went with it."""
    links = session.execute(delete(RecordLink).where(RecordLink.agenda_item_id == item_id))
    session.execute(delete(AgendaItem).where(AgendaItem.id == item_id))
    return int(getattr(links, "rowcount", 0) or 0)
