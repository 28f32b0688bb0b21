"""JSON API for the audit trail (admins only)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Query
from pydantic import AwareDatetime, BaseModel, ConfigDict

from liaison_hub.api.deps import Admin, DbSession
from liaison_hub.audit.schemas import AuditFilters
from liaison_hub.audit.service import entries, verify
from liaison_hub.db.types import MAX_INTEGER

router = APIRouter(prefix="/audit", tags=["audit"])


class AuditEntryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    seq: int
    at: datetime
    actor: str
    action: str
    entity_type: str
    entity_id: str
    source: str
    details: dict[str, Any]
    hash: str


class VerificationRead(BaseModel):
    ok: bool
    checked: int
    first_bad_seq: int | None
    reason: str


@router.get("", response_model=list[AuditEntryRead])
def list_entries(
    session: DbSession,
    actor: Admin,
    before: int | None = Query(None, ge=1, le=MAX_INTEGER),
    limit: int = Query(50, ge=1, le=500),
    who: str | None = Query(None, max_length=100, description="Only this actor (e.g. a username or cli:root)."),
    action: str | None = Query(None, max_length=64, description="This action, or every action under it (intel)."),
    entity_type: str | None = Query(None, max_length=64, description="Only entries about this kind of record."),
    since: AwareDatetime | None = Query(None, description="Entries at or after this moment (with an offset)."),
    until: AwareDatetime | None = Query(None, description="Entries before this moment (with an offset)."),
) -> list[AuditEntryRead]:
    """Newest entries first; page with ``before`` = the last seq seen. Entries about marked records appear only
    when the caller may read those records (so sequence numbers have gaps)."""
    filters = AuditFilters(actor=who, action=action, entity_type=entity_type, since=since, until=until)
    rows = entries(session, actor, before=before, limit=limit, filters=filters)
    return [AuditEntryRead.model_validate(e) for e in rows]


@router.get("/verify", response_model=VerificationRead)
def verify_chain(session: DbSession, _: Admin) -> VerificationRead:
    result = verify(session)
    return VerificationRead(
        ok=result.ok, checked=result.checked, first_bad_seq=result.first_bad_seq, reason=result.reason
    )
