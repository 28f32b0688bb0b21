"""DISARM techniques (Red framework) and countermeasures (Blue framework), as the MISP galaxies that
``pymispgalaxies`` ships: loaded once, looked up by DISARM id (T0002, T0049.003, C00006). Never retyped here."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from pymispgalaxies.api import Cluster

from liaison_hub.errors import InvalidInput

TECHNIQUES, COUNTERMEASURES = "disarm-techniques", "disarm-countermeasures"


@dataclass(frozen=True)
class DisarmEntry:
    """One DISARM technique or countermeasure: its id, name, framework tactics and the galaxy's uuid."""

    disarm_id: str
    name: str
    description: str
    kind: str
    tactics: tuple[str, ...]
    url: str | None
    uuid: str

    @property
    def is_technique(self) -> bool:
        return self.kind == TECHNIQUES


def _entries(galaxy: str) -> dict[str, DisarmEntry]:
    found = {}
    for value in Cluster(galaxy).values():
        meta = value.meta.additional_properties if value.meta else {}
        disarm_id = str(meta.get("external_id", "")) if meta else ""
        if not disarm_id:
            continue
        chain = meta.get("kill_chain") or []
        refs = sorted(value.meta.refs) if value.meta and value.meta.refs else []
        found[disarm_id] = DisarmEntry(
            disarm_id=disarm_id,
            name=str(value.value),
            description=str(value.description or ""),
            kind=galaxy,
            tactics=tuple(str(t).partition(":")[2] for t in chain if str(t).startswith("tactics:")),
            url=str(refs[0]) if refs else None,
            uuid=str(value.uuid),
        )
    return found


@cache
def catalogue() -> dict[str, DisarmEntry]:
    """Every DISARM technique and countermeasure by id (loaded once per process)."""
    return _entries(TECHNIQUES) | _entries(COUNTERMEASURES)


def entry(disarm_id: str) -> DisarmEntry:
    """The technique or countermeasure with this id; an unknown id is refused."""
    key = disarm_id.strip().upper()
    found = catalogue().get(key)
    if found is None:
        raise InvalidInput(
            f"unknown DISARM id {disarm_id[:20]!r}: give a technique (e.g. T0002, T0049.003) or a countermeasure "
            "(e.g. C00006) of the DISARM framework"
        )
    return found


def by_uuid() -> dict[str, DisarmEntry]:
    return {e.uuid: e for e in catalogue().values()}
