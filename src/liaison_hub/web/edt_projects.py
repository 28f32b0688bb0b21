"""EDT project pages: cooperative projects with their milestones (ticked by the owner organisation), participants
and linked technologies, and the form to record one (a refused form is shown again with the message, 422)."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from liaison_hub.api.deps import DbSession, State
from liaison_hub.edt import projects, service
from liaison_hub.edt.schemas import ProjectCreate
from liaison_hub.errors import HubError
from liaison_hub.policy.principal import Principal
from liaison_hub.web.deps import SignedIn, WebWriter
from liaison_hub.web.edt import marking_from
from liaison_hub.web.errors import page_router
from liaison_hub.web.forms import ChoiceFields, TextField, comma_list, parse_form
from liaison_hub.web.rendering import flash, redirect, render
from liaison_hub.web.security import Csrf

router = page_router(prefix="/edt")


def _projects_page(
    request: Request,
    session: Session,
    principal: Principal,
    error: HubError | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    rows = projects.list_projects(session, principal)
    context = {
        "projects": projects.project_reads(session, principal, rows),
        "technologies": service.list_technologies(session, principal),
        "error": error.message if error else None,
        "values": values or {},
    }
    status = error.status if error else 200
    audiences = list(service.audiences(session, [r.audience_id for r in rows]).values())
    return render(request, "edt/projects.html", context, audiences=audiences, status_code=status)


@router.get("/projects")
def projects_page(request: Request, session: DbSession, viewer: SignedIn) -> Response:
    """Cooperative projects with their milestones, participants and linked technologies."""
    return _projects_page(request, session, viewer.principal)


def _milestones(text: str) -> list[dict[str, str]]:
    """Lines ``YYYY-MM-DD | title``."""
    found = []
    for line in text.splitlines():
        if line.strip():
            due, _, title = line.partition("|")
            found.append({"due_on": due.strip(), "title": title.strip()})
    return found


@router.post("/projects")
def create_project(
    request: Request,
    session: DbSession,
    actor: WebWriter,
    state: State,
    _: Csrf,
    name: TextField = "",
    description: TextField = "",
    status: TextField = "active",
    starts_on: TextField = "",
    ends_on: TextField = "",
    organisations: TextField = "",
    nations: TextField = "",
    milestones: TextField = "",
    technology: ChoiceFields = None,
    tlp: TextField = "green",
    classification: TextField = "NU",
    releasable_to: TextField = "",
) -> Response:
    values = {"name": name, "description": description, "status": status, "starts_on": starts_on}
    values |= {"ends_on": ends_on, "organisations": organisations, "nations": nations, "milestones": milestones}
    values |= {"tlp": tlp, "classification": classification, "releasable_to": releasable_to}
    try:
        data = parse_form(
            ProjectCreate,
            name=name,
            description=description,
            status=status,
            starts_on=starts_on,
            ends_on=ends_on,
            organisations=comma_list(organisations),
            nations=comma_list(nations),
            milestones=_milestones(milestones),
            technologies=[int(t) for t in technology or [] if t.isdigit()],
            marking=marking_from(values),
        )
        projects.create_project(session, actor, data=data, accreditation=state.accreditation)
    except HubError as exc:
        session.rollback()
        return _projects_page(request, session, actor.principal, exc, values)
    flash(request, "Project recorded.", "success")
    return redirect("/edt/projects")


@router.post("/projects/{project_id}/milestones/{milestone_id}")
def set_milestone(
    project_id: int,
    milestone_id: int,
    request: Request,
    session: DbSession,
    actor: WebWriter,
    _: Csrf,
    done: TextField = "",
) -> Response:
    projects.set_milestone(session, actor, project_id=project_id, milestone_id=milestone_id, done=done == "yes")
    flash(request, "Milestone updated.", "success")
    return redirect("/edt/projects")
