"""Intelligence store: STIX 2.1 objects in collections (every version kept), marking definitions, ingest status.

Times that TAXII filters on are integers of microseconds since the epoch (UTC): exact, compact in indexes and the
same on SQLite and PostgreSQL. ``date_added`` is unique and strictly increasing within a collection.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from liaison_hub.db.types import UTCDateTime, utcnow
from liaison_hub.models.base import Base
from liaison_hub.models.policy import Shareable, register_shareable

# A 64-bit row id on PostgreSQL; on SQLite an INTEGER PRIMARY KEY is already 64-bit (and the rowid itself).
RowId = BigInteger().with_variant(Integer(), "sqlite")


class IntelCollection(Base):
    """A TAXII collection (TAXII 2.1 section 5.2.1): who may write, and the marking of unmarked objects."""

    __tablename__ = "intel_collection"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    taxii_id: Mapped[str] = mapped_column(String(36), unique=True)
    alias: Mapped[str | None] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    default_marking: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    write_roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    last_added: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class StixObject(Shareable, Base):
    """One version of one STIX object in one collection, its JSON kept as sent plus a column per TAXII filter.

    ``is_latest`` / ``is_first`` mark the newest / oldest version among the object's versions with the same audience;
    ``multi_audience`` says the object has versions under more than one audience, the rare case where the newest
    version a reader may see has to be found with a subquery.
    """

    __tablename__ = "stix_object"
    __table_args__ = (
        Index("ix_stix_object_version", "collection_id", "stix_id", "version", "audience_id", unique=True),
        # Pages walk these in (date_added, id) order; audience_id and is_latest ride along so that the access
        # filter and the default match[version]=last are decided from the index, before any row is read.
        Index("ix_stix_object_added", "collection_id", "date_added", "id", "audience_id", "is_latest"),
        Index("ix_stix_object_type_added", "collection_id", "type", "date_added", "id", "audience_id", "is_latest"),
    )

    id: Mapped[int] = mapped_column(RowId, primary_key=True, autoincrement=True)
    collection_id: Mapped[int] = mapped_column(ForeignKey("intel_collection.id", ondelete="CASCADE"))
    stix_id: Mapped[str] = mapped_column(String(300))
    type: Mapped[str] = mapped_column(String(250))
    spec_version: Mapped[str] = mapped_column(String(8))
    version: Mapped[int] = mapped_column(BigInteger)
    date_added: Mapped[int] = mapped_column(BigInteger)
    is_latest: Mapped[bool] = mapped_column(Boolean, default=True)
    is_first: Mapped[bool] = mapped_column(Boolean, default=True)
    multi_audience: Mapped[bool] = mapped_column(Boolean, default=False)
    digest: Mapped[str] = mapped_column(String(64))
    document: Mapped[str] = mapped_column(Text)


register_shareable(StixObject.__tablename__)


class IntelIndexQueue(Base):
    """A stored batch whose versions the correlation index has not taken in yet: a collection and a range of
    ``date_added``. Within a collection ``date_added`` is unique and assigned under the collection's lock, so the range
    names exactly the batch's versions, on every database and whatever order concurrent writers commit in."""

    __tablename__ = "intel_index_queue"

    id: Mapped[int] = mapped_column(RowId, primary_key=True, autoincrement=True)
    collection_id: Mapped[int] = mapped_column(ForeignKey("intel_collection.id", ondelete="CASCADE"), index=True)
    first_added: Mapped[int] = mapped_column(BigInteger)
    last_added: Mapped[int] = mapped_column(BigInteger)


class MarkingDefinition(Base):
    """A marking-definition seen on the wire and what it means to the policy (a partial marking), in a scope.

    Marking definitions are immutable (STIX 2.1 section 7.2.1) within their scope: ``hub`` for the hub's own
    definitions, whose ids are derived from their content (the same id can only ever mean the same thing, on every
    hub), and ``org:<id>`` (or ``system``) for any other, which only the organisation that registered it uses: one
    partner's definition never decides how another partner's objects are marked.
    """

    __tablename__ = "intel_marking_definition"

    stix_id: Mapped[str] = mapped_column(String(300), primary_key=True)
    scope: Mapped[str] = mapped_column(String(40), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    facets: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    digest: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class IngestStatus(Base):
    """A persisted TAXII status resource (TAXII 2.1 section 4.3.1): the outcome of one add-objects request."""

    __tablename__ = "intel_status"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    collection_id: Mapped[int] = mapped_column(ForeignKey("intel_collection.id", ondelete="CASCADE"), index=True)
    requested_by: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    request_timestamp: Mapped[datetime] = mapped_column(UTCDateTime)
    total_count: Mapped[int] = mapped_column(Integer)
    success_count: Mapped[int] = mapped_column(Integer)
    failure_count: Mapped[int] = mapped_column(Integer)
    pending_count: Mapped[int] = mapped_column(Integer, default=0)
    successes: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    failures: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)


class HeldObject(Base):
    """A stored version held under its writer's owner-only audience because a marking-definition it references was
    not known when it arrived; released (re-marked as its markings say) once every one of them is (docs/markings.md).
    ``default_marking`` is the default its writer's ingest applied, needed to compute the audience on release."""

    __tablename__ = "intel_held_object"
    __table_args__ = (Index("ix_intel_held_object_scope", "collection_id", "scope"),)

    object_row_id: Mapped[int] = mapped_column(ForeignKey("stix_object.id", ondelete="CASCADE"), primary_key=True)
    collection_id: Mapped[int] = mapped_column(ForeignKey("intel_collection.id", ondelete="CASCADE"))
    scope: Mapped[str] = mapped_column(String(40))
    stix_id: Mapped[str] = mapped_column(String(300))
    version: Mapped[int] = mapped_column(BigInteger)
    marking_refs: Mapped[list[str]] = mapped_column(JSON, default=list)
    default_marking: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    held_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class HeldReference(Base):
    """A marking-definition a held object is still waiting for."""

    __tablename__ = "intel_held_reference"

    object_row_id: Mapped[int] = mapped_column(
        ForeignKey("intel_held_object.object_row_id", ondelete="CASCADE"), primary_key=True
    )
    marking_ref: Mapped[str] = mapped_column(String(300), primary_key=True, index=True)
