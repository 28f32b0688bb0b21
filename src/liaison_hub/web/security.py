"""Web session security: a per-session CSRF token checked on every POST, session rotation at sign-in, safe redirects."""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated

from fastapi import Depends, Form, Request
from sqlalchemy.orm import Session

from liaison_hub.api.deps import CSRF_HEADER, CSRF_KEY, SESSION_KEY, HubState
from liaison_hub.directory.auth import end_web_session, start_web_session
from liaison_hub.errors import Forbidden
from liaison_hub.models import User

CSRF_FIELD = "csrf_token"


def csrf_token(request: Request) -> str:
    """The session's CSRF token, made on first use; anonymous visitors get one too, for the sign-in form."""
    token = request.session.get(CSRF_KEY)
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        request.session[CSRF_KEY] = token
    return token


def check_csrf(request: Request, csrf_token: Annotated[str | None, Form(max_length=200)] = None) -> None:
    """Refuse a POST whose form field (or X-CSRF-Token header) does not match the session's token."""
    expected = request.session.get(CSRF_KEY)
    given = csrf_token or request.headers.get(CSRF_HEADER)
    if not isinstance(expected, str) or not given or not hmac.compare_digest(expected.encode(), given.encode()):
        raise Forbidden("This form has expired or did not come from this hub. Reload the page and try again.")


Csrf = Annotated[None, Depends(check_csrf)]
"""Add ``_: Csrf`` to every POST endpoint of the web interface."""


def start_session(request: Request, session: Session, state: HubState, user: User) -> None:
    """Sign in: drop everything of the anonymous session (no fixation), open a web session on the server and issue
    a fresh CSRF token."""
    settings = state.settings
    secret = start_web_session(session, user, secret_key=settings.secret_key, max_age=settings.session_max_age)
    request.session.clear()
    request.session[SESSION_KEY] = secret
    csrf_token(request)


def end_session(request: Request, session: Session, state: HubState) -> None:
    """Sign out: the web session ends on the server too, so a copy of the cookie signs nobody in afterwards."""
    secret = request.session.get(SESSION_KEY)
    if isinstance(secret, str):
        end_web_session(session, secret, secret_key=state.settings.secret_key)
    request.session.clear()


def safe_next(target: str | None) -> str:
    """Where to go after sign-in: only a path on this hub, never another site (open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    if any(ord(char) < 0x20 for char in target):
        return "/"
    return target
