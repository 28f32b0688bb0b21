"""What the correlation index reads of every stored version, whoever may read it: a queued batch's versions and
their audiences now, and every version for a re-index. Only index rows are made of it (each carrying its
version's audience), and nothing read here is returned to a principal."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison_hub.intel.correlation.repository import ObjectRow, object_rows
from liaison_hub.models.intel import StixObject


def objects_added_between(session: Session, collection_id: int, first: int, last: int) -> list[ObjectRow]:
    """Bookkeeping for the index: the stored versions of one batch (never shown to anyone)."""
    o = StixObject
    stmt = object_rows().where(o.collection_id == collection_id, o.date_added.between(first, last))
    return [ObjectRow(*row) for row in session.execute(stmt)]


def audiences_added_between(session: Session, collection_id: int, first: int, last: int) -> dict[int, int]:
    """Bookkeeping for the index: row id -> audience of the versions of one batch still stored."""
    o = StixObject
    stmt = select(o.id, o.audience_id).where(o.collection_id == collection_id, o.date_added.between(first, last))
    return {int(row_id): int(audience_id) for row_id, audience_id in session.execute(stmt)}


def scan_objects(session: Session, *, batch_size: int) -> Iterator[list[ObjectRow]]:
    """Bookkeeping for a re-index: every stored version in row order, a batch at a time (never shown to anyone)."""
    o = StixObject
    after = 0
    while True:
        stmt = object_rows()
        rows = [ObjectRow(*r) for r in session.execute(stmt.where(o.id > after).order_by(o.id).limit(batch_size))]
        if not rows:
            return
        yield rows
        after = rows[-1].row_id
