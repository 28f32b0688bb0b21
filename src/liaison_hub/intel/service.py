"""Intel services: collections, ingest, reads and deletes of STIX objects. Services flush, never commit.

The API other modules use (TAXII, CLI, web, correlation, federation):

- ``create_collection(session, actor, *, data, accreditation)`` / ``update_collection(...)`` (admins);
  ``list_collections(session, principal)`` and ``get_collection(session, principal, ref)`` give
  ``CollectionAccess`` with ``can_read`` / ``can_write`` for that principal (ref: TAXII id or alias).
- ``ingest(session, actor, *, collection, objects, accreditation, ...) -> IngestResult``: any iterable of dicts,
  consumed in batches of 1,000 (bounded memory: pass a generator and ``keep_successes=False`` for big imports);
  refused objects are in ``result.failures`` with a reason. One audit entry per call.
- ``submit(...) -> StatusRead``: ``ingest`` plus a persisted TAXII status resource; ``get_status(...)``.
- ``list_objects`` / ``manifest`` / ``get_object`` / ``list_versions`` (session, principal, *, collection,
  [stix_id,] filters: ObjectFilters, page: PageRequest) -> ObjectPage: keyset pages of what the principal may read.
- ``delete_object(session, actor, *, collection, stix_id, filters) -> int`` (owners and admins).
- ``register_batch_hook(hook)``: ``hook(session, stored: Sequence[StoredObject])`` runs after each stored batch,
  in the same transaction (the place for observable extraction and correlation).

Who may do what: any principal with the ``read`` scope reads a collection (``can_read``) and sees in it only the
objects the policy lets it see; writing (``can_write``) needs the ``write`` scope and one of the collection's
``write_roles`` (default admin, liaison officer, analyst). A collection the principal can neither read nor write
does not exist for it (404).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import replace

from sqlalchemy.orm import Session

from liaison_hub.audit.service import record
from liaison_hub.db.types import utcnow
from liaison_hub.errors import Conflict, Forbidden, InvalidInput, NotFound
from liaison_hub.intel import repository as repo
from liaison_hub.intel.definitions import reference_objects
from liaison_hub.intel.ingest import BATCH_SIZE, Ingest, register_batch_hook, unregister_batch_hook, version_flags
from liaison_hub.intel.markings import Facets
from liaison_hub.intel.schemas import (
    CollectionAccess,
    CollectionCreate,
    CollectionUpdate,
    DefaultMarking,
    IngestResult,
    ObjectFilters,
    ObjectPage,
    PageRequest,
    Position,
    StatusRead,
    StoredRow,
)
from liaison_hub.intel.stix import format_added, micros_of
from liaison_hub.models.intel import IngestStatus, IntelCollection
from liaison_hub.policy import audience_for
from liaison_hub.policy.levels import TLP, Level
from liaison_hub.policy.principal import Actor, Principal, Role, Scope
from liaison_hub.policy.schemas import MarkingIn, resolve_marking

CLEAR = Facets(tlp=TLP.clear, classification="NU", releasable_to=())

__all__ = [
    "BATCH_SIZE",
    "collection_access",
    "create_collection",
    "delete_object",
    "get_collection",
    "get_object",
    "get_status",
    "ingest",
    "list_collections",
    "list_objects",
    "list_versions",
    "manifest",
    "register_batch_hook",
    "submit",
    "unregister_batch_hook",
    "update_collection",
]


def _require_admin(actor: Actor) -> None:
    if not actor.principal.is_admin:
        raise Forbidden("managing collections needs the admin role and the admin scope")


def collection_access(principal: Principal, collection: IntelCollection) -> CollectionAccess:
    """The collection as this principal sees it, with its TAXII ``can_read`` / ``can_write``."""
    can_write = Scope.write in principal.scopes and any(principal.has_role(r) for r in _roles(collection))
    return CollectionAccess(
        id=collection.id,
        taxii_id=collection.taxii_id,
        alias=collection.alias,
        title=collection.title,
        description=collection.description,
        can_read=Scope.read in principal.scopes,
        can_write=can_write,
        default_marking=dict(collection.default_marking),
        write_roles=tuple(collection.write_roles),
    )


def _roles(collection: IntelCollection) -> list[Role]:
    return [Role(r) for r in collection.write_roles]


def _default_facets(session: Session, spec: DefaultMarking, actor: Actor, accreditation: Level) -> dict[str, object]:
    """Check a collection's default marking against the directory and the accreditation; store it as facets."""
    marking = resolve_marking(
        session, MarkingIn(**spec.model_dump()), owner_organisation_id=actor.principal.organisation_id
    )
    audience_for(session, marking, accreditation=accreditation)
    facets = Facets(
        tlp=marking.tlp,
        classification=marking.classification,
        releasable_to=marking.releasable_to,
        recipients=tuple(sorted(name.upper() for name in spec.recipients)),
    )
    return facets.to_json()


def create_collection(
    session: Session, actor: Actor, *, data: CollectionCreate, accreditation: Level
) -> IntelCollection:
    """Create a collection (admins); it starts with the hub's marking definitions unless told otherwise."""
    _require_admin(actor)
    if data.alias and repo.get_collection(session, data.alias) is not None:
        raise Conflict(f"a collection with alias {data.alias!r} already exists")
    collection = IntelCollection(
        taxii_id=str(uuid.uuid4()),
        alias=data.alias,
        title=data.title,
        description=data.description,
        default_marking=_default_facets(session, data.default_marking, actor, accreditation),
        write_roles=[r.value for r in data.write_roles],
        last_added=0,
        created_at=utcnow(),
    )
    session.add(collection)
    session.flush()
    record(
        session,
        actor,
        action="intel.collection.create",
        entity_type="intel_collection",
        entity_id=collection.taxii_id,
        details={"title": collection.title, "alias": collection.alias},
    )
    if data.with_definitions:
        Ingest(
            session,
            actor,
            collection,
            accreditation=accreditation,
            owner_organisation_id=actor.principal.organisation_id,
            keep_successes=False,
            default_marking=CLEAR,
        ).run(reference_objects())
    return collection


def update_collection(
    session: Session, actor: Actor, *, collection: str, data: CollectionUpdate, accreditation: Level
) -> IntelCollection:
    _require_admin(actor)
    row = repo.get_collection(session, collection)
    if row is None:
        raise NotFound(f"no collection {collection!r}")
    if data.title is not None:
        row.title = data.title
    if data.description is not None:
        row.description = data.description
    if data.default_marking is not None:
        row.default_marking = _default_facets(session, data.default_marking, actor, accreditation)
    if data.write_roles is not None:
        row.write_roles = [r.value for r in data.write_roles]
    session.flush()
    record(
        session,
        actor,
        action="intel.collection.update",
        entity_type="intel_collection",
        entity_id=row.taxii_id,
        details=data.model_dump(exclude_none=True, mode="json"),
    )
    return row


def list_collections(session: Session, principal: Principal) -> list[CollectionAccess]:
    """The collections this principal can read or write (TAXII 2.1 section 5.1)."""
    access = [collection_access(principal, c) for c in repo.list_collections(session)]
    return [a for a in access if a.can_read or a.can_write]


def _collection(session: Session, principal: Principal, ref: str) -> tuple[IntelCollection, CollectionAccess]:
    row = repo.get_collection(session, ref)
    access = collection_access(principal, row) if row is not None else None
    if row is None or access is None or not (access.can_read or access.can_write):
        raise NotFound(f"no collection {ref!r}")
    return row, access


def get_collection(session: Session, principal: Principal, ref: str) -> CollectionAccess:
    return _collection(session, principal, ref)[1]


def _readable(session: Session, principal: Principal, ref: str) -> IntelCollection:
    row, access = _collection(session, principal, ref)
    if not access.can_read:
        raise Forbidden("you may not read this collection")
    return row


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
) -> IngestResult:
    """Store STIX objects in a collection (see the module docstring); one audit entry with the counts."""
    row, access = _collection(session, actor.principal, collection)
    if not access.can_write:
        raise Forbidden("you may not write to this collection")
    owner = owner_organisation_id if owner_organisation_id is not None else actor.principal.organisation_id
    if owner != actor.principal.organisation_id and actor.principal.kind != "system":
        raise Forbidden("objects are owned by your own organisation")
    result = Ingest(
        session, actor, row, accreditation=accreditation, owner_organisation_id=owner, keep_successes=keep_successes
    ).run(objects, batch_size)
    record(
        session,
        actor,
        action="intel.ingest",
        entity_type="intel_collection",
        entity_id=row.taxii_id,
        details=result.summary(),
    )
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
    """A status resource, for the principal that made the request (and admins); 404 for anyone else."""
    status = repo.get_status(session, status_id)
    if status is None or (status.requested_by != principal.username and not principal.is_admin):
        raise NotFound(f"no status {status_id!r}")
    return _status_read(status)


def _page(rows: list[StoredRow], page: PageRequest, *, by_version: bool = False) -> ObjectPage:
    more = len(rows) > page.limit
    rows = rows[: page.limit]
    last = None
    if rows:
        last = Position(rows[-1].version if by_version else rows[-1].date_added, rows[-1].row_id)
    return ObjectPage(rows=rows, more=more, last=last)


def _check_page(page: PageRequest) -> None:
    if page.limit < 1:
        raise InvalidInput("limit must be a positive integer")


def _audit_reads(session: Session, principal: Principal, rows: Sequence[StoredRow]) -> None:
    """Reads of TLP:AMBER+STRICT and TLP:RED objects are audited: one entry per response."""
    sensitive = repo.sensitive_audiences(session, (r.audience_id for r in rows))
    ids = sorted({r.stix_id for r in rows if r.audience_id in sensitive})
    if ids:
        record(
            session,
            Actor(principal, source="read"),
            action="intel.read",
            entity_type="stix_object",
            entity_id=ids[0],
            details={"objects": ids},
        )


def list_objects(
    session: Session, principal: Principal, *, collection: str, filters: ObjectFilters, page: PageRequest
) -> ObjectPage:
    """A page of the objects the principal may read, in ``date_added`` order (TAXII 2.1 section 5.4)."""
    _check_page(page)
    row = _readable(session, principal, collection)
    rows = repo.page_by_added(session, principal, collection_id=row.id, filters=filters, page=page)
    result = _page(rows, page)
    _audit_reads(session, principal, result.rows)
    return result


def manifest(
    session: Session, principal: Principal, *, collection: str, filters: ObjectFilters, page: PageRequest
) -> ObjectPage:
    """Like ``list_objects`` without the documents (TAXII 2.1 section 5.3)."""
    _check_page(page)
    row = _readable(session, principal, collection)
    rows = repo.page_by_added(session, principal, collection_id=row.id, filters=filters, page=page, with_document=False)
    return _page(rows, page)


def _visible_object(session: Session, principal: Principal, collection: str, stix_id: str) -> IntelCollection:
    row = _readable(session, principal, collection)
    if not repo.any_visible(session, principal, collection_id=row.id, stix_id=stix_id):
        raise NotFound(f"no object {stix_id!r} in this collection")
    return row


def get_object(
    session: Session, principal: Principal, *, collection: str, stix_id: str, filters: ObjectFilters, page: PageRequest
) -> ObjectPage:
    """Versions of one object (TAXII 2.1 section 5.6); 404 alike for a missing and an invisible object."""
    _check_page(page)
    row = _visible_object(session, principal, collection, stix_id)
    scoped = replace(filters, ids=(stix_id,))
    result = _page(repo.page_by_added(session, principal, collection_id=row.id, filters=scoped, page=page), page)
    _audit_reads(session, principal, result.rows)
    return result


def list_versions(
    session: Session, principal: Principal, *, collection: str, stix_id: str, filters: ObjectFilters, page: PageRequest
) -> ObjectPage:
    """The versions of one object the principal may read, oldest first (TAXII 2.1 section 5.8)."""
    _check_page(page)
    row = _visible_object(session, principal, collection, stix_id)
    scoped = replace(filters, versions=("all",))
    rows = repo.page_by_version(session, principal, collection_id=row.id, stix_id=stix_id, filters=scoped, page=page)
    return _page(rows, page, by_version=True)


def delete_object(session: Session, actor: Actor, *, collection: str, stix_id: str, filters: ObjectFilters) -> int:
    """Delete the matching versions (TAXII 2.1 section 5.7): your organisation's, or any you can read if admin."""
    principal = actor.principal
    row, access = _collection(session, principal, collection)
    if not access.can_write:
        raise Forbidden("you may not write to this collection")
    matches = repo.deletable(session, principal, collection_id=row.id, stix_id=stix_id, filters=filters)
    if not matches:
        raise NotFound(f"no object {stix_id!r} in this collection")
    owned = [
        rid
        for rid, owner in matches
        if principal.is_admin or (owner is not None and owner == principal.organisation_id)
    ]
    if not owned:
        raise Forbidden("only the organisation that shared a version (or an administrator) may delete it")
    repo.lock_collection(session, row.id)
    deleted = repo.delete_rows(session, owned)
    _refresh_flags(session, row.id, stix_id)
    record(
        session,
        actor,
        action="intel.delete",
        entity_type="stix_object",
        entity_id=stix_id,
        details={"collection": row.taxii_id, "versions_deleted": deleted},
    )
    return deleted


def _refresh_flags(session: Session, collection_id: int, stix_id: str) -> None:
    rows = repo.existing_versions(session, collection_id, [stix_id])
    flags = version_flags((r[1], r[2], r[3]) for r in rows)
    repo.update_flags(
        session,
        [
            {"id": r[0], "is_latest": f[0], "is_first": f[1], "multi_audience": f[2]}
            for r in rows
            if (f := flags[(r[1], r[2], r[3])]) != (r[5], r[6], r[7])
        ],
    )
