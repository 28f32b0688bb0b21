"""Directory services: change nations, groupings, organisations, users and tokens; each write is audited."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from liaison_hub.audit.service import record
from liaison_hub.db.types import utcnow
from liaison_hub.directory import repository as repo
from liaison_hub.directory.schemas import (
    GroupingCreate,
    GroupingUpdate,
    NationStatus,
    OrganisationCreate,
    OrganisationUpdate,
    TokenCreate,
    UserCreate,
    UserUpdate,
)
from liaison_hub.directory.security import hash_password, new_token, token_digest, verify_password
from liaison_hub.errors import Conflict, Forbidden, InvalidInput, NotFound
from liaison_hub.models import ApiToken, Grouping, GroupingMember, Nation, Organisation, User
from liaison_hub.policy import rights
from liaison_hub.policy.principal import Actor, Principal
from liaison_hub.policy.rights import allowed_scopes
from liaison_hub.policy.visibility import membership_changed

ALLIANCE = "ALLIANCE"


def require_admin(actor: Actor) -> None:
    rights.require_admin(actor, what="change the directory")


def list_nations(session: Session, *, status: str | None = None, query: str | None = None) -> Sequence[Nation]:
    """Nations, filtered by status and by part of a name or code."""
    return repo.list_nations(session, status=status, query=query)


def nation_names(session: Session) -> dict[str, str]:
    return {n.code: n.name for n in repo.list_nations(session)}


def list_groupings(session: Session) -> Sequence[Grouping]:
    return repo.list_groupings(session)


def list_organisations(session: Session, *, nation_code: str | None = None) -> Sequence[Organisation]:
    return repo.list_organisations(session, nation_code=nation_code)


def list_users(session: Session, *, organisation_id: int | None = None) -> Sequence[User]:
    return repo.list_users(session, organisation_id=organisation_id)


def list_tokens(session: Session, username: str) -> Sequence[ApiToken]:
    """A user's tokens (never the tokens themselves: only their prefixes)."""
    return repo.list_tokens(session, user(session, username).id)


def my_tokens(session: Session, actor: Actor) -> Sequence[ApiToken]:
    return repo.list_tokens(session, actor.principal.user_id or -1)


def nation(session: Session, code: str) -> Nation:
    found = repo.get_nation(session, code)
    if found is None:
        raise NotFound(f"unknown nation code {code!r} (expected ISO 3166-1 alpha-3, e.g. JPN)")
    return found


def _check_nations(session: Session, codes: Sequence[str]) -> list[str]:
    wanted = sorted({code.strip().upper() for code in codes})
    unknown = sorted(set(wanted) - repo.existing_nation_codes(session, wanted))
    if unknown:
        raise InvalidInput(f"unknown nation codes: {', '.join(unknown)}")
    return wanted


def set_nation_status(session: Session, actor: Actor, *, code: str, status: NationStatus) -> Nation:
    """Change a nation's status; membership of the ALLIANCE grouping follows member status."""
    require_admin(actor)
    row = nation(session, code)
    before = row.status
    row.status = status.value
    alliance = repo.get_grouping(session, ALLIANCE)
    if alliance is not None:
        members = {m.nation_code for m in alliance.members}
        if status is NationStatus.member and row.code not in members:
            alliance.members.append(GroupingMember(nation_code=row.code))
        elif status is not NationStatus.member and row.code in members:
            alliance.members[:] = [m for m in alliance.members if m.nation_code != row.code]
    membership_changed(session)
    session.flush()
    record(
        session,
        actor,
        action="nation.status",
        entity_type="nation",
        entity_id=row.code,
        details={"from": before, "to": status.value},
    )
    return row


def grouping(session: Session, code: str) -> Grouping:
    found = repo.get_grouping(session, code)
    if found is None:
        raise NotFound(f"unknown grouping {code!r}")
    return found


def create_grouping(session: Session, actor: Actor, *, data: GroupingCreate) -> Grouping:
    require_admin(actor)
    if repo.get_grouping(session, data.code) is not None:
        raise Conflict(f"grouping {data.code} already exists")
    if repo.get_nation(session, data.code) is not None:
        raise InvalidInput(f"{data.code} is a nation code; a grouping needs a code of its own")
    members = _check_nations(session, data.members)
    group = Grouping(code=data.code, name=data.name, members=[GroupingMember(nation_code=m) for m in members])
    session.add(group)
    membership_changed(session)
    session.flush()
    record(
        session,
        actor,
        action="grouping.create",
        entity_type="grouping",
        entity_id=group.code,
        details={"name": group.name, "members": members},
    )
    return group


def update_grouping(session: Session, actor: Actor, *, code: str, data: GroupingUpdate) -> Grouping:
    require_admin(actor)
    group = grouping(session, code)
    changes: dict[str, object] = {}
    if data.name is not None:
        group.name = changes.setdefault("name", data.name)  # type: ignore[assignment]
    if data.members is not None:
        members = _check_nations(session, data.members)
        group.members[:] = [GroupingMember(nation_code=m) for m in members]
        changes["members"] = members
        membership_changed(session)
    session.flush()
    record(session, actor, action="grouping.update", entity_type="grouping", entity_id=group.code, details=changes)
    return group


def change_grouping_members(
    session: Session, actor: Actor, *, code: str, add: Sequence[str] = (), remove: Sequence[str] = ()
) -> Grouping:
    """Add and remove member nations; records marked for the grouping follow at once."""
    require_admin(actor)
    group = grouping(session, code)
    current = {m.nation_code for m in group.members}
    to_add = set(_check_nations(session, add)) - current if add else set()
    to_remove = set(_check_nations(session, remove)) if remove else set()
    group.members[:] = [m for m in group.members if m.nation_code not in to_remove]
    group.members.extend(GroupingMember(nation_code=n) for n in sorted(to_add))
    membership_changed(session)
    session.flush()
    record(
        session,
        actor,
        action="grouping.members",
        entity_type="grouping",
        entity_id=group.code,
        details={"added": sorted(to_add), "removed": sorted(to_remove & current)},
    )
    return group


def organisation(session: Session, ref: str | int) -> Organisation:
    found = repo.get_organisation(session, ref)
    if found is None:
        raise NotFound(f"unknown organisation {ref!r}")
    return found


def create_organisation(session: Session, actor: Actor, *, data: OrganisationCreate) -> Organisation:
    require_admin(actor)
    nation_code = _check_nations(session, [data.nation_code])[0] if data.nation_code else None
    if repo.organisation_clash(session, name=data.name, short_name=data.short_name):
        raise Conflict(f"an organisation named {data.name!r} or {data.short_name!r} already exists")
    org = Organisation(name=data.name, short_name=data.short_name, nation_code=nation_code)
    session.add(org)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise Conflict(f"an organisation named {data.name!r} or {data.short_name!r} already exists") from None
    record(
        session,
        actor,
        action="organisation.create",
        entity_type="organisation",
        entity_id=org.id,
        details=data.model_dump(),
    )
    return org


def update_organisation(session: Session, actor: Actor, *, ref: str | int, data: OrganisationUpdate) -> Organisation:
    require_admin(actor)
    org = organisation(session, ref)
    changes = data.model_dump(exclude_none=True)
    if repo.organisation_clash(
        session, name=changes.get("name", ""), short_name=changes.get("short_name", ""), exclude_id=org.id
    ):
        raise Conflict("another organisation already has that name or short name")
    for field, value in changes.items():
        setattr(org, field, value)
    session.flush()
    record(session, actor, action="organisation.update", entity_type="organisation", entity_id=org.id, details=changes)
    return org


def local_today(session: Session, principal: Principal) -> date:
    """Today's date where the user is (their own time zone): what "due today" and "overdue" are counted from."""
    account = repo.get_user_by_id(session, principal.user_id) if principal.user_id is not None else None
    return utcnow().astimezone(ZoneInfo(account.timezone if account else "UTC")).date()


def user(session: Session, username: str) -> User:
    found = repo.get_user(session, username)
    if found is None:
        raise NotFound(f"unknown user {username!r}")
    return found


def create_user(session: Session, actor: Actor, *, data: UserCreate) -> User:
    require_admin(actor)
    org = organisation(session, data.organisation)
    if repo.get_user(session, data.username) is not None:
        raise Conflict(f"user {data.username!r} already exists")
    account = User(
        username=data.username,
        display_name=data.display_name,
        email=data.email,
        organisation_id=org.id,
        roles=[r.value for r in data.roles],
        clearance=data.clearance,
        timezone=data.timezone,
        password_hash=hash_password(data.password) if data.password else None,
        is_active=True,
    )
    account.organisation = org
    session.add(account)
    session.flush()
    record(
        session,
        actor,
        action="user.create",
        entity_type="user",
        entity_id=account.username,
        details=data.model_dump(exclude={"password"}) | {"organisation": org.short_name},
    )
    return account


def update_user(session: Session, actor: Actor, *, username: str, data: UserUpdate) -> User:
    """Change a user (admins). Role, clearance and state changes are audited with their old and new values; a new
    password or a deactivation ends the user's web sessions at once."""
    require_admin(actor)
    account = user(session, username)
    if data.is_active is False and account.id == actor.principal.user_id:
        raise InvalidInput("is_active: you cannot deactivate your own account; ask another administrator")
    changes: dict[str, object] = {}
    if data.organisation is not None and data.organisation != account.organisation.short_name:
        moved_to = organisation(session, data.organisation)
        changes["organisation"] = {"from": account.organisation.short_name, "to": moved_to.short_name}
        account.organisation_id, account.organisation = moved_to.id, moved_to
    for field, value in data.model_dump(exclude_none=True, exclude={"password", "organisation"}).items():
        new = [r.value for r in value] if field == "roles" else value
        old = getattr(account, field)
        if old != new and not (old in (None, "") and new in (None, "")):
            changes[field] = {"from": old, "to": new} if field in AUDITED_VALUES else "changed"
            setattr(account, field, new)
    if data.password:
        account.password_hash = hash_password(data.password)
        changes["password"] = "reset"
    if data.password or data.is_active is False:
        changes["web_sessions_ended"] = repo.revoke_web_sessions(session, account.id, utcnow())
    session.flush()
    record(session, actor, action="user.update", entity_type="user", entity_id=account.username, details=changes)
    return account


AUDITED_VALUES = frozenset({"roles", "clearance", "is_active", "timezone"})
"""Fields whose old and new values the audit trail keeps (the others are noted as changed)."""


def change_own_password(session: Session, actor: Actor, *, current: str, new: str) -> User:
    """A user changes their own password: the current one must be right; every web session of theirs ends (the
    caller starts a new one for the browser that asked)."""
    if actor.principal.user_id is None:
        raise Forbidden("only a user has a password")
    account = user(session, actor.principal.username)
    if not verify_password(account.password_hash, current):
        raise InvalidInput("current password: this is not your current password")
    if len(new) < MIN_PASSWORD:
        raise InvalidInput(f"new password: use at least {MIN_PASSWORD} characters")
    if new == current:
        raise InvalidInput("new password: choose a password different from the current one")
    account.password_hash = hash_password(new)
    ended = repo.revoke_web_sessions(session, account.id, utcnow())
    session.flush()
    details = {"password": "changed", "web_sessions_ended": ended}
    record(session, actor, action="user.password", entity_type="user", entity_id=account.username, details=details)
    return account


MIN_PASSWORD = 12


def create_token(
    session: Session, actor: Actor, *, username: str, data: TokenCreate, secret_key: str
) -> tuple[ApiToken, str]:
    """Create a token for ``username`` (admins for anyone, users for themselves); returns it once."""
    if username != actor.principal.username:
        require_admin(actor)
    account = user(session, username)
    refused = sorted(set(data.scopes) - allowed_scopes(account.roles))
    if refused:
        raise Forbidden(f"the roles of {username} do not allow the scopes: {', '.join(refused)}")
    beyond = sorted(set(data.scopes) - actor.principal.scopes) if username == actor.principal.username else []
    if beyond:
        raise Forbidden(f"a token cannot have scopes the credentials creating it lack: {', '.join(beyond)}")
    expires_at = utcnow() + timedelta(days=data.expires_in_days) if data.expires_in_days else None
    rights.require_within_credential(actor, expires_at, what="a token")
    token = new_token()
    row = ApiToken(
        user_id=account.id,
        name=data.name,
        prefix=token[:8],
        token_hash=token_digest(token, secret_key),
        scopes=sorted(s.value for s in data.scopes),
        created_at=utcnow(),
        expires_at=expires_at,
    )
    session.add(row)
    session.flush()
    record(
        session,
        actor,
        action="token.create",
        entity_type="api_token",
        entity_id=row.id,
        details={"user": username, "name": data.name, "scopes": row.scopes, "expires_at": row.expires_at},
    )
    return row, token


def revoke_token(session: Session, actor: Actor, *, token_id: int, own_only: bool = False) -> ApiToken:
    """Revoke a token: one's own, or anyone's as an administrator unless ``own_only`` (the self-service page). A
    token the actor may not revoke is "not found", as if it did not exist."""
    row = repo.get_token(session, token_id)
    mine = row is not None and row.user_id == actor.principal.user_id
    if row is None or not (mine or (actor.principal.is_admin and not own_only)):
        raise NotFound(f"unknown token {token_id}")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        session.flush()
        record(session, actor, action="token.revoke", entity_type="api_token", entity_id=row.id)
    return row
