"""observed-data's deprecated ``objects`` (STIX 2.1 section 4.13): the cyber observables it embeds by local key,
each checked as its class, an unregistered type kept as it is, as the reference keeps them."""

from __future__ import annotations

import math
import re
from typing import Any

from liaison_hub.intel.stixcheck.objects import MAPS, at_key, compiled, embedded
from liaison_hub.intel.stixcheck.values import Refused, Unsure


def observed_objects(value: Any) -> Any:
    """The ``objects`` dictionary: every entry an object with a ``type``; an observable without an ``id`` has one
    derived by the reference, which must be able to canonicalise what it derives it from."""
    if type(value) is not dict:
        raise Unsure("'objects' that is not a JSON object")
    if not value:
        raise Refused("must not be empty")
    for key, body in value.items():
        if type(body) is not dict or "type" not in body:
            raise Refused("must be an object with a 'type'", key)
    out: dict[str, Any] = {}
    for key, body in value.items():
        if type(body["type"]) is not str:
            raise Unsure("an observable type that is not a string")
        cls = MAPS["observables"].get(body["type"])
        if cls is None:
            out[key] = body
            continue
        out[key] = at_key(embedded(compiled(cls, embedded_observable=True)), body, key)
        if "id" not in body and not all(
            _id_material(out[key][n]) for n in cls._id_contributing_properties if n in out[key]
        ):
            raise Unsure("an observable whose derived id only the reference can compute")
    return out


_SURROGATE = re.compile("[\ud800-\udfff]")


def _id_material(value: Any) -> bool:
    """Whether the reference can canonicalise a value to derive an id (RFC 8785 JSON; no null, no NaN)."""
    if type(value) is str:
        return _SURROGATE.search(value) is None
    if type(value) in (int, bool):
        return True
    if type(value) is float:
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(_id_material(k) and _id_material(x) for k, x in value.items())
    if type(value) is list:
        return all(_id_material(x) for x in value)
    return False
