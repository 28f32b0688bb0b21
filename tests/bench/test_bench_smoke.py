"""Smoke test of the benchmark's own parts (data generator, raw SQLite baseline, envelopes): they run and agree.

No timings are asserted: performance is measured by bench/taxii_bench.py, never by tests.
"""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from bench.markings import FULL_CLASSES, TLP2, WireMarkings, reader_share
from bench.raw_sqlite import connect, insert, read
from bench.stixgen import DatasetInfo, generate, read_lines
from bench.taxii_client import envelopes

SIZE = 600


@pytest.fixture
def dataset(tmp_path: Path) -> DatasetInfo:
    return generate(tmp_path / "data.jsonl", SIZE, 7, WireMarkings())


def test_generator_is_deterministic_and_complete(dataset: DatasetInfo, tmp_path: Path) -> None:
    again = generate(tmp_path / "again.jsonl", SIZE, 7, WireMarkings())
    other = generate(tmp_path / "other.jsonl", SIZE, 8, WireMarkings())
    data = Path(dataset.path).read_bytes()
    assert data == Path(again.path).read_bytes()
    assert data != Path(other.path).read_bytes()
    objects = [orjson.loads(line) for line in read_lines(Path(dataset.path))]
    assert len(objects) == SIZE == sum(dataset.by_type.values())
    assert len({o["id"] for o in objects}) == SIZE
    assert set(dataset.by_type) == {"marking-definition", "indicator", "identity", "malware", "relationship"}
    assert dataset.definitions == len(WireMarkings().definitions()) == dataset.by_type["marking-definition"]
    assert dataset.reader_visible == sum(1 for o in objects if _reader_sees(o))


def _reader_sees(obj: dict[str, object]) -> bool:
    wire = WireMarkings()
    visible = [wire.refs(c) for c in FULL_CLASSES if c.reader_visible]
    return obj.get("object_marking_refs") in visible


def test_references_point_at_earlier_objects(dataset: DatasetInfo) -> None:
    seen: set[str] = set()
    for line in read_lines(Path(dataset.path)):
        obj = orjson.loads(line)
        refs = [obj.get("source_ref"), obj.get("target_ref"), *obj.get("object_marking_refs", [])]
        assert all(ref in seen or ref in TLP2.values() for ref in refs if ref)
        seen.add(obj["id"])


def test_generated_objects_are_valid_stix(dataset: DatasetInfo) -> None:
    stix2 = pytest.importorskip("stix2")
    for line in list(read_lines(Path(dataset.path)))[:200]:
        stix2.parse(line.decode(), allow_custom=False)


def test_markings_give_the_reader_a_tenth() -> None:
    assert reader_share(FULL_CLASSES) == pytest.approx(0.1)


def test_raw_sqlite_reads_back_what_it_inserted(dataset: DatasetInfo, tmp_path: Path) -> None:
    db = tmp_path / "raw.sqlite"
    inserted = insert(Path(dataset.path), db, batch=64)
    back = read(db, limit=50)
    assert inserted.objects == back.objects == SIZE
    conn = connect(db)
    stored = [row[0] for row in conn.execute("SELECT object FROM stix_object ORDER BY date_added")]
    conn.close()
    assert [s.encode() for s in stored] == list(read_lines(Path(dataset.path)))


def test_envelopes_respect_count_and_size() -> None:
    lines = [b'{"id":"x--%d"}' % i for i in range(25)]
    batches = list(envelopes(lines, per_envelope=10, max_bytes=120))
    assert sum(count for count, _ in batches) == 25
    assert all(count <= 10 and len(body) <= 120 for count, body in batches)
    ids = [o["id"] for _, body in batches for o in orjson.loads(body)["objects"]]
    assert ids == [f"x--{i}" for i in range(25)]
