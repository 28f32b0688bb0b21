"""STIX 2.1 timestamps (section 3.2) and object identity (id + version) as the store keeps them."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from functools import lru_cache

import orjson

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# RFC 3339 in UTC with "Z" and up to microseconds: what the store can represent exactly.
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?Z")
MEDIA_TYPE_STIX = "application/stix+json;version=2.1"


class BadTimestamp(ValueError):
    """A timestamp that is not RFC 3339 UTC ("...Z") with at most microsecond precision."""


def parse_micros(text: object) -> int:
    """Microseconds since the epoch of a STIX timestamp; raises BadTimestamp."""
    if not isinstance(text, str):
        raise BadTimestamp(f"timestamp must be a string, not {type(text).__name__}")
    return _parse_micros(text)


@lru_cache(maxsize=65536)
def _parse_micros(text: str) -> int:
    """Cached: bulk data repeats timestamps (created = modified = valid_from, one release date for many objects).
    The date goes through ``datetime.date`` (calendar rules) once per day; the time of day is plain arithmetic."""
    if _TIMESTAMP.fullmatch(text) is None:
        raise BadTimestamp(f"{text!r} is not a timestamp of the form YYYY-MM-DDTHH:MM:SS[.ffffff]Z")
    try:
        day = _day_start(text[:10])
    except ValueError as exc:
        raise BadTimestamp(f"{text!r} is not a valid timestamp: {exc}") from None
    hour, minute, second = int(text[11:13]), int(text[14:16]), int(text[17:19])
    if hour > 23 or minute > 59 or second > 59:
        field, top = ("hour", 23) if hour > 23 else ("minute", 59) if minute > 59 else ("second", 59)
        raise BadTimestamp(f"{text!r} is not a valid timestamp: {field} must be in 0..{top}")
    fraction = text[20:-1]
    return day + ((hour * 60 + minute) * 60 + second) * 1_000_000 + (int(fraction.ljust(6, "0")) if fraction else 0)


@lru_cache(maxsize=4096)
def _day_start(day: str) -> int:
    """Microseconds from the epoch to the start of a day ``YYYY-MM-DD`` (ValueError for a day that does not exist)."""
    return (date(int(day[:4]), int(day[5:7]), int(day[8:])).toordinal() - _EPOCH_ORDINAL) * 86_400_000_000


_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_ONE_MICRO = datetime(1970, 1, 1, 0, 0, 0, 1, tzinfo=UTC) - EPOCH


def format_micros(micros: int) -> str:
    """A STIX timestamp: milliseconds when that is exact, else microseconds (TAXII 2.1 section 3.2)."""
    seconds, rest = divmod(micros, 1_000_000)
    moment = datetime.fromtimestamp(seconds, tz=UTC)
    base = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if rest % 1000 == 0:
        return f"{base}.{rest // 1000:03d}Z"
    return f"{base}.{rest:06d}Z"


def format_added(micros: int) -> str:
    """A ``date_added``: always microseconds, so that clients can page with ``added_after`` exactly."""
    seconds, rest = divmod(micros, 1_000_000)
    return f"{datetime.fromtimestamp(seconds, tz=UTC).strftime('%Y-%m-%dT%H:%M:%S')}.{rest:06d}Z"


def micros_of(moment: datetime) -> int:
    return (moment - EPOCH) // _ONE_MICRO


def version_micros(obj: Mapping[str, object]) -> int | None:
    """The version of an object: ``modified``, else ``created`` (TAXII 2.1 section 3.4.1); None for SCOs without."""
    for key in ("modified", "created"):
        if key in obj:
            return parse_micros(obj[key])
    return None


def canonical_digest(obj: Mapping[str, object]) -> str:
    """SHA-256 of the object with sorted keys: equal content, equal digest, whatever the key order."""
    return hashlib.sha256(orjson.dumps(obj, option=orjson.OPT_SORT_KEYS)).hexdigest()


def document_of(obj: Mapping[str, object]) -> str:
    """The object's JSON as sent (same keys, order and values), compact."""
    return orjson.dumps(obj).decode()
