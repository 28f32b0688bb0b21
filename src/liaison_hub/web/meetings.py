"""A meeting's page and its forms: agenda (add with record links, reorder, remove), attendance, minutes in Markdown
with a preview, numbered decisions, action items linked to them, reschedule, cancel or reinstate; and "my actions".
Each form is shown only to those who may submit it; a refused form comes back with what was typed and every problem
named by its field."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import Form, Request
from fastapi.responses import Response
from markdown_it import MarkdownIt
from markupsafe import Markup
from sqlalchemy.orm import Session

from liaison_hub.api.deps import DbSession, State
from liaison_hub.consultations import agenda, meetings, service, views
from liaison_hub.consultations.schemas import (
    ActionCreate,
    ActionStatus,
    ActionUpdate,
    AgendaItemCreate,
    AttendanceIn,
    AttendanceStatus,
    DecisionCreate,
    MeetingUpdate,
    MinutesIn,
)
from liaison_hub.errors import HubError, InvalidFields
from liaison_hub.web.deps import SignedIn, WebWriter
from liaison_hub.web.errors import page_router
from liaison_hub.web.forms import TextField, form_problems, optional, parse_form
from liaison_hub.web.rendering import Viewer, flash, redirect, render
from liaison_hub.web.security import Csrf

router = page_router(prefix="/consultations")
ListField = Annotated[list[str] | None, Form()]
LongText = Annotated[str, Form(max_length=200_000)]
# Raw HTML in minutes is shown as text; markdown-it refuses javascript: and similar links.
_markdown = MarkdownIt("commonmark", {"html": False})


def markdown(text: str) -> Markup:
    return Markup(_markdown.render(text))  # noqa: S704 - raw HTML disabled above, so the output is safe


def _meeting_page(
    request: Request,
    session: Session,
    viewer: Viewer,
    meeting_id: int,
    *,
    form: str | None = None,
    values: Mapping[str, Any] | None = None,
    error: HubError | None = None,
    preview: str | None = None,
) -> Response:
    """The page; ``form`` names the form that was refused (or previewed), shown again with ``values``."""
    principal = viewer.principal
    detail = views.meeting_detail(session, principal, meeting_id, viewer.today)
    context = {
        "detail": detail,
        "decisions": views.series_decisions(session, principal, detail.meeting.series_id),
        "form": form,
        "values": values or {},
        "problems": form_problems(error),
        "preview": markdown(preview) if preview else None,
        "markdown": markdown,
        "statuses": [s.value for s in AttendanceStatus],
        "zones": sorted({viewer.timezone, "UTC", *(t.zone for t in detail.meeting.local_times)}),
    }
    ids = views.meeting_audience_ids(session, principal, meeting_id)
    status = error.status if error else 200
    return render(
        request, "consultations/meeting.html", context, audiences=service.audiences(session, ids), status_code=status
    )


def _refused(
    request: Request,
    session: Session,
    actor_viewer: Viewer,
    meeting_id: int,
    form: str,
    values: Mapping[str, Any],
    error: HubError,
) -> Response:
    session.rollback()
    return _meeting_page(request, session, actor_viewer, meeting_id, form=form, values=values, error=error)


def _done(request: Request, meeting_id: int, message: str, anchor: str) -> Response:
    flash(request, message, "success")
    return redirect(f"/consultations/meetings/{meeting_id}#{anchor}")


@router.get("/meetings/{meeting_id}")
def meeting_page(meeting_id: int, request: Request, session: DbSession, viewer: SignedIn) -> Response:
    return _meeting_page(request, session, viewer, meeting_id)


def record_links(text: str) -> list[dict[str, str | None]]:
    """One link per line: ``kind:reference`` and an optional label after a space, e.g.
    ``intel:indicator--8e2e... Ransomware C2 list``."""
    links: list[dict[str, str | None]] = []
    for number, line in enumerate(filter(None, (raw.strip() for raw in text.splitlines())), start=1):
        target, _, label = line.partition(" ")
        kind, sep, ref = target.partition(":")
        if not sep or not kind or not ref:
            raise InvalidFields([(f"record links line {number}", "write kind:reference, e.g. intel:indicator--…")])
        links.append({"kind": kind.lower(), "ref": ref, "label": label.strip() or None})
    return links


@router.post("/meetings/{meeting_id}/agenda")
def add_agenda_item(
    meeting_id: int,
    request: Request,
    session: DbSession,
    actor: WebWriter,
    viewer: SignedIn,
    state: State,
    _: Csrf,
    title: TextField = "",
    presenter: TextField = "",
    links: TextField = "",
) -> Response:
    values = {"title": title, "presenter": presenter, "links": links}
    try:
        data = parse_form(AgendaItemCreate, title=title, presenter=optional(presenter), links=record_links(links))
        meetings.add_agenda_item(session, actor, meeting_id=meeting_id, data=data, accreditation=state.accreditation)
    except HubError as exc:
        return _refused(request, session, viewer, meeting_id, "agenda", values, exc)
    return _done(request, meeting_id, "Agenda item added.", "agenda")


@router.post("/agenda/{item_id}/move")
def move_agenda_item(
    item_id: int, request: Request, session: DbSession, actor: WebWriter, _: Csrf, direction: TextField = ""
) -> Response:
    item = agenda.move_agenda_item(session, actor, item_id=item_id, direction=-1 if direction == "up" else 1)
    return _done(request, item.meeting_id, "Agenda reordered.", "agenda")


@router.post("/agenda/{item_id}/remove")
def remove_agenda_item(item_id: int, request: Request, session: DbSession, actor: WebWriter, _: Csrf) -> Response:
    meeting_id = agenda.remove_agenda_item(session, actor, item_id=item_id)
    return _done(request, meeting_id, "Agenda item removed.", "agenda")


@router.post("/meetings/{meeting_id}/attendance")
def set_attendance(
    meeting_id: int,
    request: Request,
    session: DbSession,
    actor: WebWriter,
    viewer: SignedIn,
    _: Csrf,
    organisation: ListField = None,
    status: ListField = None,
    names: ListField = None,
) -> Response:
    """One row per participant, in the order the form lists them; rows left at "not recorded" change nothing."""
    organisation, status, names = organisation or [], status or [], names or []
    rows = [(o, s, n) for o, s, n in zip(organisation, status, names, strict=False) if s]
    values = {
        "attendance": {o: {"status": s, "names": n} for o, s, n in zip(organisation, status, names, strict=False)}
    }
    try:
        data = [parse_form(AttendanceIn, organisation=o, status=s, names=optional(n)) for o, s, n in rows]
        meetings.set_attendance(session, actor, meeting_id=meeting_id, data=data)
    except HubError as exc:
        return _refused(request, session, viewer, meeting_id, "attendance", values, exc)
    return _done(request, meeting_id, "Attendance recorded.", "attendance")


@router.post("/meetings/{meeting_id}/minutes")
def save_minutes(
    meeting_id: int,
    request: Request,
    session: DbSession,
    actor: WebWriter,
    viewer: SignedIn,
    state: State,
    _: Csrf,
    body: LongText = "",
    intent: TextField = "save",
) -> Response:
    """Save the minutes, or (``intent=preview``) show them rendered above the still-unsaved text."""
    if intent == "preview":
        values = {"body": body}
        return _meeting_page(request, session, viewer, meeting_id, form="minutes", values=values, preview=body or " ")
    try:
        data = parse_form(MinutesIn, body=body)
        meetings.save_minutes(session, actor, meeting_id=meeting_id, data=data, accreditation=state.accreditation)
    except HubError as exc:
        return _refused(request, session, viewer, meeting_id, "minutes", {"body": body}, exc)
    return _done(request, meeting_id, "Minutes saved.", "minutes")


@router.post("/meetings/{meeting_id}/decisions")
def add_decision(
    meeting_id: int,
    request: Request,
    session: DbSession,
    actor: WebWriter,
    viewer: SignedIn,
    state: State,
    _: Csrf,
    text: TextField = "",
    decided_on: TextField = "",
) -> Response:
    values = {"text": text, "decided_on": decided_on}
    try:
        data = parse_form(DecisionCreate, text=text, decided_on=optional(decided_on))
        meetings.add_decision(session, actor, meeting_id=meeting_id, data=data, accreditation=state.accreditation)
    except HubError as exc:
        return _refused(request, session, viewer, meeting_id, "decision", values, exc)
    return _done(request, meeting_id, "Decision recorded.", "decisions")


@router.post("/meetings/{meeting_id}/actions")
def add_action(
    meeting_id: int,
    request: Request,
    session: DbSession,
    actor: WebWriter,
    viewer: SignedIn,
    state: State,
    _: Csrf,
    title: TextField = "",
    owner: TextField = "",
    assignee: TextField = "",
    due_on: TextField = "",
    decision_number: TextField = "",
) -> Response:
    values = {
        "title": title,
        "owner": owner,
        "assignee": assignee,
        "due_on": due_on,
        "decision_number": decision_number,
    }
    try:
        data = parse_form(
            ActionCreate,
            title=title,
            owner=owner,
            assignee=optional(assignee),
            due_on=due_on,
            decision_number=optional(decision_number),
        )
        meetings.add_action(session, actor, meeting_id=meeting_id, data=data, accreditation=state.accreditation)
    except HubError as exc:
        return _refused(request, session, viewer, meeting_id, "action", values, exc)
    return _done(request, meeting_id, "Action added.", "actions")


def _start(day: str, at: str, zone: str) -> datetime:
    """The new start from the form's date, time and zone; every unreadable field is named at once."""
    problems = []
    parsed_day: date | None = None
    parsed_time: time | None = None
    try:
        parsed_day = date.fromisoformat(day.strip())
    except ValueError:
        problems.append(("new date", "must be a date such as 2027-04-14"))
    try:
        parsed_time = time.fromisoformat(at.strip())
    except ValueError:
        problems.append(("start time", "must be a time of day such as 14:30"))
    try:
        tz = ZoneInfo(zone)
    except (ValueError, KeyError, OSError):
        problems.append(("time zone", "must be a time zone name such as Asia/Tokyo"))
    if problems or parsed_day is None or parsed_time is None:
        raise InvalidFields(problems)
    return datetime.combine(parsed_day, parsed_time, tz)


@router.post("/meetings/{meeting_id}/reschedule")
def reschedule(
    meeting_id: int,
    request: Request,
    session: DbSession,
    actor: WebWriter,
    viewer: SignedIn,
    state: State,
    _: Csrf,
    day: TextField = "",
    at: TextField = "",
    zone: TextField = "UTC",
    location: TextField = "",
) -> Response:
    """Move the meeting (calendar feeds carry it as a moved occurrence) and set where it takes place."""
    values = {"day": day, "at": at, "zone": zone, "location": location}
    try:
        data = MeetingUpdate(starts_at=_start(day, at, zone), location=location.strip())
        service.update_meeting(session, actor, meeting_id=meeting_id, data=data, accreditation=state.accreditation)
    except HubError as exc:
        return _refused(request, session, viewer, meeting_id, "reschedule", values, exc)
    return _done(request, meeting_id, "Meeting rescheduled; calendar feeds show the new time.", "top")


@router.post("/meetings/{meeting_id}/status")
def set_status(
    meeting_id: int,
    request: Request,
    session: DbSession,
    actor: WebWriter,
    state: State,
    _: Csrf,
    status: TextField = "",
) -> Response:
    """Cancel a meeting (feeds then exclude it) or reinstate a cancelled one."""
    data = parse_form(MeetingUpdate, status=status)
    service.update_meeting(session, actor, meeting_id=meeting_id, data=data, accreditation=state.accreditation)
    said = "cancelled; calendar feeds no longer show it" if status == "cancelled" else "reinstated"
    return _done(request, meeting_id, f"Meeting {said}.", "top")


@router.post("/actions/{action_id}/status")
def set_action_status(
    action_id: int,
    request: Request,
    session: DbSession,
    actor: WebWriter,
    _: Csrf,
    status: TextField = "",
    back: TextField = "",
) -> Response:
    """Mark an action done or cancelled, or reopen it; back to the page it was changed on."""
    item = meetings.update_action(session, actor, action_id=action_id, data=parse_form(ActionUpdate, status=status))
    flash(request, f"Action {ActionStatus(item.status).value}.", "success")
    return redirect(
        "/consultations/actions" if back == "mine" else f"/consultations/meetings/{item.meeting_id}#actions"
    )


@router.get("/actions")
def my_actions(request: Request, session: DbSession, viewer: SignedIn) -> Response:
    """Open actions assigned to me or owned by my organisation, overdue first (as of today where I am)."""
    today = viewer.today
    rows = service.my_actions(session, viewer.principal, today)
    context = {"actions": views.action_reads(session, viewer.principal, rows, today), "today": today}
    return render(
        request,
        "consultations/my_actions.html",
        context,
        audiences=service.audiences(session, [a.audience_id for a in rows]),
    )
