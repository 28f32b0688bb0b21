"""Directory queries."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session, selectinload

from liaison_hub.db.types import MAX_INTEGER
from liaison_hub.models import ApiToken, Grouping, GroupingMember, Nation, Organisation, User, WebSession


def list_nations(session: Session, *, status: str | None = None, query: str | None = None) -> Sequence[Nation]:
    stmt = select(Nation).order_by(Nation.code)
    if status:
        stmt = stmt.where(Nation.status == status)
    if query:
        like = f"%{query.lower()}%"
        stmt = stmt.where(func.lower(Nation.name).like(like) | func.lower(Nation.code).like(like))
    return session.scalars(stmt).all()


def get_nation(session: Session, code: str) -> Nation | None:
    return session.get(Nation, code.upper())


def existing_nation_codes(session: Session, codes: Sequence[str]) -> set[str]:
    return set(session.scalars(select(Nation.code).where(Nation.code.in_(codes))))


def list_groupings(session: Session) -> Sequence[Grouping]:
    return session.scalars(select(Grouping).options(selectinload(Grouping.members)).order_by(Grouping.code)).all()


def get_grouping(session: Session, code: str) -> Grouping | None:
    return session.scalar(select(Grouping).options(selectinload(Grouping.members)).where(Grouping.code == code.upper()))


def grouping_members(session: Session) -> dict[str, frozenset[str]]:
    rows = session.execute(
        select(Grouping.code, GroupingMember.nation_code).join(
            GroupingMember, GroupingMember.grouping_id == Grouping.id, isouter=True
        )
    )
    members: dict[str, set[str]] = {}
    for code, nation in rows:
        members.setdefault(code, set())
        if nation:
            members[code].add(nation)
    return {code: frozenset(nations) for code, nations in members.items()}


def list_organisations(session: Session, *, nation_code: str | None = None) -> Sequence[Organisation]:
    stmt = select(Organisation).order_by(Organisation.nation_code.nulls_first(), Organisation.name)
    if nation_code:
        stmt = stmt.where(Organisation.nation_code == nation_code.upper())
    return session.scalars(stmt).all()


def get_organisation(session: Session, ref: str | int) -> Organisation | None:
    """Find an organisation by id or by short name."""
    if str(ref).isdecimal():
        number = int(ref)
        return session.get(Organisation, number) if number <= MAX_INTEGER else None
    return session.scalar(select(Organisation).where(Organisation.short_name == str(ref)))


def organisation_clash(session: Session, *, name: str, short_name: str, exclude_id: int | None = None) -> bool:
    stmt = select(Organisation.id).where((Organisation.name == name) | (Organisation.short_name == short_name))
    if exclude_id is not None:
        stmt = stmt.where(Organisation.id != exclude_id)
    return session.scalar(stmt.limit(1)) is not None


def list_users(session: Session, *, organisation_id: int | None = None) -> Sequence[User]:
    stmt = select(User).options(selectinload(User.organisation)).order_by(User.username)
    if organisation_id is not None:
        stmt = stmt.where(User.organisation_id == organisation_id)
    return session.scalars(stmt).all()


def get_user(session: Session, username: str) -> User | None:
    return session.scalar(select(User).options(selectinload(User.organisation)).where(User.username == username))


def get_user_by_id(session: Session, user_id: int) -> User | None:
    return session.scalar(select(User).options(selectinload(User.organisation)).where(User.id == user_id))


class TokenCredential(NamedTuple):
    """What authenticating a token needs of the token, its user and the user's organisation."""

    token_id: int
    scopes: list[str]
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None
    user_id: int
    username: str
    is_active: bool
    clearance: str
    roles: list[str]
    organisation_id: int
    nation_code: str | None


_FIND_TOKEN = (
    select(
        ApiToken.id,
        ApiToken.scopes,
        ApiToken.expires_at,
        ApiToken.revoked_at,
        ApiToken.last_used_at,
        User.id,
        User.username,
        User.is_active,
        User.clearance,
        User.roles,
        User.organisation_id,
        Organisation.nation_code,
    )
    .join(User, User.id == ApiToken.user_id)
    .join(Organisation, Organisation.id == User.organisation_id)
    .where(ApiToken.token_hash == bindparam("token_hash"))
)
_TOUCH_TOKEN = update(ApiToken).where(ApiToken.id == bindparam("token_id")).values(last_used_at=bindparam("at"))


def find_token(session: Session, token_hash: str) -> TokenCredential | None:
    """A token with its user and organisation, in one column query: every API request runs it, so the statement
    is built once and no ORM objects are made."""
    row = session.connection().execute(_FIND_TOKEN, {"token_hash": token_hash}).one_or_none()
    return None if row is None else TokenCredential._make(row)


def touch_token(session: Session, token_id: int, at: datetime) -> None:
    session.connection().execute(_TOUCH_TOKEN, {"token_id": token_id, "at": at})


def list_tokens(session: Session, user_id: int) -> Sequence[ApiToken]:
    return session.scalars(select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id)).all()


def get_token(session: Session, token_id: int) -> ApiToken | None:
    return session.get(ApiToken, token_id) if 0 < token_id <= MAX_INTEGER else None


def add_web_session(session: Session, row: WebSession) -> None:
    session.add(row)
    session.flush()


def find_web_session(session: Session, secret_hash: str) -> WebSession | None:
    return session.scalar(select(WebSession).where(WebSession.secret_hash == secret_hash))


def revoke_web_sessions(session: Session, user_id: int, at: datetime) -> int:
    """End every open web session of a user; how many were open."""
    open_sessions = (WebSession.user_id == user_id) & WebSession.revoked_at.is_(None)
    result = session.execute(update(WebSession).where(open_sessions).values(revoked_at=at))
    return int(getattr(result, "rowcount", 0) or 0)
