"""JSON API of consultations under /api/v1/consultations; feeds as text/calendar (RFC 5545)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from fastapi import APIRouter, Query, Request, Response, status
from sqlalchemy.orm import Session

from liaison_hub.api.deps import DbSession, Reader, State, Writer, client_source
from liaison_hub.consultations import feeds, meetings, service, views
from liaison_hub.consultations.schemas import (
    ActionCreate,
    ActionRead,
    ActionUpdate,
    AgendaItemCreate,
    AgendaItemRead,
    AttendanceIn,
    DecisionCreate,
    DecisionRead,
    FeedCreate,
    FeedCreated,
    FeedRead,
    MeetingDetail,
    MeetingRead,
    MeetingSummary,
    MeetingUpdate,
    MinutesIn,
    MinutesRead,
    ScheduleRead,
    ScheduleRequest,
    SeriesCreate,
    SeriesRead,
)
from liaison_hub.directory import service as directory
from liaison_hub.policy.principal import Actor, Principal

router = APIRouter(prefix="/consultations", tags=["consultations"])
CALENDAR = "text/calendar; charset=utf-8"


def _today(session: Session, principal: Principal) -> date:
    """Today where the caller is: overdue is counted in the user's own time zone."""
    return directory.local_today(session, principal)


@router.get("/series", response_model=list[SeriesRead])
def list_series(session: DbSession, principal: Reader) -> list[SeriesRead]:
    """Series the caller may read."""
    return views.series_reads(session, service.list_series(session, principal))


REFUSED: dict[int | str, dict[str, Any]] = {
    403: {"description": "The caller may not write, or not at this marking"},
    422: {
        "description": "A field is not valid, or names what the directory does not hold; each problem names its field"
    },
}


@router.post("/series", response_model=SeriesRead, status_code=status.HTTP_201_CREATED, responses=REFUSED)
def create_series(data: SeriesCreate, session: DbSession, actor: Writer, state: State) -> SeriesRead:
    """A new series. Participants are organisations of the directory whose nations the marking reaches; the rule
    must have an occurrence from ``first_date`` on. Hours are local times of day without an offset."""
    row = service.create_series(session, actor, data=data, accreditation=state.accreditation)
    return views.series_reads(session, [row])[0]


@router.get("/series/{series_id}", response_model=SeriesRead)
def get_series(series_id: int, session: DbSession, principal: Reader) -> SeriesRead:
    return views.series_read(session, principal, series_id)


@router.post("/series/{series_id}/schedule", response_model=ScheduleRead)
def schedule(series_id: int, request: ScheduleRequest, session: DbSession, actor: Writer) -> ScheduleRead:
    """Propose fair start times with a cost table per participant; ``apply`` creates or moves the meetings."""
    return views.schedule_read(service.propose(session, actor, series_id=series_id, request=request))


@router.get("/series/{series_id}/occurrences", response_model=list[MeetingRead])
def occurrences(series_id: int, session: DbSession, principal: Reader) -> list[MeetingRead]:
    """Next meetings of a series with every participant's local time."""
    service.series(session, principal, series_id)
    return views.upcoming_table(session, principal, series_id)


@router.get("/series/{series_id}/calendar.ics", response_class=Response)
def series_calendar(series_id: int, session: DbSession, principal: Reader) -> Response:
    return Response(feeds.calendar_for(session, principal, series_id=series_id), media_type=CALENDAR)


@router.get("/meetings", response_model=list[MeetingRead])
def upcoming(
    session: DbSession,
    principal: Reader,
    after: datetime | None = None,
    limit: int = Query(50, ge=1, le=500),
) -> list[MeetingRead]:
    """Upcoming meetings (from ``after``, default now), with local times for all participants."""
    moment = after.astimezone(UTC) if after and after.tzinfo else after.replace(tzinfo=UTC) if after else None
    rows = service.upcoming(session, principal, after=moment, limit=limit)
    return views.meeting_reads(session, principal, rows, with_local=True)


@router.get("/meetings/{meeting_id}", response_model=MeetingDetail)
def meeting(meeting_id: int, session: DbSession, principal: Reader) -> MeetingDetail:
    return views.meeting_detail(session, principal, meeting_id, _today(session, principal))


@router.patch("/meetings/{meeting_id}", response_model=MeetingRead)
def update_meeting(
    meeting_id: int, data: MeetingUpdate, session: DbSession, actor: Writer, state: State
) -> MeetingRead:
    """Move, relocate, re-mark or cancel one meeting."""
    row = service.update_meeting(session, actor, meeting_id=meeting_id, data=data, accreditation=state.accreditation)
    return views.meeting_reads(session, actor.principal, [row])[0]


@router.get("/meetings/{meeting_id}/summary", response_model=MeetingSummary)
def summary(meeting_id: int, session: DbSession, principal: Reader) -> MeetingSummary:
    return views.meeting_summary(session, principal, meeting_id, _today(session, principal))


@router.post("/meetings/{meeting_id}/agenda", response_model=AgendaItemRead, status_code=status.HTTP_201_CREATED)
def add_agenda_item(
    meeting_id: int, data: AgendaItemCreate, session: DbSession, actor: Writer, state: State
) -> AgendaItemRead:
    item = meetings.add_agenda_item(session, actor, meeting_id=meeting_id, data=data, accreditation=state.accreditation)
    detail = views.meeting_detail(session, actor.principal, meeting_id, _today(session, actor.principal))
    return next(a for a in detail.agenda if a.id == item.id)


@router.put("/meetings/{meeting_id}/attendance", response_model=MeetingDetail)
def set_attendance(meeting_id: int, data: list[AttendanceIn], session: DbSession, actor: Writer) -> MeetingDetail:
    meetings.set_attendance(session, actor, meeting_id=meeting_id, data=data)
    return views.meeting_detail(session, actor.principal, meeting_id, _today(session, actor.principal))


@router.put("/meetings/{meeting_id}/minutes", response_model=MinutesRead)
def save_minutes(meeting_id: int, data: MinutesIn, session: DbSession, actor: Writer, state: State) -> MinutesRead:
    """Save the minutes (Markdown) under a marking; saving again under the same marking replaces them."""
    row = meetings.save_minutes(session, actor, meeting_id=meeting_id, data=data, accreditation=state.accreditation)
    return MinutesRead(
        id=row.id, body=row.body, updated_at=row.updated_at, marking=views.Names(session).marking(row.audience_id)
    )


@router.post("/meetings/{meeting_id}/decisions", response_model=DecisionRead, status_code=status.HTTP_201_CREATED)
def add_decision(
    meeting_id: int, data: DecisionCreate, session: DbSession, actor: Writer, state: State
) -> DecisionRead:
    row = meetings.add_decision(session, actor, meeting_id=meeting_id, data=data, accreditation=state.accreditation)
    return views.decision_reads(session, actor.principal, [row])[0]


@router.post(
    "/meetings/{meeting_id}/actions",
    response_model=ActionRead,
    status_code=status.HTTP_201_CREATED,
    responses={**REFUSED, 404: {"description": "No meeting the caller may read"}},
)
def add_action(meeting_id: int, data: ActionCreate, session: DbSession, actor: Writer, state: State) -> ActionRead:
    """An action item, due on or after the meeting, owned by an organisation (and assigned to a user) that the
    action's marking reaches; ``decision_number`` as the caller sees the series' decisions numbered."""
    row = meetings.add_action(session, actor, meeting_id=meeting_id, data=data, accreditation=state.accreditation)
    return views.action_reads(session, actor.principal, [row], _today(session, actor.principal))[0]


@router.get("/actions/mine", response_model=list[ActionRead])
def my_actions(session: DbSession, principal: Reader, include_closed: bool = False) -> list[ActionRead]:
    """Actions assigned to me or owned by my organisation, overdue first."""
    rows = service.my_actions(session, principal, _today(session, principal), include_closed=include_closed)
    return views.action_reads(session, principal, rows, _today(session, principal))


@router.patch("/actions/{action_id}", response_model=ActionRead)
def update_action(action_id: int, data: ActionUpdate, session: DbSession, actor: Writer) -> ActionRead:
    row = meetings.update_action(session, actor, action_id=action_id, data=data)
    return views.action_reads(session, actor.principal, [row], _today(session, actor.principal))[0]


@router.get("/feeds", response_model=list[FeedRead])
def list_feeds(session: DbSession, principal: Reader) -> list[FeedRead]:
    return [FeedRead.model_validate(f, from_attributes=True) for f in feeds.feeds_of(session, principal)]


@router.post("/feeds", response_model=FeedCreated, status_code=status.HTTP_201_CREATED)
def create_feed(request: Request, data: FeedCreate, session: DbSession, principal: Reader, state: State) -> FeedCreated:
    """A calendar subscription URL of what you may read (self-service, like a read token); its secret is shown
    once."""
    actor = Actor(principal, client_source(request))
    row, secret = feeds.create_feed(session, actor, series_id=data.series_id, secret_key=state.settings.secret_key)
    read = FeedRead.model_validate(row, from_attributes=True)
    return FeedCreated(**read.model_dump(), secret=secret, path=f"/api/v1/consultations/feeds/{secret}.ics")


@router.delete("/feeds/{feed_id}", response_model=FeedRead)
def revoke_feed(request: Request, feed_id: int, session: DbSession, principal: Reader) -> FeedRead:
    """Revoke one of your feeds."""
    actor = Actor(principal, client_source(request))
    return FeedRead.model_validate(feeds.revoke_feed(session, actor, feed_id=feed_id), from_attributes=True)


@router.get("/feeds/{secret}.ics", response_class=Response)
def feed(secret: str, session: DbSession, state: State) -> Response:
    """The subscription itself: the secret in the URL stands for its user (calendar apps cannot send tokens)."""
    body = feeds.feed_calendar(session, secret, secret_key=state.settings.secret_key, accreditation=state.accreditation)
    return Response(body, media_type=CALENDAR, headers={"Cache-Control": "private, no-store"})
