"""What the web pages of intel show: a collection's objects with filters, and one object with its versions,
marking, correlations and sightings, always as the viewer may read them."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from liaison_hub.errors import InvalidInput, NotFound
from liaison_hub.intel import service as intel
from liaison_hub.intel.browse import repository as repo
from liaison_hub.intel.correlation import repository as index
from liaison_hub.intel.correlation import service as correlation
from liaison_hub.intel.correlation.normalise import candidates
from liaison_hub.intel.correlation.schemas import ObjectCorrelations, RecordRead, SightingRead
from liaison_hub.intel.schemas import CollectionAccess, ObjectFilters, PageRequest, Position
from liaison_hub.intel.stix import format_added, format_micros
from liaison_hub.models import Audience
from liaison_hub.policy.levels import parse_tlp
from liaison_hub.policy.principal import Principal
from liaison_hub.policy.schemas import MarkingRead, marking_read

PAGE = 50


@dataclass(frozen=True)
class Listed:
    stix_id: str
    type: str
    name: str | None
    modified: str
    date_added: str
    marking: MarkingRead
    audience_id: int


@dataclass(frozen=True)
class ObjectList:
    collection: CollectionAccess
    objects: list[Listed]
    types: list[str]
    next_before: str | None
    newer_after: str | None = None


@dataclass(frozen=True)
class Version:
    modified: str
    date_added: str
    marking: MarkingRead
    audience_id: int


@dataclass(frozen=True)
class ObjectDetail:
    collection: CollectionAccess
    stix_id: str
    type: str
    name: str | None
    document: str
    marking: MarkingRead
    audience_id: int
    versions: list[Version]
    correlations: ObjectCorrelations
    sightings: list[SightingRead]
    references: dict[str, RecordRead] = field(default_factory=dict)

    @property
    def audience_ids(self) -> set[int]:
        """Every marked record on the page, for the classification banner."""
        ids = {self.audience_id, *(v.audience_id for v in self.versions)}
        ids |= {r.audience_id for value in self.correlations.values for r in value.records}
        ids |= {s.sighting.audience_id for s in self.sightings}
        return ids | {r.audience_id for r in self.references.values()}


def _position(before: str | None) -> Position | None:
    if not before:
        return None
    try:
        return Position(int(before))
    except ValueError:
        raise InvalidInput("the page position must be the value of an 'older' or 'newer' link") from None


def markings(session: Session, audience_ids: Iterable[int]) -> dict[int, MarkingRead]:
    found = index.audiences(session, audience_ids)
    owners = {a.owner_organisation_id for a in found.values() if a.owner_organisation_id is not None}
    names = index.organisation_names(session, owners | {r for a in found.values() for r in a.recipients})
    return {i: marking_read(a, names) for i, a in found.items()}


def audiences(session: Session, ids: Iterable[int]) -> list[Audience]:
    """Audience rows for the classification banner of a page."""
    return list(index.audiences(session, ids).values())


def list_objects(
    session: Session,
    principal: Principal,
    *,
    collection: str,
    type: str | None = None,
    query: str | None = None,
    tlp: str | None = None,
    before: str | None = None,
    after: str | None = None,
) -> ObjectList:
    """A page of the latest readable versions in a collection, newest first, filtered by type, marking and a search
    text (matched in the JSON, and as an observable value in every form it may take)."""
    access = intel.get_collection(session, principal, collection)
    if not access.can_read:
        raise NotFound(f"no collection {collection!r}")
    query = (query or "").strip()
    if query:  # the search also looks a value up in the correlation index: bring it up to date first
        correlation.catch_up(session)
    rows = repo.page_objects(
        session,
        principal,
        collection_id=access.id,
        types=[type] if type else [],
        tlp=parse_tlp(tlp).value if tlp else None,
        text=query or None,
        value_keys=[c.key for c in candidates(query)] if query else [],
        before=_position(before),
        after=_position(after),
        limit=PAGE,
    )
    more, rows = len(rows) > PAGE, rows[:PAGE]
    if after:  # the page just newer than ``after``, read oldest first: shown newest first like every page
        rows.reverse()
    reads = markings(session, (r.audience_id for r in rows))
    objects = [
        Listed(
            stix_id=r.stix_id,
            type=r.type,
            name=correlation.display_name(r.document),
            modified=format_micros(r.version) if r.version else "",
            date_added=format_added(r.date_added),
            marking=reads[r.audience_id],
            audience_id=r.audience_id,
        )
        for r in rows
    ]
    intel.audit_rows(session, principal, ((o.stix_id, o.audience_id) for o in objects), via="object list")
    older = (more and not after) or bool(after)
    next_before = str(rows[-1].date_added) if older and rows else None
    newer = (more and bool(after)) or bool(before)
    newer_after = str(rows[0].date_added) if newer and rows else None
    types = repo.types_in(session, principal, collection_id=access.id)
    return ObjectList(access, objects, types, next_before=next_before, newer_after=newer_after)


def object_detail(
    session: Session, principal: Principal, *, collection: str, stix_id: str, correlation_limit: int
) -> ObjectDetail:
    """One object as the viewer may read it: newest readable version, versions, correlations, sightings."""
    access = intel.get_collection(session, principal, collection)
    row = intel.latest_version(session, principal, collection=collection, stix_id=stix_id)
    versions = intel.list_versions(
        session,
        principal,
        collection=collection,
        stix_id=stix_id,
        filters=ObjectFilters(versions=("all",)),
        page=PageRequest(limit=200),
    ).rows
    reads = markings(session, {row.audience_id, *(v.audience_id for v in versions)})
    document = json.loads(row.document)
    refs = [r for key in ("sighting_of_ref", "where_sighted_refs", "observed_data_refs") for r in _refs(document, key)]
    return ObjectDetail(
        collection=access,
        stix_id=stix_id,
        type=row.type,
        name=correlation.display_name(row.document),
        document=json.dumps(document, indent=2, ensure_ascii=False),
        marking=reads[row.audience_id],
        audience_id=row.audience_id,
        versions=[
            Version(
                format_micros(v.version) if v.version else "",
                format_added(v.date_added),
                reads[v.audience_id],
                v.audience_id,
            )
            for v in versions
        ],
        correlations=correlation.correlations(
            session, principal, collection=collection, stix_id=stix_id, correlation_limit=correlation_limit
        ),
        sightings=correlation.sightings(session, principal, collection=collection, stix_id=stix_id),
        references=correlation.describe(session, principal, refs),
    )


def _refs(document: dict[str, object], key: str) -> list[str]:
    value = document.get(key)
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


SEARCHED = 500


def search_text(session: Session, principal: Principal, *, text: str, limit: int = PAGE) -> list[RecordRead]:
    """Readable objects (newest readable version) whose name, description, value or pattern contains ``text``,
    newest first, across the collections the principal may read."""
    wanted = text.strip().lower()
    if not wanted:
        return []
    found: list[tuple[int, RecordRead]] = []
    for access in intel.list_collections(session, principal):
        rows = repo.page_objects(session, principal, collection_id=access.id, text=wanted, limit=SEARCHED)
        reads = markings(session, {r.audience_id for r in rows})
        for row in rows:
            document = json.loads(row.document)
            fields = (document.get(k) for k in ("name", "description", "value", "pattern", "aliases"))
            if any(wanted in str(value).lower() for value in fields if value):
                record = RecordRead(
                    collection=access.alias or access.taxii_id,
                    collection_title=access.title,
                    stix_id=row.stix_id,
                    type=row.type,
                    name=correlation.display_name(row.document),
                    marking=reads[row.audience_id],
                    audience_id=row.audience_id,
                )
                found.append((row.date_added, record))
    found.sort(key=lambda pair: pair[0], reverse=True)
    records = [record for _, record in found[:limit]]
    intel.audit_rows(session, principal, ((r.stix_id, r.audience_id) for r in records), via="text search")
    return records
