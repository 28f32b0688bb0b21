"""Random STIX 2.1 objects of every type, for differential tests against the reference validators.

Two sources of valid objects: OASIS's ``stix2-generator`` (spec-driven random content for the SDOs, SROs, SCOs and
marking-definitions its registry knows), and ``SpecGenerator`` here, which reads the reference library's own
property tables (``stix2.v21``) and so covers every registered type, embedded type and predefined extension,
plus language-content, extension-definition and custom objects. ``tests.intel.fuzz_mutations`` then breaks some of
them.
"""

from __future__ import annotations

import base64
import random
import uuid
from typing import Any

import stix2.v21
from stix2 import properties as p
from stix2.registry import STIX2_OBJ_MAPS
from stix2.v21 import common

from tests.intel.fuzz_patterns import expression, feed_pattern

MAPS = STIX2_OBJ_MAPS["2.1"]
CUSTOM_TYPE = "x-acme-widget"
OBJECT_TYPES = sorted(set(MAPS["objects"]) - {"bundle"})
OBSERVABLE_TYPES = sorted(MAPS["observables"])
ALL_TYPES = [*OBJECT_TYPES, *OBSERVABLE_TYPES, CUSTOM_TYPE]
SDO_TYPES = [
    t
    for t in OBJECT_TYPES
    if t not in ("relationship", "sighting", "marking-definition", "language-content", "extension-definition")
]
REF_POOL = [
    *SDO_TYPES,
    *OBSERVABLE_TYPES,
    "relationship",
    "sighting",
    "marking-definition",
    "language-content",
    CUSTOM_TYPE,
    "x-other",
]
WORDS = ["alpha", "bravo", "charlie", "delta", "echo", "Tokyo", "東京", "a b", "x-y", "", "0", "https://example.org/a"]
PAIRS = [
    ("first_seen", "last_seen"),
    ("valid_from", "valid_until"),
    ("start_time", "stop_time"),
    ("first_observed", "last_observed"),
    ("validity_not_before", "validity_not_after"),
    ("start", "end"),
]
HASH_SIZES = {"MD5": 32, "SHA-1": 40, "SHA-256": 64, "SHA-512": 128, "SHA3-256": 64, "SSDEEP": 24, "TLSH": 70}


def new_id(rng: random.Random, kind: str) -> str:
    return f"{kind}--{uuid.UUID(int=rng.getrandbits(128), version=4)}"


def timestamp(rng: random.Random, year: int | None = None) -> str:
    year = year or rng.randint(2015, 2030)
    fraction = rng.choice(["", ".1", ".123", ".12", ".123456"])
    return (
        f"{year:04d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:"
        f"{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}{fraction}Z"
    )


def hex_digest(rng: random.Random, size: int) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(size))


class SpecGenerator:
    """Objects built from the reference's property tables: required properties always, others at random."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def object(self, kind: str) -> dict[str, Any]:
        if kind == CUSTOM_TYPE:
            return self.custom_object()
        cls = MAPS["objects"].get(kind) or MAPS["observables"][kind]
        obj = self.fields(cls, top=True)
        obj["type"], obj["id"] = kind, new_id(self.rng, kind)
        if kind in MAPS["objects"]:
            obj["spec_version"] = "2.1"
            obj["created"] = obj["modified"] = timestamp(self.rng, 2020)
            if kind == "marking-definition":
                obj.pop("modified", None)
        elif self.rng.random() < 0.5:
            obj["spec_version"] = "2.1"
        FIXES.get(kind, lambda _g, _o: None)(self, obj)
        self.order_times(obj)
        if self.rng.random() < 0.15:
            obj[f"x_{self.rng.choice(['acme', 'mitre', 'opencti'])}_note"] = self.rng.choice(
                ["text", 7, [1, 2], {"a": {"b": 1}}, True]
            )
        return obj

    def custom_object(self) -> dict[str, Any]:
        stamp = timestamp(self.rng, 2021)
        return {
            "type": CUSTOM_TYPE,
            "spec_version": "2.1",
            "id": new_id(self.rng, CUSTOM_TYPE),
            "created": stamp,
            "modified": stamp,
            "name": self.word(),
            "x_score": self.rng.randint(0, 9),
            "tags": ["a", "b"],
        }

    def fields(self, cls: type, *, top: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, prop in cls._properties.items():  # type: ignore[attr-defined]
            if name in ("type", "id", "spec_version", "created", "modified", "granular_markings", "extensions"):
                continue
            if prop.required or self.rng.random() < (0.35 if top else 0.5):
                out[name] = self.value(prop, name)
        if top and "extensions" in cls._properties and self.rng.random() < 0.2:  # type: ignore[attr-defined]
            out["extensions"] = self.extensions(cls)
        return out

    def word(self) -> str:
        return self.rng.choice(WORDS) + self.rng.choice(["", "", str(self.rng.randint(0, 99))])

    def value(self, prop: p.Property, name: str) -> Any:
        kind, rng = type(prop), self.rng
        if hasattr(prop, "_fixed_value"):
            return prop._fixed_value
        simple = {
            p.TimestampProperty: lambda: timestamp(rng),
            p.IntegerProperty: lambda: rng.randint(
                prop.min if prop.min is not None else -5, prop.max if prop.max is not None else 5000
            ),
            p.FloatProperty: lambda: round(
                rng.uniform(prop.min if prop.min is not None else -50, prop.max if prop.max is not None else 50), 3
            ),
            p.BooleanProperty: lambda: rng.choice([True, False]),
            p.HexProperty: lambda: hex_digest(rng, 2 * rng.randint(1, 4)),
            p.BinaryProperty: lambda: base64.b64encode(rng.randbytes(rng.randint(1, 9))).decode(),
            p.DictionaryProperty: lambda: {rng.choice(["en", "fr", "ja", "SO_KEEPALIVE", "key_1"]): self.word() or "v"},
            p.HashesProperty: lambda: self.hashes(),
            p.IDProperty: lambda: new_id(rng, prop.required_prefix[:-2]),
            p.ReferenceProperty: lambda: self.reference(prop),
            p.EnumProperty: lambda: rng.choice(prop.allowed),
            p.OpenVocabProperty: lambda: rng.choice([*prop.allowed, "custom-term"]),
            p.PatternProperty: lambda: feed_pattern(rng) if rng.random() < 0.7 else expression(rng),
            p.SelectorProperty: lambda: "name",
            p.EmbeddedObjectProperty: lambda: self.fields(prop.type),
            p.ObservableProperty: lambda: self.observed_objects(),
        }
        if kind in simple:
            return simple[kind]()
        if kind is p.ListProperty:
            contained = prop.contained
            if isinstance(contained, type):
                return [self.sub_object(contained) for _ in range(rng.randint(1, 3))]
            return [self.value(contained, name) for _ in range(rng.randint(1, 3))]
        return self.word()

    def sub_object(self, cls: type) -> dict[str, Any]:
        obj = self.fields(cls)
        if cls is common.ExternalReference:
            obj.setdefault("url", "https://example.org/" + self.word())
            if "hashes" in obj:
                obj["hashes"] = {"SHA-256": hex_digest(self.rng, 64)}
        if cls is common.GranularMarking:
            obj.pop("lang" if "marking_ref" in obj else "marking_ref", None)
            obj.setdefault("lang", "en")
        return obj

    def reference(self, prop: p.ReferenceProperty) -> str:
        pool = sorted(prop.specifics) if prop.specifics and not prop.generics and prop.auth_type == 0 else REF_POOL
        for _ in range(30):
            candidate = new_id(self.rng, self.rng.choice(pool))
            try:
                prop.clean(candidate, True)
            except Exception:  # the reference refuses this type here; draw again
                continue
            return candidate
        return new_id(self.rng, "identity")

    def hashes(self) -> dict[str, str]:
        names = self.rng.sample(sorted(HASH_SIZES), self.rng.randint(1, 3))
        return {name: hex_digest(self.rng, HASH_SIZES[name]) for name in names}

    def extensions(self, cls: type) -> dict[str, Any]:
        rng = self.rng
        if rng.random() < 0.5 and cls in MAPS["observables"].values():
            name = rng.choice(sorted(MAPS["extensions"]))
            return {name: self.fields(MAPS["extensions"][name])}
        kind = rng.choice(["property-extension", "toplevel-property-extension", "new-sdo"])
        return {new_id(rng, "extension-definition"): {"extension_type": kind, "rank": rng.randint(1, 5)}}

    def observed_objects(self) -> dict[str, Any]:
        kind = self.rng.choice(["ipv4-addr", "domain-name", "url", "file", CUSTOM_TYPE])
        body = self.fields(MAPS["observables"][kind]) if kind != CUSTOM_TYPE else {"name": "w"}
        if kind == "file":
            body.setdefault("name", "a.exe")
        return {"0": {"type": kind, **body}}

    def order_times(self, obj: dict[str, Any]) -> None:
        for early, late in PAIRS:
            if early in obj and late in obj and self.rng.random() < 0.9:
                obj[early], obj[late] = sorted([obj[early], obj[late]])
                if obj[early] == obj[late]:
                    obj[late] = "2031-01-01T00:00:00Z"


def _indicator(g: SpecGenerator, o: dict[str, Any]) -> None:
    if g.rng.random() < 0.85:
        o["pattern_type"] = "stix"
        o.pop("pattern_version", None)
    if g.rng.random() < 0.5:
        o["valid_from"] = o["created"]


def _location(g: SpecGenerator, o: dict[str, Any]) -> None:
    if g.rng.random() < 0.5:
        o.setdefault("country", "JP")
    elif "latitude" in o or "longitude" in o:
        o.setdefault("latitude", 35.6)
        o.setdefault("longitude", 139.7)
    else:
        o.setdefault("region", "eastern-asia")
        o.pop("precision", None)


def _malware(g: SpecGenerator, o: dict[str, Any]) -> None:
    if o.get("is_family"):
        o.setdefault("name", "family " + g.word())


def _one_of(*names: str) -> Any:
    def fix(g: SpecGenerator, o: dict[str, Any]) -> None:
        if not any(n in o for n in names):
            first = names[0]
            o[first] = g.value(
                MAPS["objects"].get(o["type"], MAPS["observables"].get(o["type"]))._properties[first], first
            )  # type: ignore[union-attr]

    return fix


def _observed_data(g: SpecGenerator, o: dict[str, Any]) -> None:
    if "objects" in o and "object_refs" in o:
        del o[g.rng.choice(["objects", "object_refs"])]
    if "objects" not in o and "object_refs" not in o:
        o["object_refs"] = [new_id(g.rng, "ipv4-addr")]


def _artifact(g: SpecGenerator, o: dict[str, Any]) -> None:
    if "payload_bin" in o:
        o.pop("url", None)
    else:
        o.setdefault("url", "https://example.org/sample.bin")
        o.setdefault("hashes", g.hashes())


def _email(g: SpecGenerator, o: dict[str, Any]) -> None:
    if o["is_multipart"]:
        o.pop("body", None)
    else:
        o.pop("body_multipart", None)


def _marking_definition(g: SpecGenerator, o: dict[str, Any]) -> None:
    roll = g.rng.random()
    o.pop("definition", None)
    o.pop("definition_type", None)
    if roll < 0.3:
        published = g.rng.choice([stix2.v21.TLP_WHITE, stix2.v21.TLP_GREEN, stix2.v21.TLP_AMBER, stix2.v21.TLP_RED])
        o.clear()
        o.update(
            {
                "type": "marking-definition",
                "spec_version": "2.1",
                "id": published.id,
                "created": "2017-01-20T00:00:00.000Z",
                "definition_type": "tlp",
                "name": published.name,
                "definition": {"tlp": published.definition.tlp},
            }
        )
    elif roll < 0.6:
        o.update(definition_type="statement", definition={"statement": "Copyright " + g.word()})
    else:
        o["extensions"] = {
            "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d": {
                "extension_type": "property-extension",
                "tlp_2_0": g.rng.choice(["clear", "green", "amber", "red"]),
            }
        }


FIXES: dict[str, Any] = {
    "indicator": _indicator,
    "location": _location,
    "malware": _malware,
    "malware-analysis": _one_of("result", "analysis_sco_refs"),
    "observed-data": _observed_data,
    "artifact": _artifact,
    "email-message": _email,
    "file": _one_of("name", "hashes"),
    "network-traffic": _one_of("dst_ref", "src_ref"),
    "x509-certificate": _one_of("serial_number"),
    "marking-definition": _marking_definition,
}
