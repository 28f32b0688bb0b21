"""API schemas for the directory: separate create, update and read shapes, so fields never leak."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import available_timezones

from pydantic import BaseModel, ConfigDict, Field, field_validator

from liaison_hub.directory.choices import NationStatus as NationStatus
from liaison_hub.fields import Username
from liaison_hub.policy.levels import parse_classification
from liaison_hub.policy.principal import Role, Scope


class Schema(BaseModel):
    model_config = ConfigDict(from_attributes=True, extra="forbid", str_strip_whitespace=True)


class NationRead(Schema):
    code: str
    name: str
    status: NationStatus


class NationUpdate(Schema):
    status: NationStatus


class GroupingCreate(Schema):
    code: str = Field(pattern=r"^[A-Z][A-Z0-9_-]{1,31}$", description="Upper-case code, e.g. AP4.")
    name: str = Field(min_length=1, max_length=200)
    members: list[str] = Field(default_factory=list, description="Nation codes (ISO 3166-1 alpha-3).")


class GroupingUpdate(Schema):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    members: list[str] | None = None


class GroupingRead(Schema):
    code: str
    name: str
    members: list[str]


class OrganisationCreate(Schema):
    name: str = Field(min_length=1, max_length=200)
    short_name: str = Field(min_length=1, max_length=40)
    nation_code: str | None = Field(default=None, description="Null for an organisation of the alliance.")


class OrganisationUpdate(Schema):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    short_name: str | None = Field(default=None, min_length=1, max_length=40)


class OrganisationRead(Schema):
    id: int
    name: str
    short_name: str
    nation_code: str | None


def _clearance(value: str) -> str:
    return parse_classification(value).code


def _zone(value: str) -> str:
    if value not in available_timezones():
        raise ValueError(f"{value[:64]!r} is not a time zone name; use an IANA name such as Asia/Tokyo or UTC")
    return value


class UserCreate(Schema):
    username: Username
    display_name: str = Field(min_length=1, max_length=200)
    email: str | None = Field(default=None, max_length=254)
    organisation: str = Field(description="Organisation short name.")
    roles: list[Role] = Field(default_factory=lambda: [Role.reader], min_length=1)
    clearance: str = "NU"
    timezone: str = "UTC"
    password: str | None = Field(default=None, min_length=12, max_length=200)

    _check_clearance = field_validator("clearance")(_clearance)
    _check_zone = field_validator("timezone")(_zone)


class UserUpdate(Schema):
    display_name: str | None = Field(default=None, min_length=1, max_length=200)
    email: str | None = Field(default=None, max_length=254)
    organisation: str | None = Field(default=None, description="Organisation short name.")
    roles: list[Role] | None = Field(default=None, min_length=1)
    clearance: str | None = None
    timezone: str | None = None
    is_active: bool | None = None
    password: str | None = Field(default=None, min_length=12, max_length=200)

    @field_validator("clearance")
    @classmethod
    def _check_clearance(cls, value: str | None) -> str | None:
        return None if value is None else _clearance(value)

    @field_validator("timezone")
    @classmethod
    def _check_zone(cls, value: str | None) -> str | None:
        return None if value is None else _zone(value)


class UserRead(Schema):
    id: int
    username: str
    display_name: str
    email: str | None
    organisation: str
    nation_code: str | None
    roles: list[Role]
    clearance: str
    timezone: str
    is_active: bool


class TokenCreate(Schema):
    name: str = Field(default="api", min_length=1, max_length=100)
    scopes: list[Scope] = Field(default_factory=lambda: [Scope.read], min_length=1)
    expires_in_days: int | None = Field(default=90, ge=1, le=3650)


class TokenRead(Schema):
    id: int
    name: str
    prefix: str
    scopes: list[Scope]
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None


class TokenCreated(TokenRead):
    token: str = Field(description="Shown once; only a hash is kept.")


class MeRead(UserRead):
    organisation_name: str
    scopes: list[Scope]
    auth: str
