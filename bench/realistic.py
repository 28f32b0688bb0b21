"""Realistic benchmark data (``--data realistic``): not shaped by the hub's fast paths. OASIS's stix2-generator
(spec-driven random content) for the domain objects real collections carry, mixed with the feed-shaped content of
``bench.feeds``; decorated as feeds decorate (external references, labels, confidence, custom ``x_`` properties,
granular markings); marked like ``bench.stixgen``'s data, so the benchmark's reader sees the same tenth.

The stream is seeded and byte-identical from run to run: what stix2-generator draws from the clock or from
``uuid4`` (identifiers, timestamps near "now") is replaced by seeded values, keeping each object's timestamps in the
order the generator gave them; and as its choices also follow the iteration order of Python's sets of strings,
``bench.stixgen.generate`` runs this module with a fixed ``PYTHONHASHSEED``.

    PYTHONHASHSEED=0 python -m bench.realistic FILE COUNT SEED
"""

from __future__ import annotations

import random
import re
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import faker
import stix2generator

from bench.feeds import Feeds, Obj, Recent, new_id
from bench.markings import TLP2, MarkingClass, WireMarkings
from bench.stixgen import BASE_TIME, _stamp

# Shares of the stream, after the marking-definitions (feeds and ATT&CK/CAPEC/MISP/OpenCTI exports, blended).
TYPE_WEIGHTS = {
    "indicator": 26,
    "relationship": 18,
    "attack-pattern": 6,
    "malware": 4,
    "identity": 3,
    "intrusion-set": 2,
    "campaign": 2,
    "course-of-action": 3,
    "tool": 2,
    "threat-actor": 1,
    "vulnerability": 2,
    "location": 1,
    "report": 2,
    "note": 1,
    "sighting": 3,
    "observed-data": 3,
    "infrastructure": 1,
    "grouping": 1,
    "x-mitre-tactic": 1,
    "ipv4-addr": 5,
    "domain-name": 5,
    "url": 3,
    "file": 3,
    "network-traffic": 2,
    "email-addr": 1,
    "ipv6-addr": 1,
}
FROM_GENERATOR = {
    "malware",
    "identity",
    "intrusion-set",
    "campaign",
    "course-of-action",
    "tool",
    "threat-actor",
    "location",
    "infrastructure",
    "grouping",
    "file",
    "network-traffic",
}
OBSERVABLES = {"ipv4-addr", "ipv6-addr", "domain-name", "url", "email-addr", "file", "network-traffic"}
OPENING = ("identity", "identity", "malware", "attack-pattern", "intrusion-set", "ipv4-addr", "domain-name")
_ID = re.compile(r"([a-z][a-z0-9-]*)--[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z")
_OWN_TIMES = ("created", "modified")


class RealisticGenerator:
    """Yields realistic objects one by one (same interface as ``bench.stixgen.Generator``)."""

    def __init__(self, seed: int, wire: WireMarkings) -> None:
        self.rng = random.Random(seed)
        random.seed(seed)  # stix2-generator draws from the random module and from Faker
        faker.Faker.seed(seed)
        self.oasis = stix2generator.create_object_generator()
        self.wire = wire
        self.recent = Recent(self.rng)
        self.feeds = Feeds(self.rng, self.recent)
        self.types, self.weights = list(TYPE_WEIGHTS), list(TYPE_WEIGHTS.values())
        self.class_weights = [c.weight for c in wire.classes]

    def stream(self, count: int) -> Iterator[tuple[dict[str, object], MarkingClass | None]]:
        definitions = self.wire.definitions()[:count]
        for definition in definitions:
            yield definition, None
        for index in range(count - len(definitions)):
            kind = OPENING[index] if index < len(OPENING) else self.rng.choices(self.types, self.weights)[0]
            yield self.make(kind, index)

    def make(self, kind: str, index: int) -> tuple[dict[str, object], MarkingClass]:
        marking = self.rng.choices(self.wire.classes, self.class_weights)[0]
        if kind in FROM_GENERATOR and self.rng.random() < 0.7:
            obj = self.generated(kind, index)
        else:
            obj = self.common(kind, index)
            self.build(obj)
        self.decorate(obj, marking)
        self.recent.add(obj)
        return obj, marking

    def build(self, obj: Obj) -> None:
        feeds = self.feeds
        builders = {
            "indicator": feeds.indicator,
            "relationship": feeds.relationship,
            "sighting": feeds.sighting,
            "observed-data": feeds.observed_data,
            "attack-pattern": feeds.attack_pattern,
            "vulnerability": feeds.vulnerability,
            "report": feeds.report,
            "note": feeds.note,
            "x-mitre-tactic": feeds.tactic,
        }
        if obj["type"] in OBSERVABLES:
            feeds.observable(obj)
        else:
            builders.get(obj["type"], _named(feeds))(obj)

    def common(self, kind: str, index: int) -> Obj:
        if kind in OBSERVABLES:
            return {"type": kind, "spec_version": "2.1", "id": new_id(self.rng, kind)}
        created = _stamp(BASE_TIME + timedelta(milliseconds=index * 7))
        obj: Obj = {
            "type": kind,
            "spec_version": "2.1",
            "id": new_id(self.rng, kind),
            "created": created,
            "modified": created,
        }
        if kind != "identity" and self.recent.ids.get("identity"):
            obj["created_by_ref"] = self.recent.pick("identity")
        return obj

    def generated(self, kind: str, index: int) -> Obj:
        """stix2-generator's object with seeded ids, references to earlier objects and seeded timestamps."""
        raw = self.oasis.generate(kind)
        obj = self.common(kind, index)
        mapping: dict[str, str] = {}
        for key, value in raw.items():
            if key in ("id", "type", "spec_version", "object_marking_refs", "granular_markings", *_OWN_TIMES):
                continue
            obj[key] = self._reseed(value, mapping)
        self._retime(obj)
        if "created_by_ref" in raw and "created_by_ref" not in obj:
            obj["created_by_ref"] = self.recent.pick("identity")
        return obj

    def _reseed(self, value: Any, mapping: dict[str, str]) -> Any:
        """The generator's random identifiers, replaced by earlier objects of the same type (or seeded ids)."""
        if isinstance(value, str) and (found := _ID.fullmatch(value)):
            if value not in mapping:
                mapping[value] = self.recent.pick(found.group(1))
            return mapping[value]
        if isinstance(value, list):
            return [self._reseed(item, mapping) for item in value]
        if isinstance(value, dict):
            return {self._reseed(k, mapping): self._reseed(v, mapping) for k, v in value.items()}
        return value

    def _retime(self, obj: Obj) -> None:
        """Seeded timestamps in the order the generator's were (so first_seen <= last_seen stays true)."""
        texts = {text for key, value in obj.items() if key not in _OWN_TIMES for text in _strings(value)}
        found = sorted(text for text in texts if _TIME.fullmatch(text))
        moments, moment = {}, BASE_TIME - timedelta(days=self.rng.randint(30, 900))
        for value in found:
            moment += timedelta(seconds=self.rng.randint(1, 10**6))
            moments[value] = _stamp(moment)
        for key, value in list(obj.items()):
            if key not in _OWN_TIMES:
                obj[key] = _replaced(value, moments)

    def decorate(self, obj: Obj, marking: MarkingClass) -> None:
        """Markings, and what feeds add to domain objects: external references, labels, confidence, x_ fields;
        granular markings repeat the object's own TLP marking, so the reader's share stays the same."""
        obj["object_marking_refs"] = self.wire.refs(marking)
        if obj["type"] in OBSERVABLES:
            return
        rng = self.rng
        if "external_references" not in obj and rng.random() < 0.6:
            obj["external_references"] = self.feeds.external_references()
        if rng.random() < 0.4:
            obj["labels"] = sorted({rng.choice(["tlp-tagged", "apt", "crimeware", "phishing", "ics"]) for _ in "ab"})
        if rng.random() < 0.5 and obj["type"] != "x-mitre-tactic":
            obj["confidence"] = rng.choice([15, 50, 75, 85, 100])
        if rng.random() < 0.25:
            obj[rng.choice(["x_opencti_detection", "x_misp_category", "x_acme_source"])] = rng.choice(
                [True, "Network activity", {"feed": "partner", "rank": 3}]
            )
        if rng.random() < 0.08:
            fields = [key for key in ("description", "name", "labels", "external_references") if key in obj]
            if fields:
                selectors = [f if f not in ("labels", "external_references") else f"{f}.[0]" for f in fields[:2]]
                obj["granular_markings"] = [{"marking_ref": TLP2[marking.tlp], "selectors": selectors}]


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)


def _replaced(value: Any, moments: dict[str, str]) -> Any:
    if isinstance(value, str):
        return moments.get(value, value)
    if isinstance(value, list):
        return [_replaced(item, moments) for item in value]
    if isinstance(value, dict):
        return {key: _replaced(item, moments) for key, item in value.items()}
    return value


def _named(feeds: Feeds) -> Any:
    """Types without a feed builder of their own: a name and a description, as the generator would give."""

    def build(obj: Obj) -> None:
        obj.update(name=feeds.words(1, 3).title(), description=feeds.words(6, 20))
        if obj["type"] == "malware":
            obj["is_family"] = True
        elif obj["type"] == "identity":
            obj["identity_class"] = "organization"
        elif obj["type"] == "location":
            obj["country"] = feeds.rng.choice(["JP", "KR", "AU", "NZ", "BE"])
        elif obj["type"] == "grouping":
            obj.update(context="suspicious-activity", object_refs=feeds.recent.some("indicator", "malware"))

    return build


def main(argv: list[str]) -> int:
    """Write FILE (JSON lines) and its sidecar, as ``bench.stixgen.generate(..., data="realistic")``."""
    from bench.stixgen import generate

    path, count, seed = argv
    generate(Path(path), int(count), int(seed), WireMarkings(), data="realistic")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
