"""Query parameters of TAXII 2.1 section 3.4: filters, ``limit`` and ``next``; anything malformed is a 400."""

from __future__ import annotations

from collections.abc import Iterable

from starlette.datastructures import QueryParams

from liaison_hub.config import Settings
from liaison_hub.intel import cursor
from liaison_hub.intel.schemas import ObjectFilters, PageRequest, Position
from liaison_hub.intel.stix import BadTimestamp, parse_micros
from liaison_hub.taxii.errors import BadRequest

OBJECT_FILTERS = frozenset({"id", "type", "version", "spec_version"})
VERSION_FILTERS = frozenset({"spec_version"})
DELETE_FILTERS = frozenset({"version", "spec_version"})


def _values(params: QueryParams, name: str) -> tuple[str, ...]:
    """Comma-separated values of a parameter, repeated or not, in order, without blanks."""
    found = [value.strip() for raw in params.getlist(name) for value in raw.split(",")]
    return tuple(dict.fromkeys(v for v in found if v))


def _timestamp(text: str, what: str) -> int:
    try:
        return parse_micros(text)
    except BadTimestamp as exc:
        raise BadRequest(f"{what}: {exc}") from None


def _versions(values: Iterable[str]) -> tuple[str | int, ...]:
    parsed: list[str | int] = []
    for value in values:
        parsed.append(value if value in ("last", "first", "all") else _timestamp(value, "match[version]"))
    return tuple(parsed)


def parse_filters(params: QueryParams, *, allowed: frozenset[str], default_version: str = "last") -> ObjectFilters:
    """The filters of a request; unknown ``match[...]`` fields are refused rather than silently ignored."""
    for key in params:
        if key.startswith("match[") and (not key.endswith("]") or key[6:-1] not in allowed):
            raise BadRequest(f"unsupported filter {key!r} here (supported: {', '.join(sorted(allowed))})")
    added = params.getlist("added_after")
    if len(added) > 1:
        raise BadRequest("give added_after once")
    versions = _versions(_values(params, "match[version]")) or (default_version,)
    return ObjectFilters(
        added_after=_timestamp(added[0], "added_after") if added else None,
        ids=_values(params, "match[id]"),
        types=_values(params, "match[type]"),
        versions=versions,
        spec_versions=_values(params, "match[spec_version]"),
    )


def parse_page(params: QueryParams, settings: Settings, *, scope: str) -> PageRequest:
    """``limit`` (capped at the server's maximum) and the position in a ``next`` cursor."""
    raw_limit = params.get("limit")
    limit = settings.taxii_page_size
    if raw_limit is not None:
        if not raw_limit.strip().isdigit() or int(raw_limit) < 1:
            raise BadRequest("limit must be a positive integer")
        limit = min(int(raw_limit), settings.taxii_max_page_size)
    token = params.get("next")
    after: Position | None = None
    if token:
        after = cursor.decode(token, scope=scope, secret_key=settings.secret_key)
    return PageRequest(limit=limit, after=after)


def next_token(position: Position | None, settings: Settings, *, scope: str) -> str | None:
    if position is None:
        return None
    return cursor.encode(position, scope=scope, secret_key=settings.secret_key)
