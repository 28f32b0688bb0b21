"""Differential tests: on 20,000 generated objects of every STIX 2.1 type (valid and broken, from OASIS's
stix2-generator and from the reference library's own property tables) and on the public corpus, the hub's
validator gives exactly the verdicts of the reference validators (stix2.parse with custom content allowed, which
runs stix2-patterns), and reaches nearly all of them without stix2.parse."""

from __future__ import annotations

import warnings
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import orjson
import pytest

from liaison_hub.intel import validation
from tests.intel.fuzz_mutations import MARKING, generated_objects, paths
from tests.intel.fuzz_objects import ALL_TYPES, MAPS

SEEDS = (20260101, 20260102, 20260103, 20260104)
OBJECTS_PER_SEED = 5000  # 20,000 in all
SELECTOR_OBJECTS = 400
GRANULAR_TYPES = {
    t for t, c in {**MAPS["objects"], **MAPS["observables"]}.items() if "granular_markings" in c._properties
}
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
CORPUS_FILES = ("attack-mobile-17.1.json", "capec.json", "disarm.json", "mbc.json", "oasis-examples.json")


def reference_accepts(obj: Any) -> bool:
    """The reference's verdict, after the hub's own rules (which both paths share)."""
    return validation.hub_rule_error(obj) is None and validation.reference_error(obj) is None


def compare(objects: Iterable[tuple[str, Any]]) -> tuple[list[Any], Counter[tuple[str, bool]], Counter[str]]:
    """(disagreements, verdicts per type, routes) over the objects."""
    disagreements, verdicts, routes = [], Counter[tuple[str, bool]](), Counter[str]()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the reference warns that observed-data's 'objects' is deprecated
        for kind, obj in objects:
            ours, theirs = validation.verdict(obj), reference_accepts(obj)
            routes[ours.route] += 1
            verdicts[kind, theirs] += 1
            if (ours.problem is None) != theirs:
                disagreements.append((obj, ours, validation.reference_error(obj)))
    return disagreements, verdicts, routes


@pytest.mark.parametrize("seed", SEEDS)
def test_generated_objects_get_the_reference_verdicts(seed: int) -> None:
    disagreements, verdicts, routes = compare(generated_objects(OBJECTS_PER_SEED, seed))
    assert disagreements == []
    assert sum(verdicts.values()) == OBJECTS_PER_SEED
    lacking = [kind for kind in ALL_TYPES if not verdicts[kind, True] or not verdicts[kind, False]]
    assert lacking == [], "every type is seen both valid and refused"
    judged = OBJECTS_PER_SEED - routes[validation.HUB_RULES]
    assert routes[validation.REFERENCE] < judged * 0.02, f"stix2.parse decided too many: {routes}"


def test_every_selector_path_gets_the_reference_verdict() -> None:
    """Granular markings select by path (section 7.2.3.1); the reference walks its cleaned object in its own way
    (no descent into embedded objects, a list item's index is its first equal's, defaults count), so each path
    of each object is tried alone."""
    with_paths = []
    for kind, obj in generated_objects(SELECTOR_OBJECTS, SEEDS[0]):
        if kind not in GRANULAR_TYPES or validation.check(obj) is not None:
            continue
        obj.pop("granular_markings", None)
        for path in [*paths(obj), "revoked", "spec_version", "defanged", "id", "type", "x"]:
            marked = {**obj, "granular_markings": [{"marking_ref": MARKING, "selectors": [path]}]}
            with_paths.append((kind, marked))
    disagreements, verdicts, routes = compare(with_paths)
    assert disagreements == []
    assert sum(n for (_kind, valid), n in verdicts.items() if valid) > len(with_paths) // 3
    assert routes[validation.REFERENCE] < len(with_paths) * 0.02


def corpus_objects(name: str) -> list[dict[str, Any]]:
    path = CORPUS / name
    if not path.exists():
        pytest.skip(f"the public corpus is not here ({path}): see ../shared/corpus/README.md")
    objects: list[dict[str, Any]] = orjson.loads(path.read_bytes())["objects"]
    return objects


@pytest.mark.parametrize("name", CORPUS_FILES)
def test_public_corpus_gets_the_reference_verdicts_without_stix2_parse(name: str) -> None:
    objects = corpus_objects(name)
    disagreements, _verdicts, routes = compare((obj["type"], obj) for obj in objects)
    assert disagreements == []
    assert routes[validation.REFERENCE] <= len(objects) * 0.02
