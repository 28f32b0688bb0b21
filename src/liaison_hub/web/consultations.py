"""Consultation pages: series list, create form, series page with everyone's local times, meeting page (agenda,
minutes, decisions, actions, add-action form) and "my actions" with overdue first."""

from __future__ import annotations

from collections.abc import Iterable

from fastapi import Request
from fastapi.responses import Response
from markdown_it import MarkdownIt
from markupsafe import Markup
from sqlalchemy.orm import Session

from liaison_hub.api.deps import DbSession, State
from liaison_hub.consultations import meetings, repository, service, views
from liaison_hub.consultations.schemas import ActionCreate, ActionStatus, ActionUpdate, ScheduleRequest, SeriesCreate
from liaison_hub.db.types import utcnow
from liaison_hub.errors import HubError
from liaison_hub.models import Audience
from liaison_hub.policy.principal import Principal
from liaison_hub.policy.schemas import MarkingIn
from liaison_hub.web.deps import SignedIn, WebWriter
from liaison_hub.web.errors import page_router
from liaison_hub.web.forms import TextField, optional, parse_form
from liaison_hub.web.rendering import NAV_ITEMS, NavItem, flash, redirect, render
from liaison_hub.web.security import Csrf

router = page_router(prefix="/consultations")
NAV_ITEMS.append(NavItem("Consultations", "/consultations", order=40))
NAV_ITEMS.append(NavItem("My actions", "/consultations/actions", order=41))
# Raw HTML in minutes is shown as text; markdown-it refuses javascript: and similar links.
_markdown = MarkdownIt("commonmark", {"html": False})


def markdown(text: str) -> Markup:
    return Markup(_markdown.render(text))  # noqa: S704 - raw HTML disabled above, so the output is safe


def _audiences(session: Session, ids: Iterable[int]) -> list[Audience]:
    return list(repository.audiences(session, ids).values())


@router.get("")
def series_list(request: Request, session: DbSession, viewer: SignedIn) -> Response:
    rows = repository.list_series(session, viewer.principal)
    context = {"series": views.series_reads(session, rows)}
    return render(
        request, "consultations/series_list.html", context, audiences=_audiences(session, [s.audience_id for s in rows])
    )


def _form_page(request: Request, error: HubError | None = None, values: dict[str, str] | None = None) -> Response:
    context = {"error": error.message if error else None, "values": values or {}}
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
                releasable_to=[r.strip() for r in releasable_to.split(",") if r.strip()] or None,
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


@router.get("/series/{series_id}")
def series_page(series_id: int, request: Request, session: DbSession, viewer: SignedIn) -> Response:
    """The series with a table of its meetings in every participant's local time."""
    row = service.series(session, viewer.principal, series_id)
    table = views.meeting_table(session, viewer.principal, series_id)
    meeting_rows = repository.meetings_of_series(session, viewer.principal, [series_id])
    context = {"series": views.series_reads(session, [row])[0], "meetings": table, "now": utcnow()}
    return render(
        request,
        "consultations/series.html",
        context,
        audiences=_audiences(session, [row.audience_id, *[m.audience_id for m in meeting_rows]]),
    )


@router.get("/meetings/{meeting_id}")
def meeting_page(meeting_id: int, request: Request, session: DbSession, viewer: SignedIn) -> Response:
    return _meeting_page(request, session, viewer.principal, meeting_id)


def _meeting_page(
    request: Request, session: Session, principal: Principal, meeting_id: int, error: HubError | None = None
) -> Response:
    detail = views.meeting_detail(session, principal, meeting_id, utcnow().date())
    context = {
        "detail": detail,
        "error": error.message if error else None,
        "markdown": markdown,
        "statuses": [s.value for s in ActionStatus],
    }
    ids = views.meeting_audience_ids(session, principal, meeting_id)
    return render(
        request,
        "consultations/meeting.html",
        context,
        audiences=_audiences(session, ids),
        status_code=error.status if error else 200,
    )


@router.post("/meetings/{meeting_id}/actions")
def add_action(
    meeting_id: int,
    request: Request,
    session: DbSession,
    actor: WebWriter,
    state: State,
    _: Csrf,
    title: TextField = "",
    owner: TextField = "",
    assignee: TextField = "",
    due_on: TextField = "",
) -> Response:
    try:
        data = parse_form(ActionCreate, title=title, owner=owner, assignee=optional(assignee), due_on=due_on)
        meetings.add_action(session, actor, meeting_id=meeting_id, data=data, accreditation=state.accreditation)
    except HubError as exc:
        session.rollback()
        return _meeting_page(request, session, actor.principal, meeting_id, exc)
    flash(request, "Action added.", "success")
    return redirect(f"/consultations/meetings/{meeting_id}#actions")


@router.get("/actions")
def my_actions(request: Request, session: DbSession, viewer: SignedIn) -> Response:
    """Open actions assigned to me or owned by my organisation, overdue first."""
    today = utcnow().date()
    rows = repository.my_actions(session, viewer.principal, today)
    context = {"actions": views.action_reads(session, viewer.principal, rows, today), "today": today}
    return render(
        request, "consultations/my_actions.html", context, audiences=_audiences(session, [a.audience_id for a in rows])
    )


@router.post("/actions/{action_id}/close")
def close_action(action_id: int, request: Request, session: DbSession, actor: WebWriter, _: Csrf) -> Response:
    meetings.update_action(session, actor, action_id=action_id, data=ActionUpdate(status=ActionStatus.done))
    flash(request, "Action closed.", "success")
    return redirect("/consultations/actions")
