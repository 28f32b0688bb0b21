"""Directory pages: nations, groupings (admins change members), organisations and users (admins add them)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from liaison_hub.api.deps import DbSession
from liaison_hub.directory import repository as repo
from liaison_hub.directory import service as directory
from liaison_hub.directory.schemas import NationStatus, OrganisationCreate, UserCreate
from liaison_hub.errors import HubError, InvalidInput
from liaison_hub.models import Grouping
from liaison_hub.policy.levels import classification_levels
from liaison_hub.policy.principal import Role
from liaison_hub.web.deps import SignedIn, WebAdmin
from liaison_hub.web.errors import page_router
from liaison_hub.web.forms import ChoiceFields, TextField, optional, parse_form
from liaison_hub.web.rendering import flash, is_htmx, redirect, render
from liaison_hub.web.security import Csrf

router = page_router(prefix="/directory")

COMMON_ZONES = ("UTC", "Europe/Brussels", "Asia/Tokyo", "Asia/Seoul", "Australia/Sydney", "Pacific/Auckland")


@router.get("/nations")
def nations(request: Request, session: DbSession, _: SignedIn, status: str = "", q: str = "") -> Response:
    """Every ISO 3166-1 nation with its status towards the alliance, filtered by status and name."""
    if status and status not in set(NationStatus):
        raise InvalidInput(f"unknown status {status!r}; expected one of {', '.join(NationStatus)}")
    if len(q) > 100:
        raise InvalidInput("the search text is too long (at most 100 characters)")
    rows = repo.list_nations(session, status=status or None, query=q.strip() or None)
    context = {"nations": rows, "status": status, "q": q, "statuses": list(NationStatus)}
    return render(request, "directory/nations.html", context)


def _nation_names(session: Session) -> dict[str, str]:
    return {nation.code: nation.name for nation in repo.list_nations(session)}


@router.get("/groupings")
def groupings(request: Request, session: DbSession, _: SignedIn) -> Response:
    """Groupings and their current member nations; records marked for a grouping follow its membership."""
    context = {"groupings": repo.list_groupings(session), "names": _nation_names(session)}
    return render(request, "directory/groupings.html", context)


def _members_changed(request: Request, session: Session, group: Grouping, message: str) -> Response:
    """htmx swaps just the members block; a plain form post goes back to the page (post/redirect/get)."""
    flash(request, message, "success")
    if is_htmx(request):
        context = {"grouping": group, "names": _nation_names(session), "is_fragment": True}
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
        "organisations": repo.list_organisations(session),
        "names": _nation_names(session),
        "form": form or {"name": "", "short_name": "", "nation_code": ""},
        "error": error.message if error else None,
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


def _users_page(
    request: Request, session: Session, *, form: Mapping[str, Any] | None = None, error: HubError | None = None
) -> Response:
    context = {
        "users": repo.list_users(session),
        "organisations": repo.list_organisations(session),
        "roles": list(Role),
        "levels": classification_levels(),
        "zones": COMMON_ZONES,
        "form": form or {"roles": [Role.reader.value], "clearance": "NU", "timezone": "UTC"},
        "error": error.message if error else None,
    }
    return render(request, "directory/users.html", context, status_code=error.status if error else 200)


@router.get("/users")
def users(request: Request, session: DbSession, _: SignedIn) -> Response:
    return _users_page(request, session)


@router.post("/users")
def add_user(
    request: Request,
    session: DbSession,
    actor: WebAdmin,
    _: Csrf,
    username: TextField = "",
    display_name: TextField = "",
    email: TextField = "",
    organisation: TextField = "",
    roles: ChoiceFields = None,
    clearance: TextField = "NU",
    timezone: TextField = "UTC",
    password: TextField = "",
) -> Response:
    """Add a user with roles, clearance, time zone and an initial password (Argon2-hashed by the service)."""
    fields: dict[str, Any] = {
        "username": username.strip(),
        "display_name": display_name,
        "email": optional(email),
        "organisation": organisation,
        "roles": roles or [],
        "clearance": clearance,
        "timezone": timezone.strip(),
        "password": password or None,
    }
    try:
        account = directory.create_user(session, actor, data=parse_form(UserCreate, **fields))
    except HubError as exc:
        session.rollback()
        return _users_page(request, session, form=fields | {"password": ""}, error=exc)
    flash(request, f"User {account.username} added.", "success")
    return redirect("/directory/users")
