"""Response bodies: envelopes (TAXII 2.1 section 3.7), manifests (5.3.1), versions (5.8.1) and the
``X-TAXII-Date-Added-First`` / ``-Last`` headers (section 3.3)."""

from __future__ import annotations

from typing import Any

import orjson

from liaison_hub.intel.schemas import DocumentPage, ObjectPage, StatusRead, StoredRow
from liaison_hub.intel.stix import MEDIA_TYPE_STIX, format_added, format_micros


def date_headers(page: DocumentPage | ObjectPage) -> dict[str, str]:
    first, last = page.first_added, page.last_added
    if first is None or last is None:
        return {}
    return {"X-TAXII-Date-Added-First": format_added(first), "X-TAXII-Date-Added-Last": format_added(last)}


def _paging(page: DocumentPage | ObjectPage, token: str | None) -> dict[str, Any]:
    head: dict[str, Any] = {"more": page.more}
    if page.more and token:
        head["next"] = token
    return head


def objects_envelope(page: DocumentPage, token: str | None) -> bytes:
    """The stored JSON of each object is spliced in as is: no parsing, no re-serialising."""
    if not page.documents:
        return b"{}"
    head = orjson.dumps(_paging(page, token))
    return b"".join((head[:-1], b',"objects":[', b",".join(page.documents), b"]}"))


def version_text(row: StoredRow) -> str:
    """An object's version: ``modified`` or ``created``; objects with neither use their ``date_added``."""
    return format_micros(row.version) if row.version else format_added(row.date_added)


def manifest_envelope(page: ObjectPage, token: str | None) -> dict[str, Any]:
    if not page.rows:
        return {}
    records = [
        {
            "id": r.stix_id,
            "date_added": format_added(r.date_added),
            "version": version_text(r),
            "media_type": MEDIA_TYPE_STIX,
        }
        for r in page.rows
    ]
    return {**_paging(page, token), "objects": records}


def versions_envelope(page: ObjectPage, token: str | None) -> dict[str, Any]:
    if not page.rows:
        return {}
    return {**_paging(page, token), "versions": [version_text(r) for r in page.rows]}


def status_resource(status: StatusRead) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": status.id,
        "status": status.status,
        "request_timestamp": status.request_timestamp,
        "total_count": status.total_count,
        "success_count": status.success_count,
        "failure_count": status.failure_count,
        "pending_count": status.pending_count,
    }
    if status.successes:
        body["successes"] = status.successes
    if status.failures:
        body["failures"] = status.failures
    return body
