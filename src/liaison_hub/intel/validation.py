"""Check STIX 2.1 objects: the hub's own rules, then checks compiled from the reference library's classes
(``intel.stixcheck``), and the reference itself (``stix2.parse``) only where those cannot judge.

Verdicts are the reference validators' (``stix2.parse`` with custom content allowed, which runs ``stix2-patterns``
on indicator patterns) for every object; messages name the property at fault. The hub's own rules
(``hub_rule_error``) come first: STIX 2.1 section 3 requirements the reference leaves to defaults
(``spec_version``, ``created``/``modified``, ``id``), and timestamps the store can represent exactly.
"""

from __future__ import annotations

import copy
import re
import uuid
from collections.abc import Mapping
from functools import lru_cache
from typing import Any, NamedTuple, TypeGuard

import stix2
from stix2.registry import STIX2_OBJ_MAPS

from liaison_hub.intel.patterns import pattern_error
from liaison_hub.intel.stix import BadTimestamp, parse_micros
from liaison_hub.intel.stixcheck.objects import for_type, run
from liaison_hub.intel.stixcheck.values import Refused, Unsure

SCO_TYPES = frozenset(STIX2_OBJ_MAPS["2.1"]["observables"])
KNOWN_OBJECT_TYPES = frozenset(STIX2_OBJ_MAPS["2.1"]["objects"])
_TYPE = re.compile(r"[a-z][a-z0-9-]{2,249}")  # STIX 2.1 section 3.1 (and stix2's TYPE_21_REGEX, length 3-250)
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")  # RFC 4122 variant
_MARKING_REF = re.compile(r"marking-definition--[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
MAX_REASON = 300


def _id_ok(value: object, type_name: str | None = None) -> TypeGuard[str]:
    """An identifier ``type--uuid`` with an RFC 4122 UUID (STIX 2.1 section 2.9), lower case as stix2 writes it."""
    if not isinstance(value, str):
        return False
    cut = value.find("--")
    if cut < 0 or (type_name is not None and (cut != len(type_name) or not value.startswith(type_name))):
        return False
    return _UUID.fullmatch(value, cut + 2) is not None


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


class Verdict(NamedTuple):
    """A verdict and how it was reached: ``route`` is one of ROUTES; ``reason`` says why the reference was asked."""

    problem: str | None
    route: str
    reason: str = ""


HUB_RULES, COMPILED, WITH_PATTERNS, REFERENCE = "hub rules", "compiled", "compiled + stix2-patterns", "stix2.parse"
ROUTES = (HUB_RULES, COMPILED, WITH_PATTERNS, REFERENCE)


def verdict(obj: object) -> Verdict:
    """The verdict on one object: the hub's rules, then the checks compiled from stix2's classes, and
    ``stix2.parse`` only for what those cannot judge."""
    return Verdict(*_judge(obj))


def check(obj: object) -> str | None:
    """Why the object is refused, or None when it is a valid STIX 2.1 object the hub may store."""
    return _judge(obj)[0]


def _judge(obj: object) -> tuple[str | None, str, str]:
    problem = hub_rule_error(obj)
    if problem is not None:
        return problem, HUB_RULES, ""
    assert isinstance(obj, dict)
    target = for_type(obj["type"])
    if target is None:  # with custom content allowed the reference returns an unknown type unchecked
        return None, COMPILED, ""
    notes: list[str] = []
    unsure = ""
    try:
        run(target, obj, notes)
    except Refused as exc:
        problem = exc.message()[:MAX_REASON]
    except Unsure as exc:
        unsure = str(exc) or "uncertain"
    except Exception as exc:  # e.g. RecursionError on absurdly nested input: never a verdict of ours, the reference's
        unsure = f"an unexpected {type(exc).__name__} in the compiled checks"
    if unsure:  # asked outside the handler: CPython reports some of the reference's errors differently inside one
        return reference_error(obj), REFERENCE, unsure
    return problem, WITH_PATTERNS if notes else COMPILED, ""


__all__ = ["ROUTES", "Verdict", "check", "hub_rule_error", "pattern_error", "reference_error", "verdict"]
