"""Web session security: a per-session CSRF token checked on every POST, session rotation at sign-in, safe redirects."""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated

from fastapi import Depends, Form, Request

from liaison_hub.api.deps import SESSION_USER_KEY
from liaison_hub.errors import Forbidden

CSRF_KEY = "csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


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


def start_session(request: Request, user_id: int) -> None:
    """Sign in: drop everything of the anonymous session (no fixation) and issue a fresh CSRF token."""
    request.session.clear()
    request.session[SESSION_USER_KEY] = user_id
    csrf_token(request)


def end_session(request: Request) -> None:
    request.session.clear()


def safe_next(target: str | None) -> str:
    """Where to go after sign-in: only a path on this hub, never another site (open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    if any(ord(char) < 0x20 for char in target):
        return "/"
    return target
