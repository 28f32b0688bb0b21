"""The audit trail's unfiltered read: every entry, to verify the hash chain. Only the verdict (intact, or where the
chain breaks) leaves this module; the entries themselves are read for a principal through ``audit.repository``."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison_hub.models import AuditEntry

VERIFY_BATCH = 5000


def all_entries(session: Session) -> Iterator[AuditEntry]:
    last = 0
    while True:
        # populate_existing: check what the database holds, not copies this session loaded earlier.
        batch = session.scalars(
            select(AuditEntry)
            .where(AuditEntry.seq > last)
            .order_by(AuditEntry.seq)
            .limit(VERIFY_BATCH)
            .execution_options(populate_existing=True)
        ).all()
        if not batch:
            return
        yield from batch
        last = batch[-1].seq
