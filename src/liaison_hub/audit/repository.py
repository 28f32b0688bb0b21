"""Audit queries: entries that name a marked record only for whom may read that record."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison_hub.models import AuditEntry
from liaison_hub.policy import readable_or_unmarked
from liaison_hub.policy.principal import Principal


def latest(
    session: Session, principal: Principal, *, before: int | None = None, limit: int = 50
) -> Sequence[AuditEntry]:
    """The newest entries the principal may see (unmarked ones, and those of records it may read)."""
    stmt = readable_or_unmarked(select(AuditEntry), principal).order_by(AuditEntry.seq.desc()).limit(limit)
    if before is not None:
        stmt = stmt.where(AuditEntry.seq < before)
    return session.scalars(stmt).all()
