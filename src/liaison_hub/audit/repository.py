"""Audit queries: entries that name a marked record only for whom may read that record."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from liaison_hub.audit.schemas import AuditFilters
from liaison_hub.models import AuditEntry
from liaison_hub.policy import readable_or_unmarked
from liaison_hub.policy.principal import Principal


def _filtered(stmt: Select[Any], filters: AuditFilters) -> Select[Any]:
    if filters.actor:
        stmt = stmt.where(AuditEntry.actor == filters.actor)
    if filters.action:
        stmt = stmt.where((AuditEntry.action == filters.action) | AuditEntry.action.startswith(filters.action + "."))
    if filters.entity_type:
        stmt = stmt.where(AuditEntry.entity_type == filters.entity_type)
    if filters.since is not None:
        stmt = stmt.where(AuditEntry.at >= filters.since)
    if filters.until is not None:
        stmt = stmt.where(AuditEntry.at < filters.until)
    return stmt


def latest(
    session: Session,
    principal: Principal,
    *,
    before: int | None = None,
    limit: int = 50,
    filters: AuditFilters | None = None,
) -> Sequence[AuditEntry]:
    """The newest entries the principal may see (unmarked ones, and those of records it may read)."""
    stmt = _filtered(readable_or_unmarked(select(AuditEntry), principal), filters or AuditFilters())
    if before is not None:
        stmt = stmt.where(AuditEntry.seq < before)
    return session.scalars(stmt.order_by(AuditEntry.seq.desc()).limit(limit)).all()


def choices(session: Session, principal: Principal) -> tuple[list[str], list[str], list[str]]:
    """The actors, actions and record kinds among the entries the principal may see (the filters' choices)."""
    found = []
    for column in (AuditEntry.actor, AuditEntry.action, AuditEntry.entity_type):
        stmt = readable_or_unmarked(select(column, func.count()).group_by(column), principal, AuditEntry)
        found.append(sorted(str(value) for value, _ in session.execute(stmt)))
    return found[0], found[1], found[2]
