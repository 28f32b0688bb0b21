"""Users: everyone signed in sees the list; administrators add users, edit them (name, e-mail, organisation, roles,
clearance, time zone), deactivate or reactivate them and reset their password. Role, clearance and state changes
are audited with their old and new values (``directory.service.update_user``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from liaison_hub.api.deps import DbSession
from liaison_hub.directory import service as directory
from liaison_hub.directory.schemas import UserCreate, UserUpdate
from liaison_hub.errors import HubError, InvalidInput
from liaison_hub.models import User
from liaison_hub.policy.levels import classification_levels
from liaison_hub.policy.principal import Role
from liaison_hub.web.deps import SignedIn, WebAdmin
from liaison_hub.web.errors import page_router
from liaison_hub.web.forms import ChoiceFields, TextField, form_problems, optional, parse_form
from liaison_hub.web.rendering import flash, redirect, render
from liaison_hub.web.security import Csrf

router = page_router(prefix="/directory/users")

COMMON_ZONES = ("UTC", "Europe/Brussels", "Asia/Tokyo", "Asia/Seoul", "Australia/Sydney", "Pacific/Auckland")


def _choices(session: Session) -> dict[str, Any]:
    return {
        "organisations": directory.list_organisations(session),
        "roles": list(Role),
        "levels": classification_levels(),
        "zones": COMMON_ZONES,
    }


def _users_page(
    request: Request, session: Session, *, form: Mapping[str, Any] | None = None, error: HubError | None = None
) -> Response:
    context = _choices(session) | {
        "users": directory.list_users(session),
        "form": form or {"roles": [Role.reader.value], "clearance": "NU", "timezone": "UTC"},
        "problems": form_problems(error),
    }
    return render(request, "directory/users.html", context, status_code=error.status if error else 200)


@router.get("")
def users(request: Request, session: DbSession, _: SignedIn) -> Response:
    return _users_page(request, session)


@router.post("")
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


def _form_of(account: User) -> dict[str, Any]:
    return {
        "display_name": account.display_name,
        "email": account.email or "",
        "organisation": account.organisation.short_name,
        "roles": list(account.roles),
        "clearance": account.clearance,
        "timezone": account.timezone,
    }


def _edit_page(
    request: Request,
    session: Session,
    account: User,
    *,
    form: Mapping[str, Any] | None = None,
    error: HubError | None = None,
    password_error: HubError | None = None,
) -> Response:
    context = _choices(session) | {
        "account": account,
        "form": form or _form_of(account),
        "problems": form_problems(error),
        "password_problems": form_problems(password_error),
    }
    status = (error or password_error).status if (error or password_error) else 200  # type: ignore[union-attr]
    return render(request, "directory/user_edit.html", context, status_code=status)


@router.get("/{username}")
def edit_user_page(username: str, request: Request, session: DbSession, actor: WebAdmin) -> Response:
    """Administrators: the user's details, state and password."""
    return _edit_page(request, session, directory.user(session, username))


@router.post("/{username}")
def edit_user(
    username: str,
    request: Request,
    session: DbSession,
    actor: WebAdmin,
    _: Csrf,
    display_name: TextField = "",
    email: TextField = "",
    organisation: TextField = "",
    roles: ChoiceFields = None,
    clearance: TextField = "",
    timezone: TextField = "",
) -> Response:
    fields: dict[str, Any] = {
        "display_name": display_name,
        "email": email.strip(),
        "organisation": organisation,
        "roles": roles or [],
        "clearance": clearance,
        "timezone": timezone.strip(),
    }
    try:
        directory.update_user(session, actor, username=username, data=parse_form(UserUpdate, **fields))
    except HubError as exc:
        session.rollback()
        return _edit_page(request, session, directory.user(session, username), form=fields, error=exc)
    flash(request, f"User {username} updated.", "success")
    return redirect(f"/directory/users/{username}")


@router.post("/{username}/state")
def set_active(
    username: str, request: Request, session: DbSession, actor: WebAdmin, _: Csrf, active: TextField = ""
) -> Response:
    """Deactivate (their sessions end at once, their tokens and feeds stop working) or reactivate a user."""
    wanted = active == "yes"
    try:
        directory.update_user(session, actor, username=username, data=UserUpdate(is_active=wanted))
    except HubError as exc:
        session.rollback()
        return _edit_page(request, session, directory.user(session, username), error=exc)
    flash(request, f"User {username} {'reactivated' if wanted else 'deactivated'}.", "success")
    return redirect(f"/directory/users/{username}")


@router.post("/{username}/password")
def reset_password(
    username: str,
    request: Request,
    session: DbSession,
    actor: WebAdmin,
    _: Csrf,
    password: TextField = "",
    confirm: TextField = "",
) -> Response:
    """Set a new password for a user who lost theirs; their open sessions end."""
    try:
        if password != confirm:
            raise InvalidInput("new password: the two entries differ; type the same password twice")
        directory.update_user(session, actor, username=username, data=parse_form(UserUpdate, password=password))
    except HubError as exc:
        session.rollback()
        return _edit_page(request, session, directory.user(session, username), password_error=exc)
    flash(request, f"The password of {username} has been reset; tell them through a trusted channel.", "success")
    return redirect(f"/directory/users/{username}")
