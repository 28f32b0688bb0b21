"""Charts drawn on the server as SVG geometry (no script, no third-party assets): weekly lines of several series
and weekly bars. Templates turn the geometry into ``<svg>`` elements (``templates/fimi/_charts.html``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

WIDTH, HEIGHT = 760, 280
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 40
COLOURS = ("#1f5fa8", "#c8102e", "#2e8540", "#8a5a00", "#6b3fa0", "#00708a", "#b04a00", "#444444")
MAX_SERIES = len(COLOURS)


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Series:
    name: str
    colour: str
    points: str
    """SVG polyline points, ``x,y x,y ...``."""
    total: int


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    series: list[Series]
    bars: list[Bar]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    baseline: float
    left: int
    right: float

    @property
    def empty(self) -> bool:
        return not self.series and not self.bars


def _y_scale(highest: int) -> tuple[float, list[Tick]]:
    top = max(highest, 1)
    step = max(1, -(-top // 4))
    ceiling = step * 4
    plot = HEIGHT - TOP - BOTTOM
    ticks = [Tick(HEIGHT - BOTTOM - plot * v / ceiling, str(v)) for v in range(0, ceiling + 1, step)]
    return plot / ceiling, ticks


def _x_positions(weeks: Sequence[date]) -> dict[date, float]:
    span = WIDTH - LEFT - RIGHT
    if len(weeks) == 1:
        return {weeks[0]: LEFT + span / 2}
    return {w: LEFT + span * i / (len(weeks) - 1) for i, w in enumerate(weeks)}


def _x_ticks(weeks: Sequence[date], positions: dict[date, float]) -> list[Tick]:
    every = max(1, len(weeks) // 8)
    return [Tick(positions[w], f"{w:%d %b}") for w in weeks[::every]]


def _every_week(found: set[date]) -> list[date]:
    """Every week from the first to the last (weeks without a value are on the axis too: time is not bent)."""
    if not found:
        return []
    first, last = min(found), max(found)
    return [first + timedelta(weeks=i) for i in range((last - first).days // 7 + 1)]


def lines(points: Iterable[tuple[date, str, int]]) -> Chart:
    """One line per series (the busiest ``MAX_SERIES``) over the weeks any series has a value in."""
    values: dict[str, dict[date, int]] = {}
    for week, name, count in points:
        values.setdefault(name, {})
        values[name][week] = values[name].get(week, 0) + count
    kept = sorted(values, key=lambda n: (-sum(values[n].values()), n))[:MAX_SERIES]
    weeks = _every_week({w for n in kept for w in values[n]})
    positions = _x_positions(weeks)
    unit, y_ticks = _y_scale(max((c for n in kept for c in values[n].values()), default=0))
    series = []
    for colour, name in zip(COLOURS, kept, strict=False):
        coords = [f"{positions[w]:.1f},{HEIGHT - BOTTOM - values[name].get(w, 0) * unit:.1f}" for w in weeks]
        series.append(Series(name=name, colour=colour, points=" ".join(coords), total=sum(values[name].values())))
    return Chart(WIDTH, HEIGHT, series, [], _x_ticks(weeks, positions), y_ticks, HEIGHT - BOTTOM, LEFT, WIDTH - RIGHT)


def bars(points: Iterable[tuple[date, int]]) -> Chart:
    """One bar per week."""
    counts = dict(points)
    weeks = _every_week(set(counts))
    positions = _x_positions(weeks)
    unit, y_ticks = _y_scale(max(counts.values(), default=0))
    width = max(4.0, min(40.0, (WIDTH - LEFT - RIGHT) / max(len(weeks), 1) * 0.6))
    drawn = [
        Bar(
            positions[w] - width / 2,
            HEIGHT - BOTTOM - counts[w] * unit,
            width,
            counts[w] * unit,
            f"week of {w:%Y-%m-%d}: {counts[w]}",
        )
        for w in weeks
        if w in counts
    ]
    return Chart(WIDTH, HEIGHT, [], drawn, _x_ticks(weeks, positions), y_ticks, HEIGHT - BOTTOM, LEFT, WIDTH - RIGHT)
