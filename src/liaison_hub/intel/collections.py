"""Collections (TAXII 2.1 section 5.2): created and changed by admins; ``can_read`` / ``can_write`` per principal.

Any principal with the ``read`` scope reads a collection (and sees in it only what the policy allows); writing
needs the ``write`` scope and one of the collection's ``write_roles``. A collection the principal can neither read
nor write does not exist for it (404).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy.orm import Session

from liaison_hub.audit.service import record, record_per_audience
from liaison_hub.db.types import utcnow
from liaison_hub.errors import Conflict, Forbidden, NotFound
from liaison_hub.intel import bookkeeping
from liaison_hub.intel import repository as repo
from liaison_hub.intel.definitions import reference_objects
from liaison_hub.intel.ingest import Ingest
from liaison_hub.intel.markings import Facets
from liaison_hub.intel.schemas import CollectionAccess, CollectionCreate, CollectionUpdate, DefaultMarking
from liaison_hub.models.intel import IntelCollection
from liaison_hub.policy import audience_for
from liaison_hub.policy.levels import TLP, Level, parse_classification
from liaison_hub.policy.principal import Actor, Principal, Scope
from liaison_hub.policy.rights import may_write, require_admin, require_cleared
from liaison_hub.policy.schemas import MarkingIn, resolve_marking

CLEAR = Facets(tlp=TLP.clear, classification="NU")


def _require_admin(actor: Actor) -> None:
    require_admin(actor, what="manage collections")


def collection_access(principal: Principal, collection: IntelCollection) -> CollectionAccess:
    """The collection as this principal sees it, with its TAXII ``can_read`` / ``can_write``."""
    can_write = _may_write(principal, collection.write_roles)
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


def _may_write(principal: Principal, write_roles: Iterable[str]) -> bool:
    return may_write(principal, write_roles)


def upload_marking(session: Session, spec: DefaultMarking, actor: Actor, accreditation: Level) -> Facets:
    """The marking a writer chose for one upload (objects without a marking, and facets theirs leave open); checked
    like a collection's default, and again (clearance, accreditation) for every marking the upload stores."""
    require_cleared(actor.principal, parse_classification(spec.classification).rank)
    return Facets.from_json(_default_facets(session, spec, actor, accreditation))


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


def delete_collection(session: Session, actor: Actor, *, collection: str) -> int:
    """Delete a collection with every version stored in it, their correlation rows and its status resources
    (admins). Returns how many of the deleted versions the admin may read: the versions they may not read go too,
    but their number is not returned (a count is a disclosure); the audit trail counts them in one entry per
    marking, which only readers of that marking see. The hub's own command line is told the whole number."""
    _require_admin(actor)
    row = repo.get_collection(session, collection)
    if row is None:
        raise NotFound(f"no collection {collection!r}")
    repo.lock_collection(session, row.id)
    principal = actor.principal
    readable = repo.count_versions(session, row.id, principal)
    per_audience = bookkeeping.versions_by_audience(session, row.id)
    repo.delete_collection(session, row.id)
    record(
        session,
        actor,
        action="intel.collection.delete",
        entity_type="intel_collection",
        entity_id=row.taxii_id,
        details={"title": row.title, "alias": row.alias},
    )
    record_per_audience(
        session,
        actor,
        action="intel.collection.delete.versions",
        entity_type="intel_collection",
        entity_id=row.taxii_id,
        per_audience={a: {"versions_deleted": n} for a, n in per_audience.items()},
    )
    return readable


def list_collections(session: Session, principal: Principal) -> list[CollectionAccess]:
    """The collections this principal can read or write (TAXII 2.1 section 5.1)."""
    access = [collection_access(principal, c) for c in repo.list_collections(session)]
    return [a for a in access if a.can_read or a.can_write]


def resolve(session: Session, principal: Principal, ref: str) -> tuple[IntelCollection, CollectionAccess]:
    row = repo.get_collection(session, ref)
    access = collection_access(principal, row) if row is not None else None
    if row is None or access is None or not (access.can_read or access.can_write):
        raise NotFound(f"no collection {ref!r}")
    return row, access


def readable_id(session: Session, principal: Principal, ref: str) -> int:
    """The id of a collection the principal may read, as ``resolve`` decides, from two columns (every TAXII read
    asks): 404 for a collection it can neither read nor write, 403 for one it may only write."""
    found = repo.collection_roles(session, ref)
    if found is None:
        raise NotFound(f"no collection {ref!r}")
    collection_id, write_roles = found
    if Scope.read not in principal.scopes:
        if _may_write(principal, write_roles):
            raise Forbidden("you may not read this collection")
        raise NotFound(f"no collection {ref!r}")
    return collection_id


def get_collection(session: Session, principal: Principal, ref: str) -> CollectionAccess:
    return resolve(session, principal, ref)[1]
