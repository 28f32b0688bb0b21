"""Turn credentials into a principal: API tokens (Bearer, or Basic with the token as password) and passwords."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from liaison_hub.db.types import utcnow
from liaison_hub.directory import repository as repo
from liaison_hub.directory.security import looks_like_token, token_digest, verify_password
from liaison_hub.directory.service import user as find_user
from liaison_hub.errors import Unauthenticated
from liaison_hub.models import User
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
    )


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
