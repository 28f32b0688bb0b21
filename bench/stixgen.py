"""Deterministic STIX 2.1 test data: indicators (IPv4, domain, file-hash patterns), identities, malware and
relationships, each marked so that the benchmark's reader principal may see about a tenth of them (the
"synthetic" data mode; ``bench.realistic`` makes the "realistic" one with the same markings).

The stream is seeded, so every run (and every server in one run) gets byte-identical objects. It is written once
to a JSON-lines file; a sidecar ``.meta.json`` holds counts, sample ids and the expected reader-visible count.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import uuid
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import orjson

from bench.markings import MarkingClass, WireMarkings

if TYPE_CHECKING:
    from bench.realistic import RealisticGenerator

TYPE_WEIGHTS = {"indicator": 60, "relationship": 25, "malware": 8, "identity": 7}
SAMPLE_IDS = 400
BASE_TIME = datetime(2025, 1, 1, tzinfo=UTC)
SECTORS = ("government-national", "defense", "energy", "telecommunications", "financial-services", "technology")
MALWARE_TYPES = ("backdoor", "ransomware", "remote-access-trojan", "downloader", "wiper", "spyware")
TLDS = ("example.com", "example.net", "example.org", "test", "invalid")


@dataclass
class DatasetInfo:
    """What the benchmark needs to know about a generated file without reading it again."""

    path: str
    objects: int
    seed: int
    profile: str
    by_type: dict[str, int] = field(default_factory=dict)
    by_marking: dict[str, int] = field(default_factory=dict)
    definitions: int = 0
    reader_visible: int = 0
    sample_ids: list[str] = field(default_factory=list)
    reader_visible_ids: list[str] = field(default_factory=list)
    bytes: int = 0

    def save(self, meta_path: Path) -> None:
        meta_path.write_bytes(orjson.dumps(asdict(self), option=orjson.OPT_INDENT_2))

    @classmethod
    def load(cls, meta_path: Path) -> DatasetInfo:
        return cls(**orjson.loads(meta_path.read_bytes()))


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


class Generator:
    """Yields STIX objects one by one; holds only a few recent ids per type for relationship targets."""

    def __init__(self, seed: int, wire: WireMarkings) -> None:
        self.rng = random.Random(seed)
        self.wire = wire
        self.recent: dict[str, deque[str]] = {t: deque(maxlen=64) for t in TYPE_WEIGHTS}
        self.types = list(TYPE_WEIGHTS)
        self.type_weights = list(TYPE_WEIGHTS.values())
        self.classes = wire.classes
        self.class_weights = [c.weight for c in wire.classes]

    def stix_id(self, stix_type: str) -> str:
        return f"{stix_type}--{uuid.UUID(int=self.rng.getrandbits(128), version=4)}"

    def common(self, stix_type: str, index: int, marking: MarkingClass) -> dict[str, object]:
        """Properties every STIX Domain/Relationship Object has (STIX 2.1 section 3.2)."""
        created = _stamp(BASE_TIME + timedelta(milliseconds=index * 7))
        return {
            "type": stix_type,
            "spec_version": "2.1",
            "id": self.stix_id(stix_type),
            "created": created,
            "modified": created,
            "object_marking_refs": self.wire.refs(marking),
        }

    def ipv4(self) -> str:
        r = self.rng
        return f"{r.randint(1, 223)}.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}"

    def domain(self) -> str:
        label = "".join(self.rng.choices("abcdefghijklmnopqrstuvwxyz0123456789", k=self.rng.randint(6, 14)))
        return f"{label}.{self.rng.choice(TLDS)}"

    def pattern(self) -> str:
        """Mostly the single-comparison forms real feeds carry; a few compound ones (STIX 2.1 section 9)."""
        roll = self.rng.random()
        if roll < 0.35:
            return f"[ipv4-addr:value = '{self.ipv4()}']"
        if roll < 0.65:
            return f"[domain-name:value = '{self.domain()}']"
        if roll < 0.85:
            return f"[file:hashes.'SHA-256' = '{self.rng.getrandbits(256):064x}']"
        if roll < 0.97:
            return f"[file:hashes.MD5 = '{self.rng.getrandbits(128):032x}']"
        return f"[ipv4-addr:value = '{self.ipv4()}'] OR [domain-name:value = '{self.domain()}']"

    def indicator(self, obj: dict[str, object]) -> None:
        obj.update(
            name=f"Indicator {obj['id'][-8:]}",  # type: ignore[index]
            indicator_types=["malicious-activity"],
            pattern=self.pattern(),
            pattern_type="stix",
            valid_from=obj["created"],
        )

    def identity(self, obj: dict[str, object]) -> None:
        obj.update(
            name=f"Organisation {self.rng.randrange(10**6):06d}",
            identity_class="organization",
            sectors=[self.rng.choice(SECTORS)],
        )

    def malware(self, obj: dict[str, object]) -> None:
        obj.update(
            name=f"Malware family {self.rng.randrange(10**5):05d}",
            is_family=True,
            malware_types=[self.rng.choice(MALWARE_TYPES)],
        )

    def relationship(self, obj: dict[str, object]) -> None:
        """indicator indicates malware, or malware targets identity (STIX 2.1 section 5.2)."""
        if self.recent["indicator"] and self.rng.random() < 0.7:
            source, kind, target = self.rng.choice(self.recent["indicator"]), "indicates", "malware"
        else:
            source, kind, target = self.rng.choice(self.recent["malware"]), "targets", "identity"
        obj.update(relationship_type=kind, source_ref=source, target_ref=self.rng.choice(self.recent[target]))

    def make(self, stix_type: str, index: int) -> tuple[dict[str, object], MarkingClass]:
        marking = self.rng.choices(self.classes, self.class_weights)[0]
        obj = self.common(stix_type, index, marking)
        getattr(self, stix_type)(obj)
        self.recent[stix_type].append(str(obj["id"]))
        return obj, marking

    def stream(self, count: int) -> Iterator[tuple[dict[str, object], MarkingClass | None]]:
        """``count`` objects: the marking definitions first, then a seed identity and malware, then a mix."""
        definitions = self.wire.definitions()[:count]
        for definition in definitions:
            yield definition, None
        opening = ["identity", "malware"]
        for index in range(count - len(definitions)):
            stix_type = opening[index] if index < len(opening) else self.rng.choices(self.types, self.type_weights)[0]
            yield self.make(stix_type, index)


DATA_MODES = ("synthetic", "realistic")
"""synthetic: the four types above (the first benchmarks' data); realistic: ``bench.realistic``."""


def generate(path: Path, count: int, seed: int, wire: WireMarkings, data: str = "synthetic") -> DatasetInfo:
    """Write ``count`` objects as JSON lines to ``path``; reuse the file when its sidecar says it matches."""
    meta_path = path.with_suffix(".meta.json")
    profile = wire.profile if data == "synthetic" else f"{data}+{wire.profile}"
    if path.exists() and meta_path.exists():
        info = DatasetInfo.load(meta_path)
        if (info.objects, info.seed, info.profile) == (count, seed, profile) and path.stat().st_size == info.bytes:
            return info
    if data == "realistic" and os.environ.get("PYTHONHASHSEED") != "0" and type(wire) is WireMarkings:
        _generate_with_fixed_hashing(path, count, seed)
        return DatasetInfo.load(meta_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    info = DatasetInfo(path=str(path), objects=count, seed=seed, profile=profile)
    by_type: Counter[str] = Counter()
    by_marking: Counter[str] = Counter()
    sampler = random.Random(seed + 1)
    visible_sampler = random.Random(seed + 2)
    seen_visible = 0
    with path.open("wb") as out:
        for index, (obj, marking) in enumerate(_generator(data, seed, wire).stream(count)):
            line = orjson.dumps(obj)
            out.write(line + b"\n")
            info.bytes += len(line) + 1
            by_type[str(obj["type"])] += 1
            by_marking[marking.name if marking else "definition"] += 1
            _reservoir(info.sample_ids, str(obj["id"]), index, sampler)
            if marking is None:
                info.definitions += 1
            elif marking.reader_visible:
                _reservoir(info.reader_visible_ids, str(obj["id"]), seen_visible, visible_sampler)
                seen_visible += 1
    info.by_type, info.by_marking, info.reader_visible = dict(by_type), dict(by_marking), seen_visible
    info.save(meta_path)
    return info


def _generate_with_fixed_hashing(path: Path, count: int, seed: int) -> None:
    """stix2-generator's choices follow the order of Python's string sets: a fixed hash seed keeps the file
    byte-identical from run to run (``bench.realistic``)."""
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONHASHSEED": "0", "PYTHONPATH": os.pathsep.join([str(root), *sys.path])}
    argv = [sys.executable, "-m", "bench.realistic", str(path), str(count), str(seed)]
    subprocess.run(argv, cwd=root, env=env, check=True)


def _generator(data: str, seed: int, wire: WireMarkings) -> Generator | RealisticGenerator:
    if data == "realistic":
        from bench.realistic import RealisticGenerator  # stix2-generator loads in seconds: only when asked

        return RealisticGenerator(seed, wire)
    if data != "synthetic":
        raise ValueError(f"unknown data mode {data!r}: one of {', '.join(DATA_MODES)}")
    return Generator(seed, wire)


def _reservoir(sample: list[str], item: str, index: int, rng: random.Random) -> None:
    """Keep a uniform sample of ``SAMPLE_IDS`` items from a stream of unknown length (Algorithm R)."""
    if len(sample) < SAMPLE_IDS:
        sample.append(item)
        return
    slot = rng.randrange(index + 1)
    if slot < SAMPLE_IDS:
        sample[slot] = item


def read_lines(path: Path) -> Iterator[bytes]:
    """The file's objects as raw JSON bytes, one per line, without parsing them."""
    with path.open("rb") as source:
        for line in source:
            stripped = line.rstrip(b"\n")
            if stripped:
                yield stripped
