"""What the audit trail's readers ask for (no tables here)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class AuditFilters:
    """What an administrator narrows the trail to: who, which action (or its prefix), which kind of record, when."""

    actor: str | None = None
    action: str | None = None
    entity_type: str | None = None
    since: datetime | None = None
    until: datetime | None = None
