"""Correlation and sightings: fill the index as objects are stored; answer "which other records mention this
value" and "who sighted this" with only what the asking principal may read.

No leak through counts or flags: every count is taken over index rows the principal may read (``readable`` on
the index row, which carries its version's audience), and a value is over-correlating *for this principal* when
more than ``limit`` records it may read mention it. A flag computed over all records would say "there are more
records than you can see", a count of invisible records by another name; so two readers may see a different flag
for the same value, and that difference reveals nothing that their own lists do not.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy.orm import Session

from liaison_hub.audit.service import record
from liaison_hub.errors import Forbidden, InvalidInput, NotFound
from liaison_hub.intel import repository as intel_repo
from liaison_hub.intel import service as intel
from liaison_hub.intel.correlation import bookkeeping
from liaison_hub.intel.correlation import repository as repo
from liaison_hub.intel.correlation.extract import observables_of
from liaison_hub.intel.correlation.normalise import Observable, candidates
from liaison_hub.intel.correlation.schemas import (
    ObjectCorrelations,
    ObservableRead,
    RecordRead,
    SearchResult,
    SightingRead,
    ValueCorrelation,
)
from liaison_hub.intel.schemas import StoredObject
from liaison_hub.intel.stix import BadTimestamp, format_micros, parse_micros
from liaison_hub.policy.principal import Actor, Principal
from liaison_hub.policy.schemas import MarkingRead, marking_read

DEFAULT_LIMIT = 20
MAX_VALUES = 200
CATCH_UP_GROUP = 20  # batches indexed together: one sorted INSERT, their documents in memory at once
SIGHTING_REFS = (("sighting_of_ref", "sighting_of"), ("observed_data_refs", "observed_data"))


def _observable_rows(stored: StoredObject) -> list[dict[str, Any]]:
    return [
        {
            "object_row_id": stored.row_id,
            "collection_id": stored.collection_id,
            "stix_id": stored.stix_id,
            "object_type": stored.type,
            "kind": o.kind,
            "value": o.value,
            "value_key": o.key,
            "audience_id": stored.audience_id,
        }
        for o in observables_of(stored.obj)
    ]


def _micros(value: object) -> int | None:
    try:
        return parse_micros(value)
    except BadTimestamp:
        return None


def _sighting_rows(stored: StoredObject) -> list[dict[str, Any]]:
    """The references of a sighting (STIX 2.1 section 5.2) to what it sighted."""
    if stored.type != "sighting":
        return []
    obj, rows = stored.obj, []
    count = obj.get("count") if isinstance(obj.get("count"), int) else None
    for prop, role in SIGHTING_REFS:
        refs = obj.get(prop)
        for target in [refs] if isinstance(refs, str) else refs if isinstance(refs, list) else []:
            if isinstance(target, str):
                rows.append(
                    {
                        "sighting_row_id": stored.row_id,
                        "collection_id": stored.collection_id,
                        "sighting_id": stored.stix_id,
                        "target_id": target,
                        "role": role,
                        "count": count,
                        "first_seen": _micros(obj.get("first_seen")),
                        "last_seen": _micros(obj.get("last_seen")),
                        "audience_id": stored.audience_id,
                    }
                )
    return rows


def _index_rows(stored: Sequence[StoredObject]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The value rows, in key order (so that a large catch-up writes each page of the value index once), and the
    sighting links of stored versions."""
    observables = [row for s in stored for row in _observable_rows(s)]
    observables.sort(key=lambda row: str(row["value_key"]))
    return observables, [row for s in stored for row in _sighting_rows(s)]


def index_batch(session: Session, stored: Sequence[StoredObject]) -> None:
    """Index stored versions' values and sighting links: one INSERT each, in the caller's transaction."""
    observables, sightings = _index_rows(stored)
    repo.add_observables(session, observables)
    repo.add_sighting_links(session, sightings)


def _stored(row: repo.ObjectRow) -> StoredObject:
    """A stored version read back for the index (its ``date_added`` is not needed there)."""
    return StoredObject(
        row.row_id, row.collection_id, row.stix_id, row.type, row.version, 0, row.audience_id, _loads(row.document)
    )


@dataclass(frozen=True)
class CatchUpPlan:
    """The index rows of some queued batches, read and extracted without the write lock (``plan_catch_up``), to be
    written by ``apply_catch_up`` for the batches still queued then."""

    batches: list[repo.PendingBatch]
    observables: list[dict[str, Any]]
    sightings: list[dict[str, Any]]

    @property
    def last_queue_id(self) -> int:
        return self.batches[-1].id if self.batches else 0


def plan_catch_up(session: Session, *, max_batches: int, after: int = 0) -> CatchUpPlan:
    """Read up to ``max_batches`` queued batches (queue ids above ``after``) and extract their index rows. Reads only:
    on SQLite the index worker runs this in a read transaction, next to the writers."""
    batches = repo.queued_batches(session, after=after, limit=max_batches)
    stored = [
        _stored(row)
        for batch in batches
        for row in bookkeeping.objects_added_between(session, batch.collection_id, batch.first_added, batch.last_added)
    ]
    return CatchUpPlan(batches, *_index_rows(stored))


def apply_catch_up(session: Session, plan: CatchUpPlan) -> int:
    """Write a plan in the caller's transaction; the number of versions indexed. Only batches still queued are
    written (another catch-up may have taken some meanwhile: each batch is indexed exactly once), and only
    versions still stored, under the audience they have now."""
    still = repo.lock_queued(session, [batch.id for batch in plan.batches])
    audiences: dict[int, int] = {}
    for batch in plan.batches:
        if batch.id in still:
            audiences.update(
                bookkeeping.audiences_added_between(session, batch.collection_id, batch.first_added, batch.last_added)
            )
    repo.add_observables(session, _current(plan.observables, "object_row_id", audiences))
    repo.add_sighting_links(session, _current(plan.sightings, "sighting_row_id", audiences))
    repo.done_batches(session, still)
    return len(audiences)


def _current(rows: list[dict[str, Any]], key: str, audiences: dict[int, int]) -> list[dict[str, Any]]:
    kept = []
    for row in rows:
        audience = audiences.get(row[key])
        if audience is not None:
            row["audience_id"] = audience
            kept.append(row)
    return kept


def catch_up_in(
    read: Callable[[], AbstractContextManager[Session]],
    write: Callable[[], AbstractContextManager[Session]],
    *,
    group: int = CATCH_UP_GROUP,
    max_batches: int | None = None,
    stopping: Callable[[], bool] | None = None,
) -> int:
    """Index queued batches, oldest first, ``group`` at a time (bounded memory: a group's documents at once), up to
    ``max_batches`` and until ``stopping()``: each group is read and extracted in a transaction from ``read``, then
    written in one from ``write`` (``plan_catch_up`` / ``apply_catch_up``). The versions indexed."""
    indexed, taken, after = 0, 0, 0
    while (max_batches is None or taken < max_batches) and not (stopping is not None and stopping()):
        size = group if max_batches is None else min(group, max_batches - taken)
        with read() as session:
            plan = plan_catch_up(session, max_batches=size, after=after)
        if not plan.batches:
            break
        with write() as session:
            indexed += apply_catch_up(session, plan)
        taken, after = taken + len(plan.batches), plan.last_queue_id
    return indexed


def catch_up(session: Session, *, max_batches: int | None = None) -> int:
    """Index the stored batches still queued (``intel_index_queue``), oldest first, in this transaction; the number
    of versions indexed.

    Ingest only queues a batch, and the server's index worker drains the queue after the commits, many batches at
    a time. Every query of the index calls this first, so its answer is exact even right after a write: at worst
    it indexes what the worker has not reached yet. Versions deleted meanwhile are simply not found.
    """

    def in_session() -> AbstractContextManager[Session]:
        return nullcontext(session)

    return catch_up_in(in_session, in_session, max_batches=max_batches)


def reindex(session: Session, actor: Actor, *, batch_size: int = 1000) -> int:
    """Rebuild the whole index from the stored versions (admins), e.g. after the extraction rules changed."""
    if not actor.principal.is_admin:
        raise Forbidden("re-indexing needs the admin role and the admin scope")
    repo.clear_index(session)
    total = 0
    for rows in bookkeeping.scan_objects(session, batch_size=batch_size):
        batch = [_stored(r) for r in rows]
        index_batch(session, batch)
        total += len(batch)
    record(
        session,
        actor,
        action="intel.reindex",
        entity_type="intel_observable",
        entity_id="*",
        details={"objects": total},
    )
    return total


def _loads(document: str) -> dict[str, Any]:
    value = orjson.loads(document)
    return value if isinstance(value, dict) else {}


def display_name(document: str) -> str | None:
    """What to call an object on a page: its name, value or pattern."""
    obj = _loads(document)
    for key in ("name", "value", "pattern"):
        if isinstance(obj.get(key), str):
            return str(obj[key])[:200]
    return None


class _Describer:
    """Turns readable stored versions into ``RecordRead`` with collection names and markings (few queries)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.collections = {c.id: c for c in intel_repo.list_collections(session)}
        self.markings: dict[int, MarkingRead] = {}

    def load_markings(self, audience_ids: Iterable[int]) -> None:
        found = repo.audiences(self.session, set(audience_ids) - self.markings.keys())
        owners = {a.owner_organisation_id for a in found.values() if a.owner_organisation_id is not None}
        names = repo.organisation_names(self.session, owners | {r for a in found.values() for r in a.recipients})
        self.markings.update({i: marking_read(a, names) for i, a in found.items()})

    def records(self, rows: Iterable[repo.ObjectRow]) -> list[RecordRead]:
        rows = list(rows)
        self.load_markings(r.audience_id for r in rows)
        return [self.record(r) for r in rows]

    def record(self, row: repo.ObjectRow) -> RecordRead:
        collection = self.collections[row.collection_id]
        return RecordRead(
            collection=collection.alias or collection.taxii_id,
            collection_title=collection.title,
            stix_id=row.stix_id,
            type=row.type,
            name=display_name(row.document),
            marking=self.markings[row.audience_id],
            audience_id=row.audience_id,
        )


def _records(session: Session, principal: Principal, rows: Sequence[repo.RecordRow]) -> list[RecordRead]:
    objects = repo.objects_by_row(session, principal, (r.row_id for r in rows))
    return _Describer(session).records(objects[r.row_id] for r in rows if r.row_id in objects)


def _audited(session: Session, principal: Principal, records: Iterable[RecordRead], via: str) -> None:
    """Records of TLP:AMBER+STRICT and TLP:RED named in an answer are read-audited, as TAXII reads are."""
    intel.audit_rows(session, principal, ((r.stix_id, r.audience_id) for r in records), via=via)


def search(
    session: Session, principal: Principal, *, value: str, limit: int = 100, correlation_limit: int = DEFAULT_LIMIT
) -> SearchResult:
    """Which records the principal may read mention ``value``, in any form it may take (an address, a domain...)."""
    if limit < 1:
        raise InvalidInput("limit must be a positive integer")
    values = candidates(value)
    if not values:
        raise InvalidInput(f"{value[:100]!r} is not an IP address, domain, URL, e-mail address or file hash")
    keys = [v.key for v in values]
    catch_up(session)
    count = repo.count_records(session, principal, keys)
    records = _records(session, principal, repo.records_mentioning(session, principal, keys, limit=limit))
    _audited(session, principal, records, "search")
    return SearchResult(
        query=value,
        values=[ObservableRead(kind=v.kind, value=v.value) for v in values],
        count=count,
        over_correlating=count > correlation_limit,
        limit=correlation_limit,
        records=records,
    )


def _visible_object(session: Session, principal: Principal, collection: str, stix_id: str) -> int:
    """The collection's row id, when the principal may read at least one version of the object; else 404."""
    access = intel.get_collection(session, principal, collection)
    if not access.can_read or not intel_repo.any_visible(session, principal, collection_id=access.id, stix_id=stix_id):
        raise NotFound(f"no object {stix_id!r} in this collection")
    return access.id


def correlations(
    session: Session, principal: Principal, *, collection: str, stix_id: str, correlation_limit: int = DEFAULT_LIMIT
) -> ObjectCorrelations:
    """The values an object mentions and, for each, the other readable records that mention it too."""
    collection_id = _visible_object(session, principal, collection, stix_id)
    catch_up(session)
    values = repo.object_values(session, principal, collection_id=collection_id, stix_id=stix_id)
    found: list[tuple[str, str, list[repo.RecordRow]]] = []
    for kind, value in values[:MAX_VALUES]:
        rows = repo.records_mentioning(session, principal, [Observable(kind, value).key], limit=correlation_limit + 1)
        found.append((kind, value, rows))
    others = [r for _, _, rows in found if len(rows) <= correlation_limit for r in rows]
    objects = repo.objects_by_row(session, principal, (r.row_id for r in others))
    describer = _Describer(session)
    describer.load_markings(o.audience_id for o in objects.values())
    result = []
    for kind, value, rows in found:
        over = len(rows) > correlation_limit
        listed = [] if over else [r for r in rows if (r.collection_id, r.stix_id) != (collection_id, stix_id)]
        records = [describer.record(objects[r.row_id]) for r in listed if r.row_id in objects]
        result.append(ValueCorrelation(kind=kind, value=value, count=len(rows), over_correlating=over, records=records))
    _audited(session, principal, (r for v in result for r in v.records), "correlations")
    return ObjectCorrelations(
        stix_id=stix_id,
        collection=collection,
        limit=correlation_limit,
        values=result,
        truncated=len(values) > MAX_VALUES,
    )


def sightings(
    session: Session, principal: Principal, *, collection: str, stix_id: str, limit: int = 100
) -> list[SightingRead]:
    """Readable sightings of an object (through ``sighting_of_ref`` or ``observed_data_refs``), newest first."""
    _visible_object(session, principal, collection, stix_id)
    catch_up(session)
    links = repo.sighting_links(session, principal, stix_id, limit=limit)
    objects = repo.objects_by_row(session, principal, (link.sighting_row_id for link in links))
    seen: set[tuple[int, str]] = set()
    kept = []
    for link in links:
        if link.sighting_row_id in objects and (link.collection_id, link.sighting_id) not in seen:
            seen.add((link.collection_id, link.sighting_id))
            kept.append(link)
    where_refs = {ref for link in kept for ref in _where_sighted(objects[link.sighting_row_id].document)}
    places = repo.newest_readable(session, principal, where_refs)
    describer = _Describer(session)
    describer.load_markings(o.audience_id for o in objects.values())
    found = [
        SightingRead(
            sighting=describer.record(objects[link.sighting_row_id]),
            role=link.role,
            count=link.count,
            first_seen=format_micros(link.first_seen) if link.first_seen is not None else None,
            last_seen=format_micros(link.last_seen) if link.last_seen is not None else None,
            where_sighted=[
                display_name(places[ref].document) or ref
                for ref in _where_sighted(objects[link.sighting_row_id].document)
                if ref in places
            ],
        )
        for link in kept
    ]
    _audited(session, principal, (s.sighting for s in found), "sightings")
    return found


def _where_sighted(document: str) -> list[str]:
    refs = _loads(document).get("where_sighted_refs")
    return [r for r in refs if isinstance(r, str)] if isinstance(refs, list) else []


def describe(session: Session, principal: Principal, stix_ids: Iterable[str]) -> dict[str, RecordRead]:
    """The newest readable version of each of these objects, by STIX id (ids the principal cannot read are absent)."""
    rows = repo.newest_readable(session, principal, stix_ids)
    records = _Describer(session).records(rows.values())
    _audited(session, principal, records, "references")
    return {r.stix_id: r for r in records}
