"""Consultation pages: the series list, the form for a new series, and a series' page (everyone's local times, the
scheduler's costs and their picture, a fair re-schedule to compare and accept). Meetings are in ``web.meetings``."""

from __future__ import annotations

from datetime import UTC, datetime, time

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from liaison_hub.api.deps import DbSession, State
from liaison_hub.consultations import fairness, service, views
from liaison_hub.consultations.fairness import Fairness
from liaison_hub.consultations.schemas import ScheduleRead, ScheduleRequest, SeriesCreate
from liaison_hub.db.types import utcnow
from liaison_hub.errors import HubError
from liaison_hub.policy.principal import Actor
from liaison_hub.policy.schemas import MarkingIn
from liaison_hub.web.deps import SignedIn, WebWriter
from liaison_hub.web.errors import page_router
from liaison_hub.web.forms import TextField, comma_list, form_problems, optional, parse_form
from liaison_hub.web.rendering import NAV_ITEMS, NavItem, Viewer, flash, redirect, render
from liaison_hub.web.security import Csrf

router = page_router(prefix="/consultations")
NAV_ITEMS.append(NavItem("Consultations", "/consultations", order=40))


@router.get("")
def series_list(request: Request, session: DbSession, viewer: SignedIn) -> Response:
    rows = service.list_series(session, viewer.principal)
    context = {"series": views.series_reads(session, rows)}
    return render(
        request,
        "consultations/series_list.html",
        context,
        audiences=service.audiences(session, [s.audience_id for s in rows]),
    )


def _form_page(request: Request, error: HubError | None = None, values: dict[str, str] | None = None) -> Response:
    context = {"problems": form_problems(error), "values": values or {}}
    return render(request, "consultations/series_form.html", context, status_code=error.status if error else 200)


@router.get("/new")
def new_series(request: Request, actor: WebWriter) -> Response:
    """The form for a new series, for those who may create one (403 for readers, as its submission would be)."""
    return _form_page(request)


def _participants(text: str) -> list[dict[str, object]]:
    """One line each: ORG, ORG=ZONE, or ORG=ZONE@HH:MM-HH:MM."""
    result: list[dict[str, object]] = []
    for line in filter(None, (raw.strip() for raw in text.splitlines())):
        organisation, _, rest = line.partition("=")
        zone, _, hours = rest.partition("@")
        entry: dict[str, object] = {"organisation": organisation.strip(), "zone": zone.strip() or None}
        if hours:
            entry["earliest"], _, entry["latest"] = (part.strip() for part in hours.partition("-"))
        result.append(entry)
    return result


@router.post("")
def create_series(
    request: Request,
    session: DbSession,
    actor: WebWriter,
    state: State,
    _: Csrf,
    title: TextField = "",
    rule: TextField = "",
    first_date: TextField = "",
    anchor_zone: TextField = "UTC",
    duration_minutes: TextField = "90",
    participants: TextField = "",
    tlp: TextField = "amber",
    classification: TextField = "NU",
    releasable_to: TextField = "",
    schedule_count: TextField = "4",
) -> Response:
    """Create a series and, when asked, schedule its next occurrences fairly in the same transaction."""
    values = {
        "title": title,
        "rule": rule,
        "first_date": first_date,
        "anchor_zone": anchor_zone,
        "duration_minutes": duration_minutes,
        "participants": participants,
        "tlp": tlp,
        "classification": classification,
        "releasable_to": releasable_to,
        "schedule_count": schedule_count,
    }
    try:
        data = parse_form(
            SeriesCreate,
            title=title,
            rule=rule,
            first_date=first_date,
            anchor_zone=anchor_zone,
            duration_minutes=duration_minutes,
            participants=_participants(participants),
            marking=MarkingIn(
                tlp=tlp,
                classification=classification,
                releasable_to=comma_list(releasable_to) or None,
            ),
        )
        row = service.create_series(session, actor, data=data, accreditation=state.accreditation)
        count = optional(schedule_count)
        if count:
            request_ = parse_form(ScheduleRequest, count=count, apply=True)
            service.propose(session, actor, series_id=row.id, request=request_)
    except HubError as exc:
        session.rollback()
        return _form_page(request, exc, values)
    flash(request, f"Series “{row.title}” created.", "success")
    return redirect(f"/consultations/series/{row.id}")


def _proposal(
    session: Session, viewer: Viewer, series_id: int, count: str, start: str
) -> tuple[Fairness | None, ScheduleRead | None, dict[str, str]]:
    """A fair schedule for the next meetings, not applied, to compare with the current one."""
    values = {"count": count, "start": start}
    request_ = parse_form(ScheduleRequest, count=count, start=optional(start))
    proposal = service.propose(
        session, Actor(viewer.principal, "web"), series_id=series_id, request=request_, today=viewer.today
    )
    since = datetime.combine(viewer.today, time(), UTC)
    return fairness.of_schedule(proposal.schedule, since=since), views.schedule_read(proposal), values


@router.get("/series/{series_id}")
def series_page(
    series_id: int, request: Request, session: DbSession, viewer: SignedIn, count: str = "", start: str = ""
) -> Response:
    """The series: its rule in words, its meetings in every participant's local time, the scheduler's costs per
    participant and their picture; with ``count``, a fair re-schedule of the next meetings to compare and accept."""
    row = service.series(session, viewer.principal, series_id)
    read = views.series_reads(session, [row])[0]
    table = views.meeting_table(session, viewer.principal, series_id)
    can_change = series_id in service.changeable(session, viewer.principal, [row])
    now = utcnow()
    proposed, schedule, values, error = None, None, {"count": count or "4", "start": start}, None
    if count and can_change:
        try:
            proposed, schedule, values = _proposal(session, viewer, series_id, count, start)
        except HubError as exc:
            error = exc
    context = {
        "series": read,
        "meetings": table,
        "now": now,
        "current": views.series_fairness(session, viewer.principal, series_id, after=now),
        "proposed": proposed,
        "schedule": schedule,
        "values": values,
        "problems": form_problems(error),
        "can_change": can_change,
    }
    ids = [row.audience_id, *service.meeting_audience_ids(session, viewer.principal, series_id)]
    status = error.status if error else 200
    return render(
        request, "consultations/series.html", context, audiences=service.audiences(session, ids), status_code=status
    )


@router.post("/series/{series_id}/schedule")
def accept_schedule(
    series_id: int,
    request: Request,
    session: DbSession,
    actor: WebWriter,
    _: Csrf,
    count: TextField = "4",
    start: TextField = "",
) -> Response:
    """Apply the fair schedule just compared: meetings are created or moved (feeds follow)."""
    request_ = parse_form(ScheduleRequest, count=count, start=optional(start), apply=True)
    proposal = service.propose(session, actor, series_id=series_id, request=request_)
    flash(request, f"Schedule applied: {len(proposal.schedule.slots)} meetings created or moved.", "success")
    return redirect(f"/consultations/series/{series_id}#occurrences")
