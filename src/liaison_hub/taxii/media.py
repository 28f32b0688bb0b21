"""TAXII 2.1 media types and content negotiation (TAXII 2.1 sections 1.6.8 and 3.1)."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.responses import Response

TAXII_MEDIA_TYPE = "application/taxii+json;version=2.1"
STIX_MEDIA_TYPE = "application/stix+json;version=2.1"
_TAXII = "application/taxii+json"
_STIX = "application/stix+json"


def _media_range(text: str) -> tuple[str, dict[str, str]]:
    kind, *params = (part.strip() for part in text.split(";"))
    values = {}
    for param in params:
        name, _, value = param.partition("=")
        values[name.strip().lower()] = value.strip().strip('"')
    return kind.lower(), values


def _quality(params: dict[str, str]) -> float:
    try:
        return float(params.get("q", "1"))
    except ValueError:
        return 0.0


def accepts_taxii(accept: str | None) -> bool:
    """Whether an Accept header admits TAXII 2.1 JSON: ``application/taxii+json`` with version 2.1 or none, or a
    wildcard. A missing header accepts anything."""
    if not accept or not accept.strip():
        return True
    for item in accept.split(","):
        kind, params = _media_range(item)
        if _quality(params) <= 0:
            continue
        if kind in ("*/*", "application/*"):
            return True
        if kind == _TAXII and params.get("version", "2.1") == "2.1":
            return True
    return False


def is_envelope_type(content_type: str | None) -> bool:
    """POST bodies: a TAXII envelope or a STIX bundle, version 2.1 or unversioned (TAXII 2.1 section 5.5)."""
    if not content_type:
        return False
    kind, params = _media_range(content_type)
    return kind in (_TAXII, _STIX) and params.get("version", "2.1") in ("2.1",)


def taxii_response(content: Any, *, status_code: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A TAXII JSON response; ``content`` already serialised (bytes) is sent as is."""
    body = content if isinstance(content, bytes) else orjson.dumps(content)
    return Response(body, status_code=status_code, headers=headers, media_type=TAXII_MEDIA_TYPE)
