"""Checks of single property values, one per ``stix2.properties`` class, with the reference's verdicts.

Each check returns the value as the reference would hold it after cleaning (a timestamp as microseconds, a number
as a number, a string as ``str(value)``), raises ``Refused`` when the reference refuses the value, and ``Unsure``
when only the reference's whole-object parse can tell. The common JSON forms are checked here directly; any other
form goes to the reference property's own ``clean()``, so the verdict is the reference's by construction.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from stix2 import properties as p
from stix2.hashes import _HASH_REGEXES, infer_hash_algorithm
from stix2.utils import Precision, PrecisionConstraint, to_enum

from liaison_hub.intel.stix import BadTimestamp, micros_of, parse_micros

Check = Callable[[Any], Any]
REFERENCE_UUID = "00000000-0000-4000-8000-000000000000"
_ID = re.compile(r"([a-z][a-z0-9]*(?:-[a-z0-9]+)*)--[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
_HEX = re.compile(r"^([a-fA-F0-9]{2})+$")  # stix2's HexProperty, with re.match as it uses it
_DICT_KEY = re.compile(r"^[a-zA-Z0-9_-]+$")  # stix2's DictionaryProperty key rule (STIX 2.1 section 2.7)


class Refused(Exception):
    """The reference refuses the value; ``path`` grows as the refusal travels up to the object."""

    def __init__(self, reason: str, *path: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.path = list(path)

    def message(self) -> str:
        if not self.path:
            return self.reason
        where = self.path[0] + "".join(step if step.startswith("[") else f".{step}" for step in self.path[1:])
        return f"'{where}': {self.reason}"


class Unsure(Exception):
    """Only the reference's whole-object parse can decide (the reason says why, for the statistics)."""


def by_reference(prop: p.Property, message: str | None = None) -> Check:
    """The reference property's own ``clean()``: exact for any value, used for the uncommon forms; its message,
    or ours when we have a clearer one."""

    def check(value: Any) -> Any:
        try:
            return prop.clean(value, True)[0]
        except Exception as exc:  # the reference raises many types; each is a refusal
            raise Refused(message or _reason(exc)) from None

    return check


def _reason(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    return text[:200]


def any_value(value: Any) -> Any:
    """String-like properties (string, open vocabulary, pattern): the reference takes ``str(value)`` of anything."""
    return value if type(value) is str else str(value)


def fixed(expected: Any) -> Check:
    def check(value: Any) -> Any:
        if value != expected:
            raise Refused(f"must be '{expected}'")
        return value

    return check


def enum(allowed: list[str]) -> Check:
    names = frozenset(allowed)

    def check(value: Any) -> Any:
        text = value if type(value) is str else str(value)
        if text not in names:
            raise Refused(f"'{text[:80]}' is not one of the allowed values")
        return text

    return check


def integer(low: int | None, high: int | None) -> Check:
    def check(value: Any) -> Any:
        try:
            number = int(value)
        except Exception:
            raise Refused("must be an integer") from None
        if (low is not None and number < low) or (high is not None and number > high):
            raise Refused(f"must be between {low} and {high}")
        return number

    return check


def floating(low: float | None, high: float | None) -> Check:
    def check(value: Any) -> Any:
        try:
            number = float(value)
        except Exception:
            raise Refused("must be a number") from None
        if (low is not None and number < low) or (high is not None and number > high):
            raise Refused(f"must be between {low} and {high}")
        return number

    return check


def boolean(value: Any) -> Any:
    word = value.lower() if isinstance(value, str) else value
    if word in p.BooleanProperty._trues:
        return True
    if word in p.BooleanProperty._falses:
        return False
    raise Refused("must be true or false")


def timestamp(prop: p.TimestampProperty) -> Check:
    """STIX timestamps (section 3.2) as microseconds: the store's strict form directly, any other through the
    reference; truncated as the reference truncates properties of exact millisecond or second precision."""
    fallback = by_reference(prop, "must be a timestamp in RFC 3339 form, such as 2024-05-01T10:00:00.000Z")
    exact = to_enum(prop.precision_constraint, PrecisionConstraint) is PrecisionConstraint.EXACT
    unit = {Precision.MILLISECOND: 1000, Precision.SECOND: 1_000_000}.get(to_enum(prop.precision, Precision), 1)
    unit = unit if exact else 1

    def check(value: Any) -> Any:
        if type(value) is str:
            try:
                micros = parse_micros(value)
            except BadTimestamp:
                micros = micros_of(fallback(value))
        else:
            micros = micros_of(fallback(value))
        return micros - micros % unit

    def any_precision(value: Any) -> Any:
        if type(value) is str:
            try:
                return parse_micros(value)
            except BadTimestamp:
                pass
        return micros_of(fallback(value))

    return check if unit > 1 else any_precision


def binary(value: Any) -> Any:
    try:
        base64.b64decode(value)
    except Exception:
        raise Refused("must be base64-encoded") from None
    return value


def hexadecimal(value: Any) -> Any:
    if type(value) is not str or not _HEX.match(value):
        raise Refused("must be an even number of hexadecimal digits")
    return value


def selector(value: Any) -> Any:
    if type(value) is not str or not p.SELECTOR_REGEX.match(value):
        raise Refused("must follow the selector syntax (STIX 2.1 section 7.2.3.1)")
    return value


def identifier(prop: p.IDProperty) -> Check:
    """The object's own ``id`` (section 2.9)."""
    prefix, reference = prop.required_prefix, by_reference(prop)

    def check(value: Any) -> Any:
        if type(value) is str and value.startswith(prefix) and _UUID.fullmatch(value, len(prefix)):
            return value
        return reference(value)

    return check


def reference(prop: p.ReferenceProperty) -> Check:
    """An identifier whose type the property allows (section 2.9); the type rule is the reference's own, asked
    once per type with a well-formed identifier."""
    verdicts: dict[str, str | None] = {}
    fallback = by_reference(prop)

    def check(value: Any) -> Any:
        kind = _ID_TYPES.get(value) if type(value) is str else None
        if kind is None:
            kind = id_type(value)
            if kind is None:
                return fallback(value)
        if kind not in verdicts:
            try:
                prop.clean(f"{kind}--{REFERENCE_UUID}", True)
                verdicts[kind] = None
            except Exception as exc:
                verdicts[kind] = _reason(exc)
        problem = verdicts[kind]
        if problem is not None:
            raise Refused(problem)
        return value

    return check


_ID_TYPES: dict[str, str] = {}
"""Well-formed identifiers seen lately and their types: feeds name the same identities and markings on every
object."""


def id_type(value: Any) -> str | None:
    """The type of a well-formed lower-case identifier ``type--uuid`` (RFC 4122 variant), else None."""
    found = _ID.fullmatch(value) if type(value) is str else None
    if found is None:
        return None
    if len(_ID_TYPES) >= 8192:
        _ID_TYPES.clear()
    kind = _ID_TYPES[value] = found.group(1)
    return kind


@lru_cache(maxsize=8192)
def dictionary_key_ok(key: str) -> bool:
    return len(key) <= 250 and _DICT_KEY.match(key) is not None


def dictionary(prop: p.DictionaryProperty) -> Check:
    fallback = by_reference(prop)

    def check(value: Any) -> Any:
        if type(value) is not dict:
            return fallback(value)
        if not value:
            raise Refused("must not be empty")
        for key in value:
            if not dictionary_key_ok(key):
                raise Refused(f"key {key[:80]!r} must be 1-250 characters of a-z, A-Z, 0-9, '-' and '_'")
        return value

    return check


def hashes(prop: p.HashesProperty) -> Check:
    """Hashes (section 2.7): known algorithms need well-formed values; names are normalised as the reference
    does (``sha256`` becomes ``SHA-256``)."""
    to_spec = getattr(prop, "_HashesProperty__alg_to_spec_name", None)
    if to_spec is None:
        raise Unsure("this stix2 version's HashesProperty")
    dictionary_check = dictionary(prop)
    known: dict[str, tuple[re.Pattern[str] | None, str]] = {}

    def algorithm(name: str) -> tuple[re.Pattern[str] | None, str]:
        """(the value's pattern if the reference knows the algorithm, the name it keeps) for a hash name."""
        if name not in known:
            kind = infer_hash_algorithm(name)
            pattern = _HASH_REGEXES.get(kind) if kind is not None else None
            known[name] = (pattern, to_spec.get(kind, name) if kind is not None else name)
        return known[name]

    def check(value: Any) -> Any:
        value = dictionary_check(value)
        renamed = False
        for name, digest in value.items():
            pattern, spec_name = algorithm(name)
            if pattern is not None and (type(digest) is not str or not pattern.match(digest)):
                raise Refused(f"{str(digest)[:80]!r} is not a valid {name} hash", name)
            renamed = renamed or spec_name != name
        if renamed:
            return {algorithm(name)[1]: digest for name, digest in value.items()}
        return value

    return check
