"""Granular markings and mutations for the generated objects of ``tests.intel.fuzz_objects``, and the mixed stream
the differential tests read: every STIX 2.1 type in turn, from both generators, a third of them broken."""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import faker
import stix2generator

from tests.intel.fuzz_objects import ALL_TYPES, MAPS, SpecGenerator, new_id
from tests.intel.fuzz_patterns import generated_patterns

MARKING = "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"
GENERATOR_TYPES = frozenset(stix2generator._get_registry("2.1"))
ODD_VALUES: list[Any] = [None, [], {}, "", 0, -1, 12345, True, "true", 3.5, "50", ["x", 1], {"a": 1}, "single", "nan"]
ODD_TIMESTAMPS = [
    "2020-01-01",
    "2020-01-01T00:00:00",
    "2020-02-30T00:00:00Z",
    "2020-01-01T00:00:00.1234567Z",
    "2020-1-1T0:0:0Z",
    "2020-01-01T00:00:00+00:00",
    "2020-01-01T00:00:60Z",
    "0000-01-01T00:00:00Z",
    "2020-01-01T00:00:00.000Z",
]
ODD_NAMES = ["x_custom", "_private", "Upper", "9lives", "x.dotted", "", "self", "allow_custom", "ünïcode", "x-dash"]


def paths(value: Any, prefix: str = "") -> Iterator[str]:
    """Every selector path of a JSON value, including ones into embedded objects (which the reference refuses)."""
    if isinstance(value, dict):
        for key, inner in value.items():
            here = f"{prefix}.{key}" if prefix else key
            yield here
            yield from paths(inner, here)
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            here = f"{prefix}.[{index}]"
            yield here
            yield from paths(inner, here)


def add_granular(rng: random.Random, obj: dict[str, Any]) -> None:
    found = [path for path in paths(obj) if not path.startswith("granular_markings")]
    chosen = rng.sample(found, min(len(found), rng.randint(1, 3))) + (["nothing_here"] if rng.random() < 0.1 else [])
    marking = {"marking_ref": MARKING} if rng.random() < 0.8 else {"lang": "ja"}
    obj["granular_markings"] = [{**marking, "selectors": chosen}]


def _any_key(rng: random.Random, obj: dict[str, Any]) -> str:
    return rng.choice(sorted(obj, key=str))


def _nested_list(obj: dict[str, Any]) -> list[dict[str, Any]]:
    return [item for value in obj.values() if isinstance(value, list) for item in value if isinstance(item, dict)]


def _break_item(rng: random.Random, obj: dict[str, Any]) -> None:
    items = _nested_list(obj)
    if items:
        item = rng.choice(items)
        if item and rng.random() < 0.5:
            item.pop(_any_key(rng, item))
        else:
            item[rng.choice(ODD_NAMES)] = rng.choice(ODD_VALUES)


def _swap_times(rng: random.Random, obj: dict[str, Any]) -> None:
    stamps = [k for k, v in obj.items() if isinstance(v, str) and v[:2] in ("19", "20") and v.endswith("Z")]
    if len(stamps) >= 2:
        a, b = rng.sample(stamps, 2)
        obj[a], obj[b] = obj[b], obj[a]


def _pattern(rng: random.Random, obj: dict[str, Any]) -> None:
    if obj.get("type") == "indicator":
        obj["pattern"] = next(generated_patterns(1, rng.randrange(10**9)))
        if rng.random() < 0.2:
            obj["pattern_version"] = rng.choice(["2.0", "", "2.1", 2.1])


def _hashes(rng: random.Random, obj: dict[str, Any]) -> None:
    obj["hashes"] = {
        rng.choice(["MD5", "md5", "sha256", "SHA-256", "FOO", "SHA3-256", "x-custom"]): rng.choice(
            ["d41d8cd98f00b204e9800998ecf8427e", "zz", "D41D8CD98F00B204E9800998ECF8427E", 5]
        )
    }


def _extensions(rng: random.Random, obj: dict[str, Any]) -> None:
    obj["extensions"] = rng.choice(
        [
            {"extension-definition--" + str(uuid.uuid4()): {"extension_type": "toplevel-property-extension"}},
            {"extension-definition--BAD": {"extension_type": "property-extension"}},
            {"ntfs-ext": {"sid": "S-1"}},
            {"ntfs-ext": {}},
            {"x-custom-ext": {"a": 1}},
            {"extension-definition--" + str(uuid.uuid4()): "not an object"},
            "not an object",
            {},
        ]
    )
    if rng.random() < 0.5:
        obj[rng.choice(ODD_NAMES)] = "free under a top-level property extension?"


def _reference_hashes(rng: random.Random, obj: dict[str, Any]) -> None:
    names = ["sha256", "SHA-256", "sha-256", "SHA3-256", "sha3_256", "md5", "TLSH", "ssdeep", "whirlpool", "x-hash"]
    digest = rng.choice(
        ["d41d8cd98f00b204e9800998ecf8427e", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"]
    )
    obj["external_references"] = [{"source_name": "s", "url": "u", "hashes": {rng.choice(names): digest}}]


def _marking(rng: random.Random, obj: dict[str, Any]) -> None:
    if obj.get("type") != "marking-definition":
        return
    obj.update(
        rng.choice(
            [
                {"definition_type": "tlp", "definition": {"tlp": rng.choice(["white", "green", "clear", "red"])}},
                {"definition_type": "statement", "definition": {"statement": "x", "x_extra": 1}},
                {"definition_type": "statement", "definition": {"statement": ""}},
                {"definition_type": "tlp", "definition": {"statement": "x"}},
                {"definition_type": "nope", "definition": {"tlp": "red"}},
                {"definition_type": "tlp"},
                {"definition": {"tlp": "red"}},
                {"created": rng.choice(["2017-01-20T00:00:00Z", "2017-01-20T00:00:00.001Z"])},
            ]
        )
    )


MUTATIONS: list[Callable[[random.Random, dict[str, Any]], None]] = [
    lambda rng, o: o.pop(_any_key(rng, o)),
    lambda rng, o: o.update({_any_key(rng, o): rng.choice(ODD_VALUES)}),
    lambda rng, o: o.update({_any_key(rng, o): rng.choice(ODD_VALUES)}),
    lambda rng, o: o.update({rng.choice(ODD_NAMES): rng.choice(["v", None, 1])}),
    lambda rng, o: o.update(id=o["id"].upper()),
    lambda rng, o: o.update(id=o["id"][:-12] + "zzzzzzzzzzzz"),
    lambda rng, o: o.update(id=o["id"][: o["id"].index("--") + 21] + "c" + o["id"][o["id"].index("--") + 22 :]),
    lambda rng, o: o.update(
        {rng.choice(["created", "modified", "valid_from", "first_seen", "published"]): rng.choice(ODD_TIMESTAMPS)}
    ),
    lambda rng, o: o.update(spec_version=rng.choice(["2.0", "2.2", 2.1])),
    lambda rng, o: o.update(created_by_ref=new_id(rng, rng.choice(["identity", "malware", "x-org"]))),
    lambda rng, o: o.update(
        object_marking_refs=rng.choice([[new_id(rng, "identity")], ["marking-definition--zz"], MARKING])
    ),
    lambda rng, o: o.update(labels=rng.choice(["single", ["a", 1], {"k": 1}, [None]])),
    lambda rng, o: o.update(confidence=rng.choice([-1, 101, "50", True, 3.5, "x"])),
    lambda rng, o: o.update(revoked=rng.choice(["true", 1, "yes", "F", 0.0])),
    lambda rng, o: o.update(lang=rng.choice([5, "en", ["en"]])),
    _break_item,
    _swap_times,
    _pattern,
    _hashes,
    _extensions,
    _reference_hashes,
    _marking,
    _marking,
    lambda rng, o: add_granular(rng, o),
    lambda rng, o: o.update(granular_markings=[{"marking_ref": MARKING, "lang": "en", "selectors": ["id"]}]),
    lambda rng, o: o.update(external_references=[{"source_name": "x"}]),
    lambda rng, o: o.update(kill_chain_phases=[{"kill_chain_name": "k", "phase_name": rng.choice(["p", "", None, 3])}]),
]


def mutate(rng: random.Random, obj: dict[str, Any]) -> None:
    for _ in range(rng.choice([1, 1, 1, 2])):
        try:
            rng.choice(MUTATIONS)(rng, obj)
        except (KeyError, ValueError, IndexError, AttributeError, TypeError):
            continue  # an earlier mutation removed or replaced what this one edits


def generated_objects(count: int, seed: int) -> Iterator[tuple[str, dict[str, Any]]]:
    """(type, object) pairs: every type in turn, half from stix2-generator where it knows the type, granular
    markings on a sixth, a third mutated."""
    rng = random.Random(seed)
    random.seed(seed)  # stix2-generator draws from the random module and Faker
    faker.Faker.seed(seed)
    oasis = stix2generator.create_object_generator()
    spec = SpecGenerator(rng)
    for index in range(count):
        kind = ALL_TYPES[index % len(ALL_TYPES)]
        obj = oasis.generate(kind) if kind in GENERATOR_TYPES and rng.random() < 0.5 else spec.object(kind)
        if (
            "granular_markings"
            in getattr(MAPS["objects"].get(kind) or MAPS["observables"].get(kind), "_properties", {})
            and rng.random() < 0.16
        ):
            add_granular(rng, obj)
        if rng.random() < 0.33:
            mutate(rng, obj)
        yield kind, obj
