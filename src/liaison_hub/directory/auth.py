"""Turn credentials into a principal: API tokens (Bearer, or Basic with the token as password) and passwords."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from liaison_hub.db.types import utcnow
from liaison_hub.directory import repository as repo
from liaison_hub.directory.security import looks_like_token, token_digest, verify_password
from liaison_hub.directory.service import allowed_scopes
from liaison_hub.errors import Unauthenticated
from liaison_hub.models import User
from liaison_hub.policy.levels import Level, parse_classification
from liaison_hub.policy.principal import Principal, Role, Scope

LAST_USED_GRANULARITY = timedelta(minutes=5)


def principal_for(user: User, *, scopes: frozenset[Scope], accreditation: Level, kind: str) -> Principal:
    """A user's principal; clearance is capped at the hub's accreditation."""
    clearance = min(parse_classification(user.clearance).rank, accreditation.rank)
    return Principal(
        username=user.username,
        user_id=user.id,
        organisation_id=user.organisation_id,
        nation_code=user.organisation.nation_code,
        clearance_rank=clearance,
        roles=frozenset(Role(r) for r in user.roles),
        scopes=scopes & allowed_scopes(user.roles),
        kind=kind,
    )


def authenticate_token(
    session: Session, token: str, *, secret_key: str, accreditation: Level, username: str | None = None
) -> Principal:
    """Check a token; unknown, expired, revoked or mismatched tokens all get the same answer."""
    found = repo.find_token(session, token_digest(token, secret_key)) if looks_like_token(token) else None
    if found is None:
        raise Unauthenticated()
    row, user = found
    now = utcnow()
    if (
        row.revoked_at is not None
        or (row.expires_at is not None and row.expires_at <= now)
        or not user.is_active
        or (username is not None and username != user.username)
    ):
        raise Unauthenticated()
    if row.last_used_at is None or now - row.last_used_at > LAST_USED_GRANULARITY:
        row.last_used_at = now
    return principal_for(
        user, scopes=frozenset(Scope(s) for s in row.scopes), accreditation=accreditation, kind="token"
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
    return principal_for(user, scopes=allowed_scopes(user.roles), accreditation=accreditation, kind="session")
