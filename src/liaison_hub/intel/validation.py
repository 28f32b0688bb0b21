"""Check STIX 2.1 objects: the hub's own rules, then a fast path for common forms, else the reference (``stix2``).

Verdicts are the reference validators' (``stix2.parse`` with custom content allowed, which runs ``stix2-patterns``
on indicator patterns); the fast path only ever accepts, and only objects whose every property it checks exactly
as the reference does. The hub's own rules (``hub_rule_error``) come first and apply to both paths: STIX 2.1
section 3 requirements the reference leaves to defaults (``spec_version``, ``created``/``modified``, ``id``), and
timestamps the store can represent exactly.
"""

from __future__ import annotations

import copy
import re
import uuid
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any, TypeGuard

import stix2
from stix2.registry import STIX2_OBJ_MAPS

from liaison_hub.intel.patterns import fast_accepts as fast_pattern
from liaison_hub.intel.patterns import pattern_error
from liaison_hub.intel.stix import BadTimestamp, parse_micros

SCO_TYPES = frozenset(STIX2_OBJ_MAPS["2.1"]["observables"])
KNOWN_OBJECT_TYPES = frozenset(STIX2_OBJ_MAPS["2.1"]["objects"])
_TYPE = re.compile(r"[a-z][a-z0-9-]{2,249}")  # STIX 2.1 section 3.1 (and stix2's TYPE_21_REGEX, length 3-250)
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")  # RFC 4122 variant
_MARKING_REF = re.compile(r"marking-definition--[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
MAX_REASON = 300

Check = Callable[[Any], bool]


def _id_ok(value: object, type_name: str | None = None) -> TypeGuard[str]:
    """An identifier ``type--uuid`` with an RFC 4122 UUID (STIX 2.1 section 2.9), lower case as stix2 writes it."""
    if not isinstance(value, str):
        return False
    cut = value.find("--")
    if cut < 0 or (type_name is not None and (cut != len(type_name) or not value.startswith(type_name))):
        return False
    return _UUID.fullmatch(value, cut + 2) is not None


@lru_cache(maxsize=4096)
def _marking_id_ok(value: str) -> bool:
    """A strict marking-definition identifier; cached, since a feed carries a handful of markings on every object."""
    return _id_ok(value, "marking-definition")


@lru_cache(maxsize=4096)
def _marking_ref_ok(value: str) -> bool:
    return _MARKING_REF.fullmatch(value) is not None


@lru_cache(maxsize=4096)
def _required_timestamps(type_name: str) -> tuple[str, ...] | None:
    """The timestamps an object of this type must carry; None when the type name itself is not allowed (STIX 2.1
    section 3.1). Cached: a feed has a handful of types."""
    if not _TYPE.fullmatch(type_name) or "--" in type_name:
        return None
    if type_name in SCO_TYPES:
        return ()
    if type_name == "marking-definition":
        return ("created",)
    if type_name in KNOWN_OBJECT_TYPES or type_name.startswith("x-"):
        return ("created", "modified")
    return ()


def hub_rule_error(obj: object) -> str | None:
    """The hub's own requirements, checked before any STIX validation."""
    if not isinstance(obj, dict):
        return "not a JSON object"
    type_name = obj.get("type")
    if not isinstance(type_name, str) or (required := _required_timestamps(type_name)) is None:
        return "'type' must be 3-250 characters of a-z, 0-9 and '-', starting with a letter"
    if not isinstance(obj.get("id"), str) or not _id_ok_loose(obj["id"], type_name):
        return f"'id' must be '{type_name}--' followed by an RFC 4122 UUID"
    if obj.get("spec_version", None if type_name in SCO_TYPES else "missing") not in (None, "2.1"):
        return "'spec_version' must be '2.1' (this hub stores STIX 2.1 only)"
    for key in required:
        if key not in obj:
            return f"'{key}' is required (STIX 2.1 section 3.2)"
    for key in ("created", "modified"):
        if key in obj:
            try:
                parse_micros(obj[key])
            except BadTimestamp as exc:
                return f"'{key}': {exc}"
    return _marking_refs_error(obj)


def _id_ok_loose(value: str, type_name: str) -> bool:
    if _id_ok(value, type_name):
        return True
    prefix, _, rest = value.partition("--")
    try:
        return prefix == type_name and uuid.UUID(rest).variant == uuid.RFC_4122 and len(rest) == 36
    except ValueError:
        return False


def _marking_refs_error(obj: Mapping[str, Any]) -> str | None:
    refs = obj.get("object_marking_refs", [])
    if not isinstance(refs, list) or not all(isinstance(r, str) and _marking_ref_ok(r) for r in refs):
        return "'object_marking_refs' must be a list of marking-definition identifiers"
    granular = obj.get("granular_markings", [])
    if granular != [] and (
        not isinstance(granular, list)
        or not all(
            isinstance(g, dict) and (g.get("marking_ref") is None or _MARKING_REF.fullmatch(str(g["marking_ref"])))
            for g in granular
        )
    ):
        return "'granular_markings' must be a list of objects whose 'marking_ref' is a marking-definition identifier"
    return None


def reference_error(obj: Mapping[str, Any]) -> str | None:
    """The reference verdict: ``stix2.parse`` (custom content allowed) must build the object."""
    try:
        stix2.parse(copy.deepcopy(dict(obj)), allow_custom=True, version="2.1")
    except Exception as exc:  # the reference raises many exception types; each is a refusal with its reason
        return f"{type(exc).__name__}: {exc}"[:MAX_REASON]
    return None


def _is_str(value: object) -> bool:
    return isinstance(value, str)


def _is_bool(value: object) -> bool:
    return isinstance(value, bool)


def _is_timestamp(value: object) -> bool:
    try:
        parse_micros(value)
    except BadTimestamp:
        return False
    return True


def _is_str_list(value: object) -> bool:
    return isinstance(value, list) and len(value) > 0 and all(isinstance(item, str) for item in value)


def _is_confidence(value: object) -> bool:
    return type(value) is int and 0 <= value <= 100


def _ref_to(*types: str) -> Check:
    return lambda value: _id_ok(value) and value[: value.find("--")] in types


def _ref_not_to(*types: str) -> Check:
    def check(value: object) -> bool:
        return _id_ok(value) and value[: value.find("--")] not in types

    return check


def _marking_refs_ok(value: object) -> bool:
    return (
        isinstance(value, list)
        and len(value) > 0
        and all(isinstance(item, str) and _marking_id_ok(item) for item in value)
    )


_COMMON: dict[str, Check] = {
    "type": _is_str,
    "spec_version": lambda v: v == "2.1",
    "id": _id_ok,
    "created": _is_timestamp,
    "modified": _is_timestamp,
    "created_by_ref": _ref_to("identity"),
    "revoked": _is_bool,
    "labels": _is_str_list,
    "confidence": _is_confidence,
    "lang": _is_str,
    "object_marking_refs": _marking_refs_ok,
}
_SCO_COMMON: dict[str, Check] = {
    "type": _is_str,
    "spec_version": lambda v: v == "2.1",
    "id": _id_ok,
    "object_marking_refs": _marking_refs_ok,
    "defanged": _is_bool,
}
_NAMED = {"name": _is_str, "description": _is_str, "aliases": _is_str_list}
_SEEN = {"first_seen": _is_timestamp, "last_seen": _is_timestamp}
_NOT_SOURCE_TARGET = ("bundle", "language-content", "marking-definition", "relationship", "sighting")

# Per type: (properties the fast path checks, properties it requires). Anything else goes to the reference.
FAST_SCHEMAS: dict[str, tuple[dict[str, Check], frozenset[str]]] = {
    "indicator": (
        {
            **_COMMON,
            "name": _is_str,
            "description": _is_str,
            "indicator_types": _is_str_list,
            "pattern": _is_str,
            "pattern_type": lambda v: v == "stix",
            "pattern_version": lambda v: v == "2.1",
            "valid_from": _is_timestamp,
            "valid_until": _is_timestamp,
        },
        frozenset({"pattern", "pattern_type", "valid_from"}),
    ),
    "identity": (
        {
            **_COMMON,
            "name": _is_str,
            "description": _is_str,
            "roles": _is_str_list,
            "identity_class": _is_str,
            "sectors": _is_str_list,
            "contact_information": _is_str,
        },
        frozenset({"name"}),
    ),
    "malware": (
        {**_COMMON, **_NAMED, **_SEEN, "is_family": _is_bool, "malware_types": _is_str_list},
        frozenset({"is_family"}),
    ),
    "attack-pattern": ({**_COMMON, **_NAMED}, frozenset({"name"})),
    "intrusion-set": ({**_COMMON, **_NAMED, **_SEEN, "goals": _is_str_list}, frozenset({"name"})),
    "relationship": (
        {
            **_COMMON,
            "relationship_type": _is_str,
            "description": _is_str,
            "source_ref": _ref_not_to(*_NOT_SOURCE_TARGET),
            "target_ref": _ref_not_to(*_NOT_SOURCE_TARGET),
            "start_time": _is_timestamp,
            "stop_time": _is_timestamp,
        },
        frozenset({"relationship_type", "source_ref", "target_ref"}),
    ),
    "ipv4-addr": ({**_SCO_COMMON, "value": _is_str}, frozenset({"value"})),
    "ipv6-addr": ({**_SCO_COMMON, "value": _is_str}, frozenset({"value"})),
    "domain-name": ({**_SCO_COMMON, "value": _is_str}, frozenset({"value"})),
    "url": ({**_SCO_COMMON, "value": _is_str}, frozenset({"value"})),
}


def _before(obj: Mapping[str, Any], early: str, late: str, *, strict: bool) -> bool:
    """Whether two optional timestamps are in order (true when either is absent)."""
    if early not in obj or late not in obj:
        return True
    first, second = parse_micros(obj[early]), parse_micros(obj[late])
    return first < second if strict else first <= second


def _constraints_hold(obj: Mapping[str, Any]) -> bool:
    """The cross-property constraints stix2 checks for the fast-path types."""
    kind = obj["type"]
    if kind == "indicator":
        return _before(obj, "valid_from", "valid_until", strict=True) and fast_pattern(obj["pattern"])
    if kind == "malware":
        return _before(obj, "first_seen", "last_seen", strict=False) and (not obj["is_family"] or "name" in obj)
    if kind == "intrusion-set":
        return _before(obj, "first_seen", "last_seen", strict=False)
    if kind == "relationship":
        return _before(obj, "start_time", "stop_time", strict=True)
    return True


def fast_accepts(obj: Mapping[str, Any]) -> bool:
    """True when the object is of a common form and valid; False means 'ask the reference', not 'invalid'."""
    schema = FAST_SCHEMAS.get(obj.get("type"))  # type: ignore[arg-type]
    if schema is None:
        return False
    checks, required = schema
    if not required.issubset(obj.keys()):
        return False
    for key, value in obj.items():
        check = checks.get(key)
        if check is None or not check(value):
            return False
    return _constraints_hold(obj)


def check(obj: object) -> str | None:
    """Why the object is refused, or None when it is a valid STIX 2.1 object the hub may store."""
    problem = hub_rule_error(obj)
    if problem is not None:
        return problem
    assert isinstance(obj, dict)
    if fast_accepts(obj):
        return None
    return reference_error(obj)


__all__ = ["check", "fast_accepts", "hub_rule_error", "pattern_error", "reference_error"]
