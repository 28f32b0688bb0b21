"""Ports of the reference library's cross-property rules (``_check_object_constraints``) and constructor
adjustments (``__init__``) of the STIX 2.1 classes (STIX 2.1 sections 3-7), one function per class that has them.

``ports_for``/``prepare_for`` refuse (``Unsure``) a class whose hierarchy has a rule or constructor without a port
here, so a new rule in a later ``stix2`` sends its objects to the reference instead of being skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import stix2.v21
from stix2 import base as stix_base
from stix2.v21 import base as base21
from stix2.v21 import common, sdo, sro
from stix2.v21 import observables as sco

from liaison_hub.intel.patterns import checked_pattern, reference_errors
from liaison_hub.intel.stix import micros_of
from liaison_hub.intel.stixcheck.objects import (
    DEFAULT_TIME,
    Constraint,
    ObjectCheck,
    Prepare,
    compiled,
    embedded,
)
from liaison_hub.intel.stixcheck.values import Refused, Unsure

STIX_PATTERNS = "stix2-patterns"
"""The note left when a pattern needed the reference pattern validator."""
Rule = Callable[[ObjectCheck, dict[str, Any], dict[str, Any], list[str]], None]


def _order(cleaned: dict[str, Any], first: str, last: str, *, strict: bool) -> None:
    early, late = cleaned.get(first), cleaned.get(last)
    if early is None or late is None:
        return
    if early is DEFAULT_TIME or late is DEFAULT_TIME:
        raise Unsure("a rule on a timestamp the reference sets to the current time")
    if late < early or (strict and late == early):
        relation = "later than" if strict else "equal to or later than"
        raise Refused(f"must be {relation} '{first}'", last)


def _at_least_one(cleaned: dict[str, Any], names: tuple[str, ...]) -> None:
    for name in names:
        if name in cleaned:
            return
    if names:
        raise Refused(f"at least one of {', '.join(sorted(names))} is required")


def _exactly_one(cleaned: dict[str, Any], names: tuple[str, ...]) -> None:
    if sum(name in cleaned for name in names) != 1:
        raise Refused(f"exactly one of {', '.join(names)} is required")


def _depends(cleaned: dict[str, Any], on: str, dependent: str) -> None:
    """stix2's ``_check_properties_dependency``: ``dependent`` needs ``on`` present and neither null nor false."""
    if dependent not in cleaned:
        return
    if on not in cleaned or ((cleaned[on] is None or cleaned[on] is False) and cleaned[dependent] is not None):
        raise Refused(f"needs '{on}'", dependent)


def _seen(_t: ObjectCheck, cleaned: dict[str, Any], _o: dict[str, Any], _n: list[str]) -> None:
    _order(cleaned, "first_seen", "last_seen", strict=False)


def _malware(t: ObjectCheck, cleaned: dict[str, Any], o: dict[str, Any], n: list[str]) -> None:
    _seen(t, cleaned, o, n)
    if cleaned["is_family"] and "name" not in cleaned:
        raise Refused("is required for a malware family", "name")


def _indicator(_t: ObjectCheck, cleaned: dict[str, Any], obj: dict[str, Any], notes: list[str]) -> None:
    """Section 4.7: valid_until after valid_from, and a pattern valid in its pattern language."""
    _order(cleaned, "valid_from", "valid_until", strict=True)
    if obj.get("pattern") and obj.get("pattern_type") == "stix" and not obj.get("pattern_version"):
        cleaned["pattern_version"] = "2.1"  # the reference's constructor sets it
    if cleaned.get("pattern_type") != "stix":
        return
    version = cleaned.get("pattern_version")
    if version == "2.1":
        problem, asked = checked_pattern(cleaned["pattern"])
    else:
        errors, asked = reference_errors(cleaned["pattern"], str(version)), True
        problem = errors[0] if errors else None
    if asked:
        notes.append(STIX_PATTERNS)
    if problem is not None:
        raise Refused(problem, "pattern")


def _relationship(_t: ObjectCheck, cleaned: dict[str, Any], _o: dict[str, Any], _n: list[str]) -> None:
    _order(cleaned, "start_time", "stop_time", strict=True)


def _observed_data(_t: ObjectCheck, cleaned: dict[str, Any], _o: dict[str, Any], _n: list[str]) -> None:
    _order(cleaned, "first_observed", "last_observed", strict=False)
    _exactly_one(cleaned, ("objects", "object_refs"))


def _location(_t: ObjectCheck, c: dict[str, Any], _o: dict[str, Any], _n: list[str]) -> None:
    """Section 4.10: a region, a country, or both coordinates; precision needs both coordinates."""
    if c.get("precision") is not None:
        _depends(c, "longitude", "precision")
        _depends(c, "latitude", "precision")
    _depends(c, "latitude", "longitude")
    _depends(c, "longitude", "latitude")
    if not ("region" in c or "country" in c or ("latitude" in c and "longitude" in c)):
        raise Refused("a location needs 'region', 'country', or 'latitude' and 'longitude'")


def _external_reference(_t: ObjectCheck, c: dict[str, Any], _o: dict[str, Any], _n: list[str]) -> None:
    _at_least_one(c, ("description", "external_id", "url"))
    if "hashes" in c and any(name not in common.ExternalReference._LEGAL_HASHES for name in c["hashes"]):
        raise Refused("hash algorithm names must be from hash-algorithm-ov", "hashes")


def _granular_marking(_t: ObjectCheck, c: dict[str, Any], _o: dict[str, Any], _n: list[str]) -> None:
    _at_least_one(c, ("lang", "marking_ref"))
    _exactly_one(c, ("lang", "marking_ref"))


TLP_V1 = {
    m.definition["tlp"]: m for m in (stix2.v21.TLP_WHITE, stix2.v21.TLP_GREEN, stix2.v21.TLP_AMBER, stix2.v21.TLP_RED)
}


def _marking_definition(_t: ObjectCheck, c: dict[str, Any], _o: dict[str, Any], _n: list[str]) -> None:
    """Section 7.2.1: a definition or extensions; the TLP 1.0 definitions keep their published ids and dates."""
    definition, kind = c.get("definition"), c.get("definition_type")
    if not (kind and definition) and not c.get("extensions"):
        raise Refused("a marking-definition needs 'definition_type' and 'definition', or 'extensions'")
    if kind != "tlp":
        return
    if definition is None:
        raise Refused("is required for a TLP marking", "definition")
    published = TLP_V1.get(definition["tlp"])
    if published is None:
        raise Refused("a 'tlp' definition must be one of the TLP 1.0 markings (white, green, amber, red)", "definition")
    if c["created"] is DEFAULT_TIME:
        raise Unsure("a rule on a timestamp the reference sets to the current time")
    if c["id"] != published.id or c["created"] != micros_of(published.created):
        raise Refused(f"TLP:{definition['tlp'].upper()} must be the published definition {published.id}", "id")


def _artifact(_t: ObjectCheck, c: dict[str, Any], _o: dict[str, Any], _n: list[str]) -> None:
    _exactly_one(c, ("payload_bin", "url"))
    _depends(c, "hashes", "url")


def _email_message(_t: ObjectCheck, c: dict[str, Any], _o: dict[str, Any], _n: list[str]) -> None:
    _depends(c, "is_multipart", "body_multipart")
    if c.get("is_multipart") is True and c.get("body"):
        raise Refused("may only be given when 'is_multipart' is false", "body")


def _socket(_t: ObjectCheck, c: dict[str, Any], _o: dict[str, Any], _n: list[str]) -> None:
    prefixes = ("SO_", "ICMP_", "ICMP6_", "IP_", "IPV6_", "MCAST_", "TCP_", "IRLMP_")
    for key, value in (c.get("options") or {}).items():
        if key[: key.find("_") + 1] not in prefixes or not isinstance(value, int):
            raise Refused("keys must be socket option names (SO_, IP_, TCP_ ...) with integer values", "options")


def _network_traffic(_t: ObjectCheck, c: dict[str, Any], _o: dict[str, Any], _n: list[str]) -> None:
    """Section 6.12: an endpoint; traffic that has ended is not active; it ends after it starts."""
    _at_least_one(c, ("src_ref", "dst_ref"))
    if "end" in c and c.get("is_active") is not False:
        raise Refused("must be false when 'end' is given", "is_active")
    _order(c, "start", "end", strict=False)


def _listed(*names: str) -> Rule:
    def rule(_t: ObjectCheck, c: dict[str, Any], _o: dict[str, Any], _n: list[str]) -> None:
        _at_least_one(c, names)

    return rule


def _any_property(cls: type) -> Rule:
    """stix2's ``_check_at_least_one_property()`` with its default list: any property of the class."""
    exceptions = {"extensions", "type"}
    if issubclass(cls, stix_base._Observable):
        exceptions |= {"id", "defanged", "spec_version"}
    return _listed(*sorted(set(cls._properties) - exceptions))  # type: ignore[attr-defined]


def _process(cls: type) -> Rule:
    any_property = _any_property(cls)

    def rule(t: ObjectCheck, c: dict[str, Any], o: dict[str, Any], n: list[str]) -> None:
        if "extensions" not in c:  # the windows-process-ext itself must have a property, as every extension
            any_property(t, c, o, n)

    return rule


_X509 = (
    "is_self_signed",
    "hashes",
    "version",
    "serial_number",
    "signature_algorithm",
    "issuer",
    "validity_not_before",
    "validity_not_after",
    "subject",
    "subject_public_key_algorithm",
    "subject_public_key_modulus",
    "subject_public_key_exponent",
    "x509_v3_extensions",
)


def _nothing(_t: ObjectCheck, _c: dict[str, Any], _o: dict[str, Any], _n: list[str]) -> None:
    return None


_NOTHING: Rule = _nothing


_PORTS: dict[type, Callable[[type], Rule]] = {
    stix_base._STIXBase: lambda _c: _NOTHING,  # granular markings: checked by ``objects.run`` on every class
    stix_base._Extension: _any_property,
    common.ExternalReference: lambda _c: _external_reference,
    common.GranularMarking: lambda _c: _granular_marking,
    common.MarkingDefinition: lambda _c: _marking_definition,
    sdo.Campaign: lambda _c: _seen,
    sdo.Infrastructure: lambda _c: _seen,
    sdo.IntrusionSet: lambda _c: _seen,
    sdo.ThreatActor: lambda _c: _seen,
    sro.Sighting: lambda _c: _seen,
    sdo.Malware: lambda _c: _malware,
    sdo.Indicator: lambda _c: _indicator,
    sro.Relationship: lambda _c: _relationship,
    sdo.ObservedData: lambda _c: _observed_data,
    sdo.Location: lambda _c: _location,
    sdo.MalwareAnalysis: lambda _c: _listed("result", "analysis_sco_refs"),
    sco.Artifact: lambda _c: _artifact,
    sco.EmailMIMEComponent: lambda _c: _listed("body", "body_raw_ref"),
    sco.EmailMessage: lambda _c: _email_message,
    sco.WindowsPEOptionalHeaderType: _any_property,
    sco.File: lambda _c: _listed("hashes", "name"),
    sco.SocketExt: lambda _c: _socket,
    sco.NetworkTraffic: lambda _c: _network_traffic,
    sco.Process: _process,
    sco.X509Certificate: lambda _c: _listed(*_X509),
}


def ports_for(cls: type) -> tuple[Constraint, ...]:
    """The rules of a class and its bases, base first (each of the reference's rules calls its base's first)."""
    rules = []
    for klass in reversed(cls.__mro__):
        if "_check_object_constraints" in vars(klass):
            port = _PORTS.get(klass)
            if port is None:
                raise Unsure(f"the rules of {klass.__name__}")
            rules.append(port(cls))
    return tuple(rule for rule in rules if rule is not _NOTHING)


def _truthy(*names: str) -> Prepare:
    """Constructors that take these properties as named arguments keep them only when truthy."""

    def prepare(obj: dict[str, Any]) -> dict[str, Any]:
        if all(obj.get(name, True) for name in names):
            return obj
        return {key: value for key, value in obj.items() if key not in names or value}

    return prepare


def _with_id(obj: dict[str, Any]) -> dict[str, Any]:
    if "id" not in obj:
        raise Unsure("an observable without an id (the reference derives one)")
    return obj


def _marking(obj: dict[str, Any]) -> dict[str, Any]:
    """The reference builds ``definition`` from ``definition_type`` (section 7.2.1), without custom content."""
    if "definition_type" not in obj or "definition" not in obj:
        return obj
    try:
        marking_cls = common.OBJ_MAP_MARKING[obj["definition_type"]]
    except (KeyError, TypeError):
        raise Refused("must be 'tlp' or 'statement'", "definition_type") from None
    if type(obj["definition"]) is not dict:
        raise Unsure("a marking definition that is not a JSON object")
    try:
        definition = embedded(compiled(marking_cls, allow_custom=False))(obj["definition"])
    except Refused as exc:
        exc.path.insert(0, "definition")
        raise
    return {**obj, "definition": definition}


_CONSTRUCTORS: dict[type, Prepare | None] = {
    object: None,
    stix_base._STIXBase: None,
    stix_base._Observable: None,
    base21._Observable: _with_id,
    sdo.Indicator: None,  # its pattern_version default is applied with its rules
    sdo.ObservedData: None,  # it only warns that 'objects' is deprecated
    sro.Relationship: _truthy("source_ref", "relationship_type", "target_ref"),
    sro.Sighting: _truthy("sighting_of_ref"),
    common.StatementMarking: _truthy("statement"),
    common.MarkingDefinition: _marking,
}


def prepare_for(cls: type, *, derives_id: bool = False) -> Prepare | None:
    """The adjustments the class's constructors make before the common checks (subclass first); an observable
    embedded in observed-data may have its id derived (checked by ``objects.observed_objects``)."""
    steps: list[Prepare] = []
    for klass in cls.__mro__:
        if "__init__" in vars(klass):
            if klass not in _CONSTRUCTORS:
                raise Unsure(f"the constructor of {klass.__name__}")
            step = _CONSTRUCTORS[klass]
            if step is not None and not (derives_id and step is _with_id):
                steps.append(step)
    if not steps:
        return None
    if len(steps) == 1:
        return steps[0]

    def prepare(obj: dict[str, Any]) -> dict[str, Any]:
        for step in steps:
            obj = step(obj)
        return obj

    return prepare
