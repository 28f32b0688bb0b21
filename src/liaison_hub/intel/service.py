"""Intel services: collections, ingest, reads and deletes of STIX objects. Services flush, never commit.

The API other modules use (TAXII, CLI, web, correlation, federation):

- ``create_collection(session, actor, *, data, accreditation)`` / ``update_collection(...)`` /
  ``delete_collection(session, actor, *, collection)`` (admins);
  ``list_collections(session, principal)`` and ``get_collection(session, principal, ref)`` give
  ``CollectionAccess`` with ``can_read`` / ``can_write`` for that principal (ref: TAXII id or alias).
- ``ingest(session, actor, *, collection, objects, accreditation, ...) -> IngestResult``: any iterable of dicts,
  consumed in batches of 1,000 (bounded memory: pass a generator, ``keep_successes=False`` and ``max_failures``
  for big imports: the counts stay exact, only the first ``max_failures`` refusals are kept with their reasons);
  refused objects are in ``result.failures`` with a reason. One audit entry per call.
- ``submit(...) -> StatusRead``: ``ingest`` plus a persisted TAXII status resource; ``get_status(...)``.
- ``list_objects`` / ``get_object`` (-> DocumentPage: the stored documents as UTF-8 bytes) and ``manifest`` /
  ``list_versions`` (-> ObjectPage: rows without documents) (session, principal, *, collection, [stix_id,]
  filters: ObjectFilters, page: PageRequest): keyset pages of what the principal may read;
  ``latest_version(...) -> StoredRow``: the newest readable version of one object with its document.
- ``delete_object(session, actor, *, collection, stix_id, filters) -> int`` (owners and admins).
- ``register_batch_hook(hook)``: ``hook(session, stored: Sequence[StoredObject])`` runs after each stored batch,
  in the same transaction. Every stored batch is also queued (``intel_index_queue``) for the correlation index,
  which ``intel.correlation`` fills after the commit.

Who may do what: any principal with the ``read`` scope reads a collection (``can_read``) and sees in it only the
objects the policy lets it see; writing (``can_write``) needs the ``write`` scope and one of the collection's
``write_roles`` (default admin, liaison officer, analyst). A collection the principal can neither read nor write
does not exist for it (404).
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import replace

from sqlalchemy.orm import Session

from liaison_hub.audit.service import Entry, record_all, record_per_audience
from liaison_hub.db.maintenance import analyze_if_grown, engine_of
from liaison_hub.db.types import utcnow, utf8
from liaison_hub.errors import Forbidden, InvalidInput, NotFound
from liaison_hub.intel import bookkeeping
from liaison_hub.intel import repository as repo
from liaison_hub.intel.bookkeeping import version_flags
from liaison_hub.intel.collections import (
    collection_access,
    create_collection,
    delete_collection,
    get_collection,
    list_collections,
    readable_id,
    resolve,
    update_collection,
    upload_marking,
)
from liaison_hub.intel.ingest import Ingest, register_batch_hook, unregister_batch_hook
from liaison_hub.intel.schemas import (
    BATCH_SIZE,
    DefaultMarking,
    DocumentPage,
    DocumentRow,
    IngestResult,
    ObjectFilters,
    ObjectPage,
    PageRequest,
    Position,
    StatusRead,
    StoredRow,
)
from liaison_hub.intel.stix import format_added, micros_of
from liaison_hub.models.intel import IngestStatus
from liaison_hub.policy import rights
from liaison_hub.policy.levels import Level
from liaison_hub.policy.principal import Actor, Principal

__all__ = [
    "BATCH_SIZE",
    "audit_reads",
    "audit_rows",
    "collection_access",
    "create_collection",
    "delete_collection",
    "delete_object",
    "get_collection",
    "get_object",
    "get_status",
    "ingest",
    "latest_version",
    "list_collections",
    "list_objects",
    "list_versions",
    "manifest",
    "register_batch_hook",
    "submit",
    "unregister_batch_hook",
    "update_collection",
]


GROWN_BY_INGEST = ("stix_object",)


def ingest(
    session: Session,
    actor: Actor,
    *,
    collection: str,
    objects: Iterable[object],
    accreditation: Level,
    owner_organisation_id: int | None = None,
    keep_successes: bool = False,
    batch_size: int = BATCH_SIZE,
    max_failures: int | None = None,
    default_marking: DefaultMarking | None = None,
) -> IngestResult:
    """Store STIX objects in a collection (see the module docstring); one audit entry with the counts.
    ``default_marking`` replaces the collection's default for this ingest (the writer's choice on upload)."""
    row, access = resolve(session, actor.principal, collection)
    if not access.can_write:
        raise Forbidden("you may not write to this collection")
    chosen = upload_marking(session, default_marking, actor, accreditation) if default_marking is not None else None
    owner = owner_organisation_id if owner_organisation_id is not None else actor.principal.organisation_id
    if owner != actor.principal.organisation_id and actor.principal.kind != "system":
        raise Forbidden("objects are owned by your own organisation")
    result = Ingest(
        session,
        actor,
        row,
        accreditation=accreditation,
        owner_organisation_id=owner,
        keep_successes=keep_successes,
        max_failures=max_failures,
        default_marking=chosen,
    ).run(objects, batch_size)
    if result.stored:
        analyze_if_grown(engine_of(session), GROWN_BY_INGEST)
    stored = result.per_audience()
    entries = [Entry("intel.ingest", "intel_collection", row.taxii_id, {"refused": result.refused})]
    entries += [Entry("intel.ingest.stored", "intel_collection", row.taxii_id, stored[a], a) for a in sorted(stored)]
    released = result.released_by_audience
    entries += [
        Entry("intel.ingest.released", "intel_collection", row.taxii_id, {"released": released[a]}, a)
        for a in sorted(released)
    ]
    record_all(session, actor, entries)
    return result


def submit(
    session: Session, actor: Actor, *, collection: str, objects: Sequence[object], accreditation: Level
) -> StatusRead:
    """Ingest one TAXII envelope and persist its status resource (TAXII 2.1 sections 5.5 and 4.3)."""
    requested = utcnow()
    result = ingest(
        session, actor, collection=collection, objects=objects, accreditation=accreditation, keep_successes=True
    )
    row = repo.get_collection(session, collection)
    assert row is not None
    status = IngestStatus(
        id=str(uuid.uuid4()),
        collection_id=row.id,
        requested_by=actor.principal.username,
        status="complete",
        request_timestamp=requested,
        total_count=result.total,
        success_count=result.succeeded,
        failure_count=result.refused,
        pending_count=0,
        successes=[_detail(o.id, o.version, o.message) for o in result.successes],
        failures=[_detail(o.id, o.version, o.message) for o in result.failures],
    )
    repo.add_status(session, status)
    return _status_read(status)


def _detail(stix_id: str, version: str, message: str | None) -> dict[str, str]:
    detail = {"id": stix_id, "version": version}
    if message:
        detail["message"] = message
    return detail


def _status_read(status: IngestStatus) -> StatusRead:
    return StatusRead(
        id=status.id,
        status=status.status,
        request_timestamp=format_added(micros_of(status.request_timestamp)),
        total_count=status.total_count,
        success_count=status.success_count,
        failure_count=status.failure_count,
        pending_count=status.pending_count,
        successes=list(status.successes),
        failures=list(status.failures),
    )


def get_status(session: Session, principal: Principal, *, status_id: str) -> StatusRead:
    """A status resource, for the principal that made the request alone (it lists the ids it sent, stored or not);
    404 for anyone else, administrators included."""
    status = repo.get_status(session, status_id)
    if status is None or status.requested_by != principal.username:
        raise NotFound(f"no status {status_id!r}")
    return _status_read(status)


def _page(rows: list[StoredRow], page: PageRequest) -> ObjectPage:
    """The first ``limit`` of ``limit + 1`` rows in ``date_added`` order, and whether there are more."""
    more = len(rows) > page.limit
    rows = rows[: page.limit]
    if not rows:
        return ObjectPage(rows=rows, more=more, last=None)
    last = Position(rows[-1].date_added)
    return ObjectPage(rows=rows, more=more, last=last, first_added=rows[0].date_added, last_added=last.key)


def _document_page(rows: list[DocumentRow], page: PageRequest) -> DocumentPage:
    """``_page`` for pages of objects: the documents and audited ids as lists, the position from the last row."""
    more = len(rows) > page.limit
    rows = rows[: page.limit]
    if not rows:
        return DocumentPage((), (), more=more, last=None)
    first, last = rows[0], rows[-1]
    documents = utf8([row[0] for row in rows])
    audited = [(row[1], row[4]) for row in rows if row[1] is not None and row[4] is not None]
    return DocumentPage(documents, audited, more=more, last=Position(last[2]), first_added=first[2], last_added=last[2])


def _check_page(page: PageRequest) -> None:
    if page.limit < 1:
        raise InvalidInput("limit must be a positive integer")


def audit_reads(session: Session, principal: Principal, audited: Iterable[tuple[str, int]], *, via: str) -> None:
    """Reads of TLP:AMBER+STRICT and TLP:RED objects (their documents, or their ids and versions in a manifest, a
    version list, a search, a correlation or an export) are audited: one entry per response and marking, naming
    each such object once; ``via`` says which read it was."""
    by_audience: dict[int, set[str]] = {}
    for stix_id, audience_id in audited:
        by_audience.setdefault(audience_id, set()).add(stix_id)
    entries = []
    for audience_id, found in sorted(by_audience.items()):
        ids = sorted(found)
        entries.append(Entry("intel.read", "stix_object", ids[0], {"via": via, "objects": ids}, audience_id))
    record_all(session, Actor(principal, source="read"), entries)


def audit_rows(session: Session, principal: Principal, rows: Iterable[tuple[str, int]], *, via: str) -> None:
    """``audit_reads`` for (STIX id, audience) pairs of any marking: only the audited markings are kept."""
    listed = list(rows)
    sensitive = repo.audited_audiences(session, {audience_id for _, audience_id in listed})
    audit_reads(session, principal, [(s, a) for s, a in listed if a in sensitive], via=via)


def _audit_versions(session: Session, principal: Principal, page: ObjectPage, via: str) -> None:
    audit_rows(session, principal, ((r.stix_id, r.audience_id) for r in page.rows), via=via)


def list_objects(
    session: Session, principal: Principal, *, collection: str, filters: ObjectFilters, page: PageRequest
) -> DocumentPage:
    """A page of the objects the principal may read, in ``date_added`` order (TAXII 2.1 section 5.4)."""
    _check_page(page)
    collection_id = readable_id(session, principal, collection)
    rows = repo.page_documents(session, principal, collection_id=collection_id, filters=filters, page=page)
    result = _document_page(rows, page)
    audit_reads(session, principal, result.audited, via="objects")
    return result


def manifest(
    session: Session, principal: Principal, *, collection: str, filters: ObjectFilters, page: PageRequest
) -> ObjectPage:
    """Like ``list_objects`` without the documents (TAXII 2.1 section 5.3)."""
    _check_page(page)
    collection_id = readable_id(session, principal, collection)
    rows = repo.page_versions_by_added(session, principal, collection_id=collection_id, filters=filters, page=page)
    result = _page(rows, page)
    _audit_versions(session, principal, result, "manifest")  # it names sensitive objects and their versions
    return result


def _visible_object(session: Session, principal: Principal, collection: str, stix_id: str) -> int:
    """The collection's id, once the principal may read at least one version of the object in it."""
    collection_id = readable_id(session, principal, collection)
    if not repo.any_visible(session, principal, collection_id=collection_id, stix_id=stix_id):
        raise NotFound(f"no object {stix_id!r} in this collection")
    return collection_id


def get_object(
    session: Session, principal: Principal, *, collection: str, stix_id: str, filters: ObjectFilters, page: PageRequest
) -> DocumentPage:
    """Versions of one object (TAXII 2.1 section 5.6); 404 alike for a missing and an invisible object."""
    _check_page(page)
    collection_id = _visible_object(session, principal, collection, stix_id)
    scoped = replace(filters, ids=(stix_id,))
    rows = repo.page_documents(session, principal, collection_id=collection_id, filters=scoped, page=page)
    result = _document_page(rows, page)
    audit_reads(session, principal, result.audited, via="object")
    return result


def latest_version(session: Session, principal: Principal, *, collection: str, stix_id: str) -> StoredRow:
    """The newest version of one object the principal may read, with its document (an object page's heading);
    404 alike for a missing and an invisible object. Audited like a read through TAXII."""
    collection_id = _visible_object(session, principal, collection, stix_id)
    last = ObjectFilters(versions=("last",))
    rows = repo.page_by_version(
        session,
        principal,
        collection_id=collection_id,
        stix_id=stix_id,
        filters=last,
        page=PageRequest(limit=1),
        with_document=True,
    )
    if not rows:
        raise NotFound(f"no object {stix_id!r} in this collection")
    _audit_versions(session, principal, ObjectPage(rows[:1], more=False, last=None), "latest version")
    return rows[0]


def list_versions(
    session: Session, principal: Principal, *, collection: str, stix_id: str, filters: ObjectFilters, page: PageRequest
) -> ObjectPage:
    """The versions of one object the principal may read, oldest first (TAXII 2.1 section 5.8)."""
    _check_page(page)
    collection_id = _visible_object(session, principal, collection, stix_id)
    scoped = replace(filters, versions=("all",))
    rows = repo.page_by_version(
        session, principal, collection_id=collection_id, stix_id=stix_id, filters=scoped, page=page
    )
    result = _page(rows, page)
    if result.rows:  # a version list is in version order: keyed by version, and its dates added are in any order
        added = [r.date_added for r in result.rows]
        last = Position(result.rows[-1].version, result.rows[-1].date_added)
        result = replace(result, last=last, first_added=min(added), last_added=max(added))
    _audit_versions(session, principal, result, "versions")
    return result


def delete_object(session: Session, actor: Actor, *, collection: str, stix_id: str, filters: ObjectFilters) -> int:
    """Delete the matching versions (TAXII 2.1 section 5.7): your organisation's, or any you can read if admin."""
    principal = actor.principal
    row, access = resolve(session, principal, collection)
    if not access.can_write:
        raise Forbidden("you may not write to this collection")
    matches = repo.deletable(session, principal, collection_id=row.id, stix_id=stix_id, filters=filters)
    if not matches:
        raise NotFound(f"no object {stix_id!r} in this collection")
    owned = [(rid, audience_id) for rid, owner, audience_id in matches if rights.owns(principal, owner)]
    if not owned:
        raise Forbidden("only the organisation that shared a version (or an administrator) may delete it")
    repo.lock_collection(session, row.id)
    deleted = repo.delete_rows(session, [rid for rid, _ in owned])
    _refresh_flags(session, row.id, stix_id)
    record_per_audience(
        session,
        actor,
        action="intel.delete",
        entity_type="stix_object",
        entity_id=stix_id,
        per_audience={
            a: {"collection": row.taxii_id, "versions_deleted": n} for a, n in Counter(a for _, a in owned).items()
        },
    )
    return deleted


def _refresh_flags(session: Session, collection_id: int, stix_id: str) -> None:
    rows = bookkeeping.existing_versions(session, collection_id, [stix_id])
    flags = version_flags((r[1], r[2], r[3]) for r in rows)
    repo.update_flags(session, bookkeeping.flag_changes(((r, r[3]) for r in rows), flags))
