"""Audit queries."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison_hub.models import AuditEntry


def latest(session: Session, *, before: int | None = None, limit: int = 50) -> Sequence[AuditEntry]:
    stmt = select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(limit)
    if before is not None:
        stmt = stmt.where(AuditEntry.seq < before)
    return session.scalars(stmt).all()
