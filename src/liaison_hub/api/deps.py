"""FastAPI dependencies: one transaction per request, the asking principal, and the actor for the audit trail."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session, sessionmaker

from liaison_hub.config import Settings
from liaison_hub.directory.auth import authenticate_token, session_principal
from liaison_hub.errors import Forbidden, Unauthenticated
from liaison_hub.policy.levels import Level
from liaison_hub.policy.principal import ANONYMOUS, Actor, Principal, Scope

SESSION_USER_KEY = "user_id"


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
    user_id = request.session.get(SESSION_USER_KEY) if "session" in request.scope else None
    if isinstance(user_id, int):
        try:
            return session_principal(session, user_id, accreditation=state.accreditation)
        except Unauthenticated:
            request.session.clear()
    return ANONYMOUS


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
    require_scope(principal, Scope.write)
    return Actor(principal, client_source(request))


async def administrator(request: Request, principal: CurrentPrincipal) -> Actor:
    require_scope(principal, Scope.admin)
    return Actor(principal, client_source(request))


Reader = Annotated[Principal, Depends(reader)]
Writer = Annotated[Actor, Depends(writer)]
Admin = Annotated[Actor, Depends(administrator)]
