"""The audit trail for administrators: newest entries first, filtered by actor, action, kind of record and date
(dates in the administrator's own time zone), with the hash chain's verification status. Entries naming a record the
administrator may not read are not shown (``audit.service.entries``)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import Response

from liaison_hub.api.deps import DbSession
from liaison_hub.audit import service as audit
from liaison_hub.audit.schemas import AuditFilters
from liaison_hub.errors import InvalidFields
from liaison_hub.web.deps import SignedIn, WebAdmin
from liaison_hub.web.errors import page_router
from liaison_hub.web.rendering import NAV_ITEMS, NavItem, render

router = page_router(prefix="/audit")
NAV_ITEMS.append(NavItem("Audit", "/audit", order=85, admin_only=True))
PAGE = 50


def _day(text: str, field: str, zone: str, problems: list[tuple[str, str]]) -> datetime | None:
    """Midnight at the start of a day in the viewer's zone, as UTC."""
    if not text.strip():
        return None
    try:
        return datetime.combine(date.fromisoformat(text.strip()), time(), ZoneInfo(zone))
    except ValueError:
        problems.append((field, "must be a date such as 2027-04-14"))
        return None


def _filters(viewer: SignedIn, actor: str, action: str, entity_type: str, since: str, until: str) -> AuditFilters:
    problems: list[tuple[str, str]] = []
    start = _day(since, "from", viewer.timezone, problems)
    end = _day(until, "to", viewer.timezone, problems)
    if problems:
        raise InvalidFields(problems)
    return AuditFilters(
        actor=actor.strip() or None,
        action=action.strip() or None,
        entity_type=entity_type.strip() or None,
        since=start,
        until=end + timedelta(days=1) if end else None,
    )


@router.get("")
def audit_page(
    request: Request,
    session: DbSession,
    actor: WebAdmin,
    viewer: SignedIn,
    who: str = "",
    action: str = "",
    entity_type: str = "",
    since: str = "",
    until: str = "",
    before: int | None = None,
) -> Response:
    """Newest entries first, 50 a page; "older" pages on by sequence number."""
    chosen = {"who": who, "action": action, "entity_type": entity_type, "since": since, "until": until}
    filters = _filters(viewer, who, action, entity_type, since, until)
    rows = audit.entries(session, actor, filters=filters, before=before, limit=PAGE + 1)
    older = None
    if len(rows) > PAGE:
        rows = rows[:PAGE]
        older = "?" + urlencode({k: v for k, v in chosen.items() if v} | {"before": rows[-1].seq})
    actors, actions, kinds = audit.filter_choices(session, actor.principal)
    context = {
        "entries": rows,
        "chosen": chosen,
        "older": older,
        "newest": "?" + urlencode({k: v for k, v in chosen.items() if v}) if before else None,
        "actors": actors,
        "actions": actions,
        "kinds": kinds,
        "verification": audit.verify(session),
    }
    return render(request, "audit.html", context)
