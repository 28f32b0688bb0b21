"""The intel store's unfiltered reads: what bookkeeping needs of every stored version, whoever may read it (the
latest/first flags, a batch's row ids, counts for the audit trail kept per marking, the held versions waiting for
marking-definitions and their release). Nothing read here is returned to a principal; every read for a principal
goes through ``policy.readable`` in ``intel.repository``."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from typing import Any, NamedTuple

from sqlalchemy import bindparam, delete, exists, func, insert, select, update
from sqlalchemy.orm import Session

from liaison_hub.db.types import IdList, TextList, in_ids
from liaison_hub.models.intel import HeldObject, HeldReference, MarkingDefinition, StixObject
from liaison_hub.models.intel_correlation import IntelObservable, IntelSightingLink

VersionRow = tuple[int, str, int, int, str, bool, bool, bool]
"""(row id, stix id, version, audience id, digest, is_latest, is_first, multi_audience)"""


_o = StixObject
_EXISTING = select(
    _o.id, _o.stix_id, _o.version, _o.audience_id, _o.digest, _o.is_latest, _o.is_first, _o.multi_audience
).where(_o.collection_id == bindparam("collection_id"), in_ids(_o.stix_id, bindparam("stix_ids", type_=TextList())))


def existing_versions(session: Session, collection_id: int, stix_ids: Iterable[str]) -> list[VersionRow]:
    """Every stored version of these objects, whoever may read them (never shown to anyone). The ids are one bound
    list: a batch's thousand ids as a thousand placeholders took PostgreSQL longer to parse than to answer."""
    params = {"collection_id": collection_id, "stix_ids": list(stix_ids)}
    rows = session.connection().execute(_EXISTING, params).all()
    return [(r[0], r[1], r[2], r[3], r[4], bool(r[5]), bool(r[6]), bool(r[7])) for r in rows]


def row_ids_by_added(session: Session, collection_id: int, first: int, last: int) -> dict[int, int]:
    """Row ids of a just-inserted batch, by their (unique) date_added."""
    o = StixObject
    stmt = select(o.date_added, o.id).where(o.collection_id == collection_id, o.date_added.between(first, last))
    return {int(added): int(row_id) for added, row_id in session.execute(stmt)}


def versions_by_audience(session: Session, collection_id: int) -> dict[int, int]:
    """How many versions a collection holds under each audience (for audit entries written one per marking)."""
    o = StixObject
    stmt = select(o.audience_id, func.count()).where(o.collection_id == collection_id).group_by(o.audience_id)
    return {int(audience_id): int(count) for audience_id, count in session.execute(stmt)}


class HeldRow(NamedTuple):
    """A held version whose marking-definitions are all known now: what its release needs."""

    row_id: int
    stix_id: str
    version: int
    marking_refs: list[str]
    default_marking: dict[str, Any]


def add_held(session: Session, objects: list[dict[str, Any]], references: list[dict[str, Any]]) -> None:
    if objects:
        session.execute(insert(HeldObject), objects)
        session.execute(insert(HeldReference), references)


def defined_held_references(
    session: Session, collection_id: int, scope: str, *, refs: Collection[str] | None, scopes: tuple[str, ...]
) -> list[tuple[int, str]]:
    """(held row, reference) pairs of one writer's scope whose marking-definition is now known: among ``refs`` (just
    registered), or, with ``refs=None``, any registered in ``scopes``."""
    h, r = HeldObject, HeldReference
    stmt = select(r.object_row_id, r.marking_ref).join(h, h.object_row_id == r.object_row_id)
    stmt = stmt.where(h.collection_id == collection_id, h.scope == scope)
    if refs is not None:
        stmt = stmt.where(r.marking_ref.in_(list(refs)))
    else:
        d = MarkingDefinition
        stmt = stmt.where(exists(select(1).where(d.stix_id == r.marking_ref, d.scope.in_(scopes))))
    return [(int(row_id), str(ref)) for row_id, ref in session.execute(stmt)]


def _ids(column: Any, row_ids: Collection[int]) -> in_ids:
    """``column`` among ``row_ids``, bound as one list parameter whatever its length (``db.types.in_ids``)."""
    return in_ids(column, bindparam("row_ids", list(row_ids), type_=IdList()))


def waiting_on(session: Session, row_ids: Collection[int]) -> dict[int, set[str]]:
    """Every marking-definition each of these held versions still waits for."""
    r = HeldReference
    waiting: dict[int, set[str]] = defaultdict(set)
    for row_id, ref in session.execute(select(r.object_row_id, r.marking_ref).where(_ids(r.object_row_id, row_ids))):
        waiting[int(row_id)].add(str(ref))
    return waiting


def drop_held_references(session: Session, row_ids: Collection[int], refs: Collection[str]) -> None:
    r = HeldReference
    if row_ids:
        session.execute(delete(r).where(_ids(r.object_row_id, row_ids), r.marking_ref.in_(list(refs))))


def held_rows(session: Session, row_ids: Collection[int]) -> list[HeldRow]:
    h = HeldObject
    stmt = select(h.object_row_id, h.stix_id, h.version, h.marking_refs, h.default_marking)
    rows = session.execute(stmt.where(_ids(h.object_row_id, row_ids)))
    return [HeldRow(int(a), str(b), int(c), list(d), dict(e)) for a, b, c, d, e in rows]


def remark(session: Session, audience_id: int, row_ids: Collection[int]) -> None:
    """Give released versions, and what the correlation index took from them, the audience their markings give."""
    if not row_ids:
        return
    o, s = IntelObservable, IntelSightingLink
    session.execute(update(StixObject).where(_ids(StixObject.id, row_ids)).values(audience_id=audience_id))
    session.execute(update(o).where(_ids(o.object_row_id, row_ids)).values(audience_id=audience_id))
    session.execute(update(s).where(_ids(s.sighting_row_id, row_ids)).values(audience_id=audience_id))


def drop_held(session: Session, row_ids: Collection[int]) -> None:
    if row_ids:
        session.execute(delete(HeldReference).where(_ids(HeldReference.object_row_id, row_ids)))
        session.execute(delete(HeldObject).where(_ids(HeldObject.object_row_id, row_ids)))


def version_flags(rows: Iterable[tuple[str, int, int]]) -> dict[tuple[str, int, int], tuple[bool, bool, bool]]:
    """(stix id, version, audience) -> (is_latest, is_first, multi_audience), per object and audience."""
    by_object: dict[str, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    for stix_id, version, audience_id in rows:
        by_object[stix_id][audience_id].append(version)
    flags = {}
    for stix_id, audiences in by_object.items():
        multi = len(audiences) > 1
        for audience_id, versions in audiences.items():
            newest, oldest = max(versions), min(versions)
            for version in versions:
                flags[(stix_id, version, audience_id)] = (version == newest, version == oldest, multi)
    return flags


def flag_changes(
    stored: Iterable[tuple[VersionRow, int]], flags: Mapping[tuple[str, int, int], tuple[bool, bool, bool]]
) -> list[dict[str, Any]]:
    """Updates for the stored versions (each with its audience now) whose latest/first/multi-audience flags differ
    from ``flags`` (``version_flags`` of the versions as they are now)."""
    return [
        {"id": row[0], "is_latest": f[0], "is_first": f[1], "multi_audience": f[2]}
        for row, audience_id in stored
        if (f := flags[(row[1], row[2], audience_id)]) != (row[5], row[6], row[7])
    ]
