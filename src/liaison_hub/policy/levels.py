"""TLP 2.0 and the alliance's classification levels (read from the ``nato`` taxonomy of pytaxonomies)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from liaison_hub.errors import InvalidInput


class TLP(StrEnum):
    """Traffic Light Protocol 2.0 (FIRST, 2022), least to most restrictive."""

    clear = "clear"
    green = "green"
    amber = "amber"
    amber_strict = "amber+strict"
    red = "red"

    @property
    def rank(self) -> int:
        return list(TLP).index(self)

    @property
    def label(self) -> str:
        return f"TLP:{self.value.upper()}"


TLP_ALIASES = {"white": TLP.clear}


def parse_tlp(value: str) -> TLP:
    text = value.strip().lower().removeprefix("tlp:")
    if text in TLP_ALIASES:
        return TLP_ALIASES[text]
    try:
        return TLP(text)
    except ValueError:
        allowed = ", ".join(t.value for t in TLP)
        raise InvalidInput(f"unknown TLP {value!r}; expected one of {allowed}") from None


@dataclass(frozen=True)
class Level:
    code: str
    name: str
    rank: int


@cache
def classification_levels() -> tuple[Level, ...]:
    """Levels lowest first. The taxonomy lists the base levels highest first; -A/-B are handling caveats."""
    from pytaxonomies.api import Taxonomies  # read once, when a level is first needed (not at `liaison --help`)

    taxonomy = Taxonomies()["nato"]
    predicate = taxonomy.predicates["classification"]
    base = [entry for entry in predicate.entries.values() if "-" not in entry.value]
    return tuple(
        Level(code=entry.value, name=entry.expanded or entry.value, rank=rank)
        for rank, entry in enumerate(reversed(base))
    )


@cache
def _lookup() -> dict[str, Level]:
    table: dict[str, Level] = {}
    for level in classification_levels():
        table[level.code.upper()] = level
        table[level.name.upper()] = level
        table[level.name.upper().removeprefix("NATO ").removeprefix("COSMIC ")] = level
    return table


def parse_classification(value: str) -> Level:
    """Accept a code (NU, NR, NC, NS, CTS) or a name such as 'NATO RESTRICTED' or 'SECRET'."""
    level = _lookup().get(value.strip().upper())
    if level is None:
        allowed = ", ".join(f"{lv.code} ({lv.name})" for lv in classification_levels())
        raise InvalidInput(f"unknown classification {value!r}; expected one of {allowed}")
    return level


def lowest_level() -> Level:
    return classification_levels()[0]
