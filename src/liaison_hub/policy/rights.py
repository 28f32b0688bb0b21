"""Write rights: the one place that decides whether an actor may write, mark, re-mark, own or administer.

Every service that changes something asks here, whichever interface the request came through (JSON API, TAXII,
web pages, CLI): the interfaces may check early for a clearer error, never instead. Reads are decided by
``policy.readable``; this module decides writes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from liaison_hub.errors import Forbidden
from liaison_hub.models import Audience
from liaison_hub.policy.audiences import check_marking
from liaison_hub.policy.levels import Level, classification_levels
from liaison_hub.policy.marking import Marking
from liaison_hub.policy.principal import Actor, Principal, Role, Scope

WRITER_ROLES = frozenset({Role.admin, Role.liaison_officer, Role.analyst})
"""Roles that may write shared records (a reader only reads)."""


class AboveClearance(Forbidden):
    """A marking above what the writer is cleared for: nobody writes what they could not read."""

    code = "above_clearance"


def allowed_scopes(roles: Iterable[str]) -> frozenset[Scope]:
    """The scopes a user's roles permit; a session has these, a token never more."""
    held = set(roles)
    scopes = {Scope.read}
    if held & WRITER_ROLES:
        scopes.add(Scope.write)
    if Role.admin in held:
        scopes.add(Scope.admin)
    return frozenset(scopes)


def may_write(principal: Principal, roles: Iterable[str] = WRITER_ROLES) -> bool:
    """The write scope and one of ``roles`` (a collection's write roles, or any writer role)."""
    if principal.is_system:
        return True
    return Scope.write in principal.scopes and any(principal.has_role(Role(r)) for r in roles)


def require_write(actor: Actor, roles: Iterable[str] = WRITER_ROLES, *, what: str = "change this") -> None:
    if not may_write(actor.principal, roles):
        raise Forbidden(f"you may not {what}: it needs the write scope and a writer role")


def require_admin(actor: Actor, *, what: str = "do this") -> None:
    if not (actor.principal.is_admin or actor.principal.is_system):
        raise Forbidden(f"only an administrator (admin role and admin scope) may {what}")


def require_cleared(principal: Principal, classification_rank: int) -> None:
    """Refuse to write at a classification above the writer's clearance (capped at the accreditation)."""
    if principal.is_system or classification_rank <= principal.clearance_rank:
        return
    name = classification_levels()[classification_rank].name
    raise AboveClearance(f"classification {name} is above your clearance")


def require_may_mark(actor: Actor, marking: Marking, accreditation: Level) -> None:
    """A marking a writer may put on a record: one the hub may hold and the writer is cleared for."""
    check_marking(marking, accreditation)
    require_cleared(actor.principal, marking.classification_rank)


def owns(principal: Principal, owner_organisation_id: int | None) -> bool:
    """The principal acts for the record's owner organisation, or is an administrator (or the hub itself)."""
    if principal.is_system or principal.is_admin:
        return True
    return owner_organisation_id is not None and principal.organisation_id == owner_organisation_id


def require_owner(actor: Actor, owner_organisation_id: int | None, *, what: str) -> None:
    """Only the owner organisation, or an administrator, may ``what``."""
    if not owns(actor.principal, owner_organisation_id):
        raise Forbidden(f"only the organisation that owns it (or an administrator) may {what}")


def require_within_credential(actor: Actor, expires_at: datetime | None, *, what: str) -> None:
    """A credential never outlives the credential that creates it: a token with an expiry makes only tokens (and
    calendar feeds) that expire no later."""
    limit = actor.principal.credential_expires_at
    if limit is not None and (expires_at is None or expires_at > limit):
        raise Forbidden(
            f"{what} made with a token cannot outlive it: this token expires at {limit:%Y-%m-%d %H:%M} UTC; "
            "ask for an earlier expiry, or sign in to the web interface"
        )


def require_may_remark(actor: Actor, current: Audience, new: Marking, accreditation: Level) -> None:
    """Change a record's marking: its owner organisation, or an administrator cleared for both the old and the new
    marking; the new marking must be one the writer may put on a record, and keeps the record's owner."""
    principal = actor.principal
    if new.owner_organisation_id != current.owner_organisation_id:
        raise Forbidden("a marking change keeps the record's owner organisation")
    owner = principal.organisation_id is not None and principal.organisation_id == current.owner_organisation_id
    if not (principal.is_system or owner or principal.is_admin):
        raise Forbidden("only the organisation that owns a record (or an administrator) may change its marking")
    require_cleared(principal, current.classification_rank)
    require_may_mark(actor, new, accreditation)
