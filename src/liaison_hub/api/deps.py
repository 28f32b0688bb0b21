"""FastAPI dependencies: one transaction per request, the asking principal, and the actor for the audit trail."""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session, sessionmaker

from liaison_hub.config import Settings
from liaison_hub.directory.auth import authenticate_token, web_session_principal
from liaison_hub.errors import Forbidden, Unauthenticated
from liaison_hub.policy.levels import Level
from liaison_hub.policy.principal import ANONYMOUS, Actor, Principal, Scope
from liaison_hub.policy.rights import require_write

SESSION_KEY = "session"
"""Where the signed session cookie keeps the web session's secret (``directory.auth.start_web_session``)."""
CSRF_KEY = "csrf"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class HubState:
    """What create_app builds once and every request shares."""

    settings: Settings
    session_factory: sessionmaker[Session]
    accreditation: Level


def hub_state(request: Request) -> HubState:
    state: HubState = request.app.state.hub
    return state


async def _state(request: Request) -> HubState:
    # Dependencies that only compute are ``async def``: FastAPI runs a plain ``def`` one in a worker thread, a hop
    # that costs more than the work. Those that touch the database stay plain functions.
    return hub_state(request)


def db_session(request: Request) -> Iterator[Session]:
    """The request's transaction: committed when the endpoint returns, rolled back when it raises."""
    session = hub_state(request).session_factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


DbSession = Annotated[Session, Depends(db_session, scope="function")]
State = Annotated[HubState, Depends(_state)]


def _credentials(request: Request) -> tuple[str | None, str] | None:
    header = request.headers.get("authorization")
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return None, value.strip()
    if scheme.lower() == "basic":
        try:
            username, sep, password = base64.b64decode(value.strip(), validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            raise Unauthenticated() from None
        if sep and password:
            return username, password
    raise Unauthenticated()


def optional_principal(request: Request, session: DbSession, state: State) -> Principal:
    """Token (Bearer, or Basic with the token as password), else the web session, else anonymous."""
    credentials = _credentials(request)
    if credentials is not None:
        username, token = credentials
        return authenticate_token(
            session, token, secret_key=state.settings.secret_key, accreditation=state.accreditation, username=username
        )
    principal = cookie_principal(request, session, state)
    if principal is not None and request.method not in SAFE_METHODS:
        _check_csrf_header(request)
    return principal or ANONYMOUS


def cookie_principal(request: Request, session: Session, state: HubState) -> Principal | None:
    """The user of the web session named by the signed cookie, if it is still open (it is ended on the server at
    sign-out, password change and deactivation); a stale cookie is cleared."""
    secret = request.session.get(SESSION_KEY) if "session" in request.scope else None
    if not isinstance(secret, str):
        return None
    try:
        settings = state.settings
        return web_session_principal(session, secret, secret_key=settings.secret_key, accreditation=state.accreditation)
    except Unauthenticated:
        request.session.clear()
        return None


def _check_csrf_header(request: Request) -> None:
    """A cookie is sent by the browser whoever made the page: writes authenticated by it need the session's CSRF
    token in the X-CSRF-Token header (a page of this hub has it; another site's page does not)."""
    expected, given = request.session.get(CSRF_KEY), request.headers.get(CSRF_HEADER)
    if not isinstance(expected, str) or not given or not hmac.compare_digest(expected.encode(), given.encode()):
        raise Forbidden(
            "a write authenticated by the web session's cookie needs its CSRF token in the X-CSRF-Token header; "
            "API clients should authenticate with a token instead"
        )


async def current_principal(principal: Annotated[Principal, Depends(optional_principal)]) -> Principal:
    if principal.is_anonymous:
        raise Unauthenticated()
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
MaybePrincipal = Annotated[Principal, Depends(optional_principal)]


def client_source(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def require_scope(principal: Principal, scope: Scope) -> None:
    if scope not in principal.scopes:
        raise Forbidden(f"this needs the {scope.value!r} scope")


async def reader(principal: CurrentPrincipal) -> Principal:
    require_scope(principal, Scope.read)
    return principal


async def writer(request: Request, principal: CurrentPrincipal) -> Actor:
    """A principal that may write shared records at all (``policy.rights``); services ask about the record."""
    require_scope(principal, Scope.write)
    actor = Actor(principal, client_source(request))
    require_write(actor, what="change shared records")
    return actor


async def administrator(request: Request, principal: CurrentPrincipal) -> Actor:
    require_scope(principal, Scope.admin)
    return Actor(principal, client_source(request))


Reader = Annotated[Principal, Depends(reader)]
Writer = Annotated[Actor, Depends(writer)]
Admin = Annotated[Actor, Depends(administrator)]
