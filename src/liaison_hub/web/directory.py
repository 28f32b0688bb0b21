"""Directory pages: nations (and one nation), groupings (admins change members), organisations (admins add them)
and one organisation: its people, groupings, what it shares with the viewer and the consultations it attends."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from liaison_hub.api.deps import DbSession
from liaison_hub.consultations import service as consultations
from liaison_hub.directory import service as directory
from liaison_hub.directory.schemas import NationStatus, OrganisationCreate
from liaison_hub.errors import HubError, InvalidInput
from liaison_hub.intel.browse import stats as intel_stats
from liaison_hub.models import Grouping
from liaison_hub.web.deps import SignedIn, WebAdmin
from liaison_hub.web.errors import page_router
from liaison_hub.web.forms import TextField, form_problems, optional, parse_form
from liaison_hub.web.rendering import flash, is_htmx, redirect, render
from liaison_hub.web.security import Csrf

router = page_router(prefix="/directory")


@router.get("")
def directory_home(_: SignedIn) -> Response:
    return redirect("/directory/organisations")


@router.get("/nations")
def nations(request: Request, session: DbSession, _: SignedIn, status: str = "", q: str = "") -> Response:
    """Every ISO 3166-1 nation with its status towards the alliance, filtered by status and name."""
    if status and status not in set(NationStatus):
        raise InvalidInput(f"unknown status {status!r}; expected one of {', '.join(NationStatus)}")
    if len(q) > 100:
        raise InvalidInput("the search text is too long (at most 100 characters)")
    rows = directory.list_nations(session, status=status or None, query=q.strip() or None)
    context = {"nations": rows, "status": status, "q": q, "statuses": list(NationStatus)}
    return render(request, "directory/nations.html", context)


@router.get("/groupings")
def groupings(request: Request, session: DbSession, _: SignedIn) -> Response:
    """Groupings and their current member nations; records marked for a grouping follow its membership."""
    context = {"groupings": directory.list_groupings(session), "names": directory.nation_names(session)}
    return render(request, "directory/groupings.html", context)


def _members_changed(request: Request, session: Session, group: Grouping, message: str) -> Response:
    """htmx swaps just the members block; a plain form post goes back to the page (post/redirect/get)."""
    flash(request, message, "success")
    if is_htmx(request):
        context = {"grouping": group, "names": directory.nation_names(session), "is_fragment": True}
        return render(request, "directory/_grouping_members.html", context)
    return redirect(f"/directory/groupings#grouping-{group.code}")


@router.post("/groupings/{code}/members")
def add_member(
    request: Request, session: DbSession, actor: WebAdmin, _: Csrf, code: str, nation: TextField = ""
) -> Response:
    wanted = nation.strip().upper()
    if not wanted:
        raise InvalidInput("give the nation code to add (ISO 3166-1 alpha-3, e.g. JPN)")
    group = directory.change_grouping_members(session, actor, code=code, add=[wanted])
    return _members_changed(request, session, group, f"{wanted} is now a member of {group.code}.")


@router.post("/groupings/{code}/members/{nation}/remove")
def remove_member(request: Request, session: DbSession, actor: WebAdmin, _: Csrf, code: str, nation: str) -> Response:
    group = directory.change_grouping_members(session, actor, code=code, remove=[nation])
    return _members_changed(request, session, group, f"{nation.upper()} is no longer a member of {group.code}.")


def _organisations_page(
    request: Request, session: Session, *, form: Mapping[str, str] | None = None, error: HubError | None = None
) -> Response:
    context = {
        "organisations": directory.list_organisations(session),
        "names": directory.nation_names(session),
        "form": form or {"name": "", "short_name": "", "nation_code": ""},
        "problems": form_problems(error),
    }
    return render(request, "directory/organisations.html", context, status_code=error.status if error else 200)


@router.get("/organisations")
def organisations(request: Request, session: DbSession, _: SignedIn) -> Response:
    return _organisations_page(request, session)


@router.post("/organisations")
def add_organisation(
    request: Request,
    session: DbSession,
    actor: WebAdmin,
    _: Csrf,
    name: TextField = "",
    short_name: TextField = "",
    nation_code: TextField = "",
) -> Response:
    """Add an organisation of a nation, or of the alliance when no nation is given."""
    form = {"name": name, "short_name": short_name, "nation_code": nation_code}
    try:
        data = parse_form(OrganisationCreate, name=name, short_name=short_name, nation_code=optional(nation_code))
        org = directory.create_organisation(session, actor, data=data)
    except HubError as exc:
        session.rollback()
        return _organisations_page(request, session, form=form, error=exc)
    flash(request, f"Organisation {org.short_name} added.", "success")
    return redirect("/directory/organisations")


@router.get("/nations/{code}")
def nation_page(code: str, request: Request, session: DbSession, viewer: SignedIn) -> Response:
    """One nation: its status, the groupings it belongs to, its organisations, what they share that the viewer may
    read and the consultations they attend."""
    found = directory.nation(session, code)
    organisations = directory.list_organisations(session, nation_code=found.code)
    groupings = [g for g in directory.list_groupings(session) if found.code in {m.nation_code for m in g.members}]
    ids = [o.id for o in organisations]
    attended = consultations.series_of_organisations(session, viewer.principal, ids)
    shared = intel_stats.shared_by(session, viewer.principal, organisation_ids=ids)
    context = {
        "nation": found,
        "organisations": organisations,
        "groupings": groupings,
        "series": attended,
        "shared": shared,
    }
    return render(
        request,
        "directory/nation.html",
        context,
        audiences=consultations.audiences(session, [s.audience_id for s in attended]),
    )


@router.get("/organisations/{ref}")
def organisation_page(ref: str, request: Request, session: DbSession, viewer: SignedIn) -> Response:
    """One organisation: its people, its nation's groupings, what it shares that the viewer may read, and the
    consultations it attends (those the viewer may read)."""
    org = directory.organisation(session, ref)
    groupings = [g for g in directory.list_groupings(session) if org.nation_code in {m.nation_code for m in g.members}]
    shared = intel_stats.shared_by(session, viewer.principal, organisation_ids=[org.id])
    attended = consultations.series_of_organisations(session, viewer.principal, [org.id])
    context = {
        "organisation": org,
        "nation": directory.nation(session, org.nation_code) if org.nation_code else None,
        "members": directory.list_users(session, organisation_id=org.id),
        "groupings": groupings,
        "shared": shared,
        "series": attended,
    }
    return render(
        request,
        "directory/organisation.html",
        context,
        audiences=consultations.audiences(session, [s.audience_id for s in attended]),
    )
