"""Correlation queries. Every query that returns or counts index rows or stored objects to a principal goes
through ``policy.readable``; what the index worker and a re-index read of every stored version is in
``intel.correlation.bookkeeping``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Select, Table, delete, func, select
from sqlalchemy.orm import Session

from liaison_hub.db.bulk import insert_rows
from liaison_hub.models import Audience, Organisation
from liaison_hub.models.intel import IntelIndexQueue, StixObject
from liaison_hub.models.intel_correlation import IntelObservable, IntelSightingLink
from liaison_hub.policy import readable
from liaison_hub.policy.principal import Principal

AnySelect = Select[*tuple[Any, ...]]
OBSERVABLE = cast(Table, IntelObservable.__table__)
SIGHTING_LINK = cast(Table, IntelSightingLink.__table__)


@dataclass(frozen=True)
class RecordRow:
    """A record (one object in one collection) mentioning a value, with the newest of its readable versions that
    does so."""

    collection_id: int
    stix_id: str
    type: str
    row_id: int


@dataclass(frozen=True)
class ObjectRow:
    row_id: int
    collection_id: int
    stix_id: str
    type: str
    version: int
    audience_id: int
    document: str


def add_observables(session: Session, rows: list[dict[str, Any]]) -> None:
    """One batched INSERT (executemany) of index rows, without the ORM (``db.bulk``)."""
    if rows:
        insert_rows(session, OBSERVABLE, rows)


def add_sighting_links(session: Session, rows: list[dict[str, Any]]) -> None:
    if rows:
        insert_rows(session, SIGHTING_LINK, rows)


def clear_index(session: Session) -> None:
    """Empty the index and its queue (a re-index then takes in every stored version)."""
    session.execute(delete(IntelObservable))
    session.execute(delete(IntelSightingLink))
    session.execute(delete(IntelIndexQueue))


@dataclass(frozen=True)
class PendingBatch:
    id: int
    collection_id: int
    first_added: int
    last_added: int


def object_rows() -> AnySelect:
    """The columns of an ``ObjectRow``, in its order."""
    o = StixObject
    return select(o.id, o.collection_id, o.stix_id, o.type, o.version, o.audience_id, o.document)


def queued_batches(session: Session, *, after: int = 0, limit: int | None = None) -> list[PendingBatch]:
    """Stored batches not yet indexed, oldest first from queue id ``after`` (not locked: a catch-up reads them, then
    takes the ones still queued with ``lock_queued``)."""
    q = IntelIndexQueue
    stmt = select(q.id, q.collection_id, q.first_added, q.last_added).where(q.id > after).order_by(q.id).limit(limit)
    return [PendingBatch(*row) for row in session.execute(stmt)]


def lock_queued(session: Session, ids: Sequence[int]) -> set[int]:
    """Which of these queue entries are still there, locked until this transaction ends (on PostgreSQL a concurrent
    catch-up waits, then finds them gone; SQLite's writers are serialised already)."""
    if not ids:
        return set()
    q = IntelIndexQueue
    return set(session.scalars(select(q.id).where(q.id.in_(list(ids))).with_for_update()))


def queue_state(session: Session) -> tuple[int, int | None]:
    """How many batches are queued, and the newest one's id (it changes while writers keep queueing)."""
    q = IntelIndexQueue
    count, newest = session.execute(select(func.count(), func.max(q.id)).select_from(q)).one()
    return int(count), None if newest is None else int(newest)


def done_batches(session: Session, ids: Iterable[int]) -> None:
    wanted = list(ids)
    if wanted:
        session.execute(delete(IntelIndexQueue).where(IntelIndexQueue.id.in_(wanted)))


def object_values(session: Session, principal: Principal, *, collection_id: int, stix_id: str) -> list[tuple[str, str]]:
    """The (kind, value) pairs the principal's readable versions of one object mention."""
    o = IntelObservable
    s = StixObject
    stmt: AnySelect = select(o.kind, o.value).join(s, s.id == o.object_row_id)
    stmt = readable(stmt.where(s.collection_id == collection_id, s.stix_id == stix_id), principal, o)
    return sorted({(r[0], r[1]) for r in session.execute(stmt.distinct())})


def records_mentioning(
    session: Session, principal: Principal, value_keys: Sequence[str], *, limit: int
) -> list[RecordRow]:
    """Up to ``limit`` readable records mentioning any of these values, in (collection, id) order.

    The lookup index is ordered by (value_key, collection_id, stix_id), so the grouping streams and stops early
    even for a value that millions of records mention."""
    o = IntelObservable
    stmt: AnySelect = select(o.collection_id, o.stix_id, func.min(o.object_type), func.max(o.object_row_id))
    stmt = readable(stmt.where(o.value_key.in_(list(value_keys))), principal, o)
    stmt = stmt.group_by(o.collection_id, o.stix_id).order_by(o.collection_id, o.stix_id).limit(limit)
    return [RecordRow(r[0], r[1], r[2], r[3]) for r in session.execute(stmt)]


def count_records(session: Session, principal: Principal, value_keys: Sequence[str]) -> int:
    """How many readable records mention any of these values (never counting one the principal cannot read)."""
    o = IntelObservable
    inner: AnySelect = select(o.collection_id, o.stix_id).where(o.value_key.in_(list(value_keys)))
    inner = readable(inner, principal, o)
    return int(session.scalar(select(func.count()).select_from(inner.distinct().subquery())) or 0)


def objects_by_row(session: Session, principal: Principal, row_ids: Iterable[int]) -> dict[int, ObjectRow]:
    """Stored versions by row id, only those the principal may read."""
    ids = list(set(row_ids))
    if not ids:
        return {}
    o = StixObject
    stmt = object_rows()
    return {r[0]: ObjectRow(*r) for r in session.execute(readable(stmt.where(o.id.in_(ids)), principal, o))}


def newest_readable(session: Session, principal: Principal, stix_ids: Iterable[str]) -> dict[str, ObjectRow]:
    """For each STIX id, the newest version the principal may read (in any collection); others are absent."""
    ids = list(set(stix_ids))
    if not ids:
        return {}
    o = StixObject
    stmt = object_rows()
    found: dict[str, ObjectRow] = {}
    for r in session.execute(readable(stmt.where(o.stix_id.in_(ids)), principal, o).order_by(o.version, o.id)):
        found[r[2]] = ObjectRow(*r)
    return found


def sighting_links(session: Session, principal: Principal, target_id: str, *, limit: int) -> list[IntelSightingLink]:
    """Readable sighting links to one object, newest sighting version first."""
    s = IntelSightingLink
    stmt = readable(select(s).where(s.target_id == target_id), principal, s)
    return list(session.scalars(stmt.order_by(s.sighting_row_id.desc()).limit(limit)))


def audiences(session: Session, ids: Iterable[int]) -> dict[int, Audience]:
    wanted = list(set(ids))
    if not wanted:
        return {}
    return {a.id: a for a in session.scalars(select(Audience).where(Audience.id.in_(wanted)))}


def organisation_names(session: Session, ids: Iterable[int]) -> dict[int, str]:
    wanted = list(set(ids))
    if not wanted:
        return {}
    stmt = select(Organisation.id, Organisation.short_name).where(Organisation.id.in_(wanted))
    return {int(r[0]): str(r[1]) for r in session.execute(stmt)}
