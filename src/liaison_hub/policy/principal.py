"""Who is asking: a user (session or token), an anonymous reader, or a peer hub."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Role(StrEnum):
    admin = "admin"
    liaison_officer = "liaison_officer"
    analyst = "analyst"
    reader = "reader"


class Scope(StrEnum):
    """What an API token may do; a web session has every scope its roles allow."""

    read = "read"
    write = "write"
    admin = "admin"


class PrincipalKind(StrEnum):
    """How a principal reached the hub: it names the credential, never grants anything by itself (except
    ``system``, the hub's own command line and jobs)."""

    session = "session"
    token = "token"
    feed = "feed"
    cli = "cli"
    demo = "demo"
    test = "test"
    organisation = "organisation"
    peer = "peer"
    anonymous = "anonymous"
    system = "system"


@dataclass(frozen=True)
class Principal:
    username: str
    user_id: int | None
    organisation_id: int | None
    nation_code: str | None
    clearance_rank: int
    roles: frozenset[Role] = field(default_factory=frozenset)
    scopes: frozenset[Scope] = field(default_factory=frozenset)
    kind: PrincipalKind = PrincipalKind.session
    credential_expires_at: datetime | None = None
    """When the credential in use stops working (a token's expiry); None for credentials without one."""

    def __post_init__(self) -> None:
        if not isinstance(self.kind, PrincipalKind):
            object.__setattr__(self, "kind", PrincipalKind(self.kind))

    @property
    def is_anonymous(self) -> bool:
        return self.kind is PrincipalKind.anonymous

    @property
    def is_system(self) -> bool:
        return self.kind is PrincipalKind.system

    @property
    def is_admin(self) -> bool:
        return Role.admin in self.roles and Scope.admin in self.scopes

    def has_role(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))


ANONYMOUS = Principal(
    username="anonymous",
    user_id=None,
    organisation_id=None,
    nation_code=None,
    clearance_rank=0,
    kind=PrincipalKind.anonymous,
)
SYSTEM_ACTOR = "system"


@dataclass(frozen=True)
class Actor:
    """A principal acting from somewhere: what services need to decide access and write the audit trail."""

    principal: Principal
    source: str = "unknown"

    @property
    def name(self) -> str:
        return self.principal.username


SYSTEM = Principal(
    username=SYSTEM_ACTOR,
    user_id=None,
    organisation_id=None,
    nation_code=None,
    clearance_rank=0,
    roles=frozenset(Role),
    scopes=frozenset(Scope),
    kind=PrincipalKind.system,
)
