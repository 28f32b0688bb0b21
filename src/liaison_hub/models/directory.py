"""Directory tables: nations, groupings, organisations, users, API tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from liaison_hub.db.types import UTCDateTime, utcnow
from liaison_hub.models.base import Base


class Nation(Base):
    """An ISO 3166-1 alpha-3 nation; ``status`` is its relation to the alliance (member, partner or none)."""

    __tablename__ = "nation"

    code: Mapped[str] = mapped_column(String(3), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default="none", index=True)


class Grouping(Base):
    """A named, changeable set of nations (ALLIANCE, AP4, ...)."""

    __tablename__ = "grouping"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    members: Mapped[list[GroupingMember]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="GroupingMember.nation_code"
    )


class GroupingMember(Base):
    __tablename__ = "grouping_member"

    grouping_id: Mapped[int] = mapped_column(ForeignKey("grouping.id", ondelete="CASCADE"), primary_key=True)
    nation_code: Mapped[str] = mapped_column(ForeignKey("nation.code"), primary_key=True, index=True)


class Organisation(Base):
    """An organisation of a nation, or of the alliance itself when ``nation_code`` is null."""

    __tablename__ = "organisation"
    __table_args__ = (UniqueConstraint("name"), UniqueConstraint("short_name"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str] = mapped_column(String(40))
    nation_code: Mapped[str | None] = mapped_column(ForeignKey("nation.code"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class User(Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    clearance: Mapped[str] = mapped_column(String(8))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    password_hash: Mapped[str | None] = mapped_column(String(200))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship(lazy="raise")


class ApiToken(Base):
    """An API token: only a keyed hash is stored; the token itself is shown once at creation."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class WebSession(Base):
    """A signed-in web session, held on the server so that it can be ended there: at sign-out, when the user's
    password changes or the user is deactivated. The cookie carries a random secret; only its keyed hash is kept."""

    __tablename__ = "web_session"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
