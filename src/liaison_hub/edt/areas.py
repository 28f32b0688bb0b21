"""The EDT areas, radar rings and the grouping of areas into the four quadrants of the common radar formats, read
from an editable data file (``edt/data/areas.json``) rather than written into code."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from liaison_hub.errors import InvalidInput

AREAS_FILE = Path(__file__).parent / "data" / "areas.json"


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    quadrant: int


@dataclass(frozen=True)
class Ring:
    code: str
    name: str
    color: str


@dataclass(frozen=True)
class Catalogue:
    """Areas in their radar order, rings from the centre outwards, and the quadrants' names."""

    areas: tuple[Area, ...]
    rings: tuple[Ring, ...]
    quadrants: tuple[str, ...]

    def area(self, code: str) -> Area:
        for area in self.areas:
            if area.code == code:
                return area
        known = ", ".join(a.code for a in self.areas)
        raise InvalidInput(f"unknown area {code[:40]!r}: the areas are {known}")

    def ring_index(self, code: str) -> int:
        for index, ring in enumerate(self.rings):
            if ring.code == code:
                return index
        known = ", ".join(r.code for r in self.rings)
        raise InvalidInput(f"unknown ring {code[:40]!r}: the rings are {known}")

    def area_index(self, code: str) -> int:
        return [a.code for a in self.areas].index(code)


def parse(data: dict[str, object]) -> Catalogue:
    """A catalogue from the data file's content; every area in exactly one of four quadrants."""
    quadrants = list(data["quadrants"])  # type: ignore[call-overload]
    if len(quadrants) != 4:
        raise ValueError("the radar formats have exactly four quadrants")
    where: dict[str, int] = {}
    for index, quadrant in enumerate(quadrants):
        for code in quadrant["areas"]:
            if code in where:
                raise ValueError(f"area {code} is in two quadrants")
            where[code] = index
    areas = []
    for item in data["areas"]:  # type: ignore[attr-defined]
        if item["code"] not in where:
            raise ValueError(f"area {item['code']} is in no quadrant")
        areas.append(Area(code=item["code"], name=item["name"], quadrant=where[item["code"]]))
    rings = tuple(Ring(code=r["code"], name=r["name"], color=r["color"]) for r in data["rings"])  # type: ignore[attr-defined]
    return Catalogue(areas=tuple(areas), rings=rings, quadrants=tuple(str(q["name"]) for q in quadrants))


@cache
def load(path: Path = AREAS_FILE) -> Catalogue:
    return parse(json.loads(path.read_text(encoding="utf-8")))


def catalogue() -> Catalogue:
    """The hub's catalogue (read once per process: edit the data file, then restart)."""
    return load()
