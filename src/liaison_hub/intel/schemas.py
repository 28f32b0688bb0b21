"""What the intel services take and give: collections, filters, pages, ingest results (no tables here)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from pydantic import BaseModel, ConfigDict, Field

from liaison_hub.policy.principal import Role

DEFAULT_WRITE_ROLES = (Role.admin, Role.liaison_officer, Role.analyst)
BATCH_SIZE = 1000
"""Objects per batch of an ingest (one lookup, one INSERT and one flag UPDATE each)."""


class DefaultMarking(BaseModel):
    """The marking of objects that arrive without one; facets a marking leaves open are taken from here too."""

    model_config = ConfigDict(extra="forbid")

    tlp: str = "amber"
    classification: str = "NU"
    releasable_to: list[str] | None = Field(
        default=None, description="Nations and groupings; null: no limit beyond the TLP; []: the owner's nation only."
    )
    recipients: list[str] = Field(default_factory=list, description="Organisation short names (RED, AMBER+STRICT).")


class CollectionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=200)
    description: str = ""
    alias: str | None = Field(default=None, pattern=r"^[a-z0-9][a-z0-9._-]{0,99}$")
    default_marking: DefaultMarking = Field(default_factory=DefaultMarking)
    write_roles: list[Role] = Field(default_factory=lambda: list(DEFAULT_WRITE_ROLES))
    with_definitions: bool = Field(default=True, description="Start with the hub's extension and TLP definitions.")


class CollectionUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = None
    default_marking: DefaultMarking | None = None
    write_roles: list[Role] | None = None


@dataclass(frozen=True)
class CollectionAccess:
    """A collection as one principal sees it (TAXII 2.1 section 5.2.1)."""

    id: int
    taxii_id: str
    alias: str | None
    title: str
    description: str
    can_read: bool
    can_write: bool
    default_marking: dict[str, Any]
    write_roles: tuple[str, ...]


@dataclass(frozen=True)
class ObjectFilters:
    """TAXII 2.1 section 3.4 filters, already parsed. ``versions`` holds 'last', 'first', 'all' or microseconds."""

    added_after: int | None = None
    ids: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    versions: tuple[str | int, ...] = ("last",)
    spec_versions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Position:
    """Where a page ended: keyset pagination on ``date_added`` (unique within a collection), or on ``(version,
    date_added)`` for an object's versions. Positions reach clients in cursors and links: they hold no row ids,
    which would count the versions a reader may not see."""

    key: int
    tiebreak: int = 0


@dataclass(frozen=True)
class PageRequest:
    limit: int = 100
    after: Position | None = None


class StoredRow(NamedTuple):
    """One stored version as a reader gets it; ``document`` is the object's JSON text as sent. A named tuple, not a
    dataclass: a page builds a thousand of these, and a tuple is built from a database row at a fraction of the cost."""

    row_id: int
    stix_id: str
    type: str
    spec_version: str
    version: int
    date_added: int
    audience_id: int
    document: str


class DocumentRow(NamedTuple):
    """One stored version on a page of objects: what a TAXII envelope needs of it, and no more."""

    document: bytes
    """The stored JSON as UTF-8."""
    audited_id: str | None
    """The STIX id where reading this version is audited (TLP:AMBER+STRICT, TLP:RED), else None."""
    date_added: int
    row_id: int
    audited_audience: int | None
    """The audience of an audited version, else None."""


@dataclass(frozen=True)
class ObjectPage:
    """A manifest's or a version list's page of ``StoredRow``, with where the page ended."""

    rows: Sequence[StoredRow]
    more: bool
    last: Position | None
    first_added: int | None = None
    """The smallest and largest ``date_added`` on the page (the TAXII date headers)."""
    last_added: int | None = None


@dataclass(frozen=True)
class DocumentPage:
    """A page of objects: their stored documents, spliced into a TAXII envelope or a bundle as they are, and the
    STIX ids whose reading is audited, with their audiences."""

    documents: Sequence[bytes]
    audited: Sequence[tuple[str, int]]
    more: bool
    last: Position | None
    first_added: int | None = None
    last_added: int | None = None


class ObjectOutcome(NamedTuple):
    """One object of an ingest: its id and version as sent, and why it was refused (None when it succeeded)."""

    id: str
    version: str
    message: str | None = None


@dataclass
class IngestResult:
    """Counts of an ingest; ``failures`` always, ``successes`` only when asked for (bounded memory otherwise)."""

    total: int = 0
    stored: int = 0
    duplicates: int = 0
    refused: int = 0
    successes: list[ObjectOutcome] = field(default_factory=list)
    failures: list[ObjectOutcome] = field(default_factory=list)
    held: list[ObjectOutcome] = field(default_factory=list)
    """Stored but held (owner-only) at the end of the ingest: a marking-definition they reference is still unknown."""
    held_rows: list[int] = field(default_factory=list)
    """The stored rows of ``held``, in the same order (a version is a row: one id may have several)."""
    released: int = 0
    """Held versions (of this ingest or earlier ones) released: their definitions arrived."""
    released_by_audience: Counter[int] = field(default_factory=Counter)
    released_rows: set[int] = field(default_factory=set)
    stored_by_audience: Counter[int] = field(default_factory=Counter)
    duplicates_by_audience: Counter[int] = field(default_factory=Counter)

    @property
    def succeeded(self) -> int:
        return self.stored + self.duplicates

    def summary(self) -> dict[str, int]:
        return {"total": self.total, "stored": self.stored, "duplicates": self.duplicates, "refused": self.refused}

    def per_audience(self) -> dict[int, dict[str, int]]:
        """Stored and duplicate counts by the audience of the versions (what the audit trail may show each reader)."""
        audiences = set(self.stored_by_audience) | set(self.duplicates_by_audience)
        return {
            a: {"stored": self.stored_by_audience[a], "duplicates": self.duplicates_by_audience[a]} for a in audiences
        }


@dataclass(frozen=True)
class StoredObject:
    """An object just stored, as batch hooks (e.g. correlation) receive it."""

    row_id: int
    collection_id: int
    stix_id: str
    type: str
    version: int
    date_added: int
    audience_id: int
    obj: dict[str, Any]


@dataclass(frozen=True)
class StatusRead:
    """A TAXII status resource (TAXII 2.1 section 4.3.1)."""

    id: str
    status: str
    request_timestamp: str
    total_count: int
    success_count: int
    failure_count: int
    pending_count: int
    successes: list[dict[str, str]]
    failures: list[dict[str, str]]
