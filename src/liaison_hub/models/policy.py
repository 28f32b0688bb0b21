"""Audiences: each distinct marking stored once; shareable rows point at one by ``audience_id``."""

from __future__ import annotations

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from liaison_hub.models.base import Base


class Audience(Base):
    """A distinct marking: TLP, classification, releasability, recipients and owner."""

    __tablename__ = "audience"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    tlp: Mapped[str] = mapped_column(String(16))
    classification: Mapped[str] = mapped_column(String(8))
    classification_rank: Mapped[int] = mapped_column(Integer)
    owner_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    owner_nation_code: Mapped[str | None] = mapped_column(ForeignKey("nation.code"))
    releasable_to: Mapped[list[str]] = mapped_column(JSON, default=list)
    recipients: Mapped[list[int]] = mapped_column(JSON, default=list)
    restricts_nations: Mapped[bool] = mapped_column(Boolean)
    """A releasability list is set (possibly empty); when false, TLP alone decides (``releasable_to`` is unset)."""
    releasable_empty: Mapped[bool] = mapped_column(Boolean)
    """The list is set and empty: the owner's nation only."""
    has_recipients: Mapped[bool] = mapped_column(Boolean)
    owner_only: Mapped[bool] = mapped_column(Boolean)
    """Nobody beyond the owner organisation (markings whose combination leaves no one else)."""

    @property
    def releasable(self) -> tuple[str, ...] | None:
        """``releasable_to`` with its three meanings: None (unset), () (the owner's nation) or the codes."""
        return tuple(self.releasable_to) if self.restricts_nations else None


class PolicyState(Base):
    """One row: a counter bumped whenever the directory changes who an existing audience admits (grouping members,
    nations joining or leaving the alliance). With the number of audiences (which are never changed nor deleted)
    it tells whether a principal's computed set of readable audiences is still right (``policy.visibility``)."""

    __tablename__ = "policy_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)


class AudienceNation(Base):
    __tablename__ = "audience_nation"

    audience_id: Mapped[int] = mapped_column(ForeignKey("audience.id", ondelete="CASCADE"), primary_key=True)
    nation_code: Mapped[str] = mapped_column(ForeignKey("nation.code"), primary_key=True, index=True)


class AudienceGrouping(Base):
    __tablename__ = "audience_grouping"

    audience_id: Mapped[int] = mapped_column(ForeignKey("audience.id", ondelete="CASCADE"), primary_key=True)
    grouping_id: Mapped[int] = mapped_column(ForeignKey("grouping.id"), primary_key=True, index=True)


class AudienceRecipient(Base):
    __tablename__ = "audience_recipient"

    audience_id: Mapped[int] = mapped_column(ForeignKey("audience.id", ondelete="CASCADE"), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), primary_key=True, index=True)


class Shareable:
    """Mixin for every table whose rows carry a marking; ``policy.readable`` filters on ``audience_id``."""

    @declared_attr
    def audience_id(cls) -> Mapped[int]:  # noqa: N805
        return mapped_column(ForeignKey("audience.id"), index=True)


SHAREABLE_TABLES: set[str] = set()
"""Names of tables whose rows carry a marking; filled as their models are declared."""


def register_shareable(table_name: str) -> None:
    SHAREABLE_TABLES.add(table_name)
