"""The intel store's unfiltered reads: what bookkeeping needs of every stored version, whoever may read it (the
latest/first flags, a batch's row ids, counts for the audit trail kept per marking). Nothing read here is returned
to a principal; every read for a principal goes through ``policy.readable`` in ``intel.repository``."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from liaison_hub.db.types import TextList, in_ids
from liaison_hub.models.intel import StixObject

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
