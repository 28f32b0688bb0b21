"""Turn credentials into a principal: API tokens (Bearer, or Basic with the token as password) and passwords."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from liaison_hub.db.types import utcnow
from liaison_hub.directory import repository as repo
from liaison_hub.directory.security import looks_like_token, token_digest, verify_password
from liaison_hub.directory.service import user as find_user
from liaison_hub.errors import Unauthenticated
from liaison_hub.models import User, WebSession
from liaison_hub.policy.levels import Level, parse_classification
from liaison_hub.policy.principal import Actor, Principal, PrincipalKind, Role, Scope
from liaison_hub.policy.rights import allowed_scopes

LAST_USED_GRANULARITY = timedelta(minutes=5)


def principal_for(user: User, *, scopes: frozenset[Scope], accreditation: Level, kind: PrincipalKind) -> Principal:
    """A user's principal; clearance is capped at the hub's accreditation."""
    return _principal(
        user.username,
        user.id,
        user.organisation_id,
        user.organisation.nation_code,
        user.clearance,
        user.roles,
        scopes=scopes,
        accreditation=accreditation,
        kind=kind,
    )


def _principal(
    username: str,
    user_id: int,
    organisation_id: int,
    nation_code: str | None,
    clearance: str,
    roles: list[str],
    *,
    scopes: frozenset[Scope],
    accreditation: Level,
    kind: PrincipalKind,
    credential_expires_at: datetime | None = None,
) -> Principal:
    return Principal(
        username=username,
        user_id=user_id,
        organisation_id=organisation_id,
        nation_code=nation_code,
        clearance_rank=min(parse_classification(clearance).rank, accreditation.rank),
        roles=frozenset(Role(r) for r in roles),
        scopes=scopes & allowed_scopes(roles),
        kind=kind,
        credential_expires_at=credential_expires_at,
    )


def authenticate_token(
    session: Session, token: str, *, secret_key: str, accreditation: Level, username: str | None = None
) -> Principal:
    """Check a token; unknown, expired, revoked or mismatched tokens all get the same answer."""
    found = repo.find_token(session, token_digest(token, secret_key)) if looks_like_token(token) else None
    if found is None:
        raise Unauthenticated()
    now = utcnow()
    if (
        found.revoked_at is not None
        or (found.expires_at is not None and found.expires_at <= now)
        or not found.is_active
        or (username is not None and username != found.username)
    ):
        raise Unauthenticated()
    if found.last_used_at is None or now - found.last_used_at > LAST_USED_GRANULARITY:
        repo.touch_token(session, found.token_id, now)
    return _principal(
        found.username,
        found.user_id,
        found.organisation_id,
        found.nation_code,
        found.clearance,
        found.roles,
        scopes=frozenset(Scope(s) for s in found.scopes),
        accreditation=accreditation,
        kind=PrincipalKind.token,
        credential_expires_at=found.expires_at,
    )


WEB_SESSION_PREFIX = "ws_"


def start_web_session(session: Session, user: User, *, secret_key: str, max_age: int) -> str:
    """Open a web session for a signed-in user; its secret (for the cookie) is returned, only a keyed hash kept."""
    secret = WEB_SESSION_PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    row = WebSession(
        user_id=user.id,
        secret_hash=token_digest(secret, secret_key),
        created_at=now,
        expires_at=now + timedelta(seconds=max_age),
    )
    repo.add_web_session(session, row)
    return secret


def web_session_principal(session: Session, secret: str, *, secret_key: str, accreditation: Level) -> Principal:
    """The user of an open web session; an unknown, ended or expired session, or an inactive user: Unauthenticated."""
    found = repo.find_web_session(session, token_digest(secret, secret_key)) if secret.startswith("ws_") else None
    if found is None or found.revoked_at is not None or found.expires_at <= utcnow():
        raise Unauthenticated()
    return session_principal(session, found.user_id, accreditation=accreditation)


def end_web_session(session: Session, secret: str, *, secret_key: str) -> None:
    """Sign out: the session's cookie no longer signs anyone in, even if it is replayed."""
    found = repo.find_web_session(session, token_digest(secret, secret_key))
    if found is not None and found.revoked_at is None:
        found.revoked_at = utcnow()
        session.flush()


def authenticate_password(session: Session, username: str, password: str) -> User:
    user = repo.get_user(session, username)
    if not verify_password(user.password_hash if user else None, password) or user is None or not user.is_active:
        raise Unauthenticated("Unknown username or wrong password.")
    return user


def session_principal(session: Session, user_id: int, *, accreditation: Level) -> Principal:
    user = repo.get_user_by_id(session, user_id)
    if user is None or not user.is_active:
        raise Unauthenticated()
    scopes = allowed_scopes(user.roles)
    return principal_for(user, scopes=scopes, accreditation=accreditation, kind=PrincipalKind.session)


def acting_as(session: Session, username: str, *, accreditation: Level, kind: PrincipalKind, source: str) -> Actor:
    """A named user acting through the command line or a hub job: the rights their roles give, as on the web."""
    account = find_user(session, username)
    scopes = allowed_scopes(account.roles)
    return Actor(principal_for(account, scopes=scopes, accreditation=accreditation, kind=kind), source=source)
