"""Smoke test of the realistic benchmark data (``bench.realistic``): seeded, every type it promises, valid STIX
the hub stores whole, judged without stix2.parse, and marked so that the reader sees what the markings say.

No timings are asserted: performance is measured by bench/validation_bench.py and bench/taxii_bench.py.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import orjson
import pytest
from bench.markings import FULL_CLASSES, TLP2, WireMarkings
from bench.realistic import TYPE_WEIGHTS
from bench.stixgen import DatasetInfo, generate, read_lines

from liaison_hub.intel import validation

SIZE = 1500


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> DatasetInfo:
    return generate(tmp_path_factory.mktemp("realistic") / "data.jsonl", SIZE, 7, WireMarkings(), data="realistic")


@pytest.fixture(scope="module")
def objects(dataset: DatasetInfo) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in read_lines(Path(dataset.path))]


def test_seeded_and_complete(dataset: DatasetInfo, objects: list[dict[str, Any]], tmp_path: Path) -> None:
    again = generate(tmp_path / "again.jsonl", SIZE, 7, WireMarkings(), data="realistic")
    other = generate(tmp_path / "other.jsonl", SIZE, 8, WireMarkings(), data="realistic")
    data = Path(dataset.path).read_bytes()
    assert data == Path(again.path).read_bytes()
    assert data != Path(other.path).read_bytes()
    assert len(objects) == SIZE == len({o["id"] for o in objects})
    assert set(dataset.by_type) == {*TYPE_WEIGHTS, "marking-definition"}
    assert dataset.profile == "realistic+" + WireMarkings.profile


def test_shapes_real_feeds_carry(objects: list[dict[str, Any]]) -> None:
    def share(test: Any) -> float:
        return sum(1 for o in objects if test(o)) / len(objects)

    assert share(lambda o: "external_references" in o) > 0.3
    assert share(lambda o: "kill_chain_phases" in o) > 0.1
    assert share(lambda o: "granular_markings" in o) > 0.02
    assert share(lambda o: any(key.startswith("x_") for key in o)) > 0.1
    patterns = [o["pattern"] for o in objects if o["type"] == "indicator"]
    for form in ("ipv6-addr:value", "url:value", "email-addr:value", "file:hashes", " AND ", " OR ", "FOLLOWEDBY"):
        assert any(form in p for p in patterns), form
    assert any("WITHIN" in p for p in patterns)


def test_valid_and_judged_without_stix2_parse(objects: list[dict[str, Any]]) -> None:
    outcomes = [validation.verdict(o) for o in objects]
    assert [o for o, v in zip(objects, outcomes, strict=True) if v.problem is not None] == []
    assert all(v.route != validation.REFERENCE for v in outcomes)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert [o["id"] for o in objects[::5] if validation.reference_error(o) is not None] == []


def test_markings_give_the_reader_what_they_say(dataset: DatasetInfo, objects: list[dict[str, Any]]) -> None:
    wire = WireMarkings()
    visible = [wire.refs(c) for c in FULL_CLASSES if c.reader_visible]
    assert dataset.reader_visible == sum(1 for o in objects if o.get("object_marking_refs") in visible)
    for obj in objects:
        for granular in obj.get("granular_markings", []):
            assert granular["marking_ref"] in obj["object_marking_refs"]
            assert granular["marking_ref"] in TLP2.values()
