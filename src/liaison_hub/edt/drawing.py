"""The radar drawn as SVG on the server: areas as sectors, rings from adopt (centre) outwards, one numbered blip
per technology (its shape tells new, moved in, moved out or not moved), a legend naming each number. Placement is
deterministic: each (area, ring) cell holds a grid of slots spaced wider than a blip, so blips and their numbers
never overlap; the legend's lines are laid out in columns."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from html import escape

from liaison_hub.edt.areas import Catalogue, catalogue
from liaison_hub.edt.schemas import Radar, RadarEntry

RADIUS = 380.0
CENTRE = (660.0, 480.0)
RING_EDGES = (0.0, 0.34, 0.6, 0.81, 1.0)
"""Fractions of the radius where rings start and end (the inner rings wider, as they are smaller)."""
SPACING = 22.0
PAD = 12.0
MIN_SPACING = 7.0
LEGEND_X = 1200.0
LEGEND_LINE = 15.0
LEGEND_COLUMN = 280.0
LEGEND_ROWS = 58
NAME_CHARS = 32


@dataclass(frozen=True)
class Blip:
    number: int
    entry: RadarEntry
    x: float
    y: float
    size: float


def _polar(angle: float, radius: float) -> tuple[float, float]:
    """Angle in radians clockwise from the top."""
    return CENTRE[0] + radius * math.sin(angle), CENTRE[1] - radius * math.cos(angle)


def _slots(a0: float, a1: float, r0: float, r1: float, spacing: float) -> list[tuple[float, float]]:
    """Points of a cell at least ``spacing`` apart and ``PAD`` inside its edges, nearest the cell's middle first."""
    found: list[tuple[float, float]] = []
    pad = max(PAD, spacing / 2 + 2)
    radius = r0 + pad if r0 > 0 else pad * 2
    while radius <= r1 - pad + 0.01:
        usable = (a1 - a0) * radius - 2 * pad
        if usable >= 0:
            count = int(usable // spacing) + 1
            step = usable / (count - 1) if count > 1 else 0.0
            first = a0 + pad / radius
            for i in range(count):
                angle = first + (i * step) / radius if count > 1 else (a0 + a1) / 2
                found.append((angle, radius))
        radius += spacing
    mid_a, mid_r = (a0 + a1) / 2, (r0 + r1) / 2
    return sorted(found, key=lambda p: ((p[1] - mid_r) ** 2 + ((p[0] - mid_a) * mid_r) ** 2, p))


def layout(view: Radar, known: Catalogue) -> list[Blip]:
    """Blips numbered in area, ring and name order, each in a free slot of its cell."""
    cells: dict[tuple[int, int], list[RadarEntry]] = defaultdict(list)
    for entry in view.entries:
        cells[(known.area_index(entry.area), entry.ring_index)].append(entry)
    sector = 2 * math.pi / len(known.areas)
    edges = RING_EDGES if len(known.rings) == 4 else [i / len(known.rings) for i in range(len(known.rings) + 1)]
    placed: list[Blip] = []
    number = 0
    for key in sorted(cells):
        area, ring = key
        entries = sorted(cells[key], key=lambda e: (e.name.lower(), e.technology_id))
        spacing = SPACING
        a0, a1, r0, r1 = area * sector, (area + 1) * sector, edges[ring] * RADIUS, edges[ring + 1] * RADIUS
        slots = _slots(a0, a1, r0, r1, spacing)
        while len(slots) < len(entries) and spacing > MIN_SPACING:
            spacing *= 0.85
            slots = _slots(a0, a1, r0, r1, spacing)
        for i, entry in enumerate(entries):
            number += 1
            angle, radius = slots[i % len(slots)] if slots else ((a0 + a1) / 2, (r0 + r1) / 2)
            x, y = _polar(angle, radius)
            placed.append(Blip(number, entry, round(x, 1), round(y, 1), size=spacing / 2 - 1.5))
    return placed


def _shape(blip: Blip, color: str) -> str:
    x, y, s = blip.x, blip.y, blip.size
    moved = blip.entry.moved
    if moved == 1:
        points = f"{x},{y - s * 1.2} {x - s * 1.1},{y + s * 0.8} {x + s * 1.1},{y + s * 0.8}"
        return f'<polygon class="blip moved-in" points="{points}" fill="{color}"/>'
    if moved == -1:
        points = f"{x},{y + s * 1.2} {x - s * 1.1},{y - s * 0.8} {x + s * 1.1},{y - s * 0.8}"
        return f'<polygon class="blip moved-out" points="{points}" fill="{color}"/>'
    kind = "new" if moved == 2 else "still"
    stroke = ' stroke="#222" stroke-width="2"' if moved == 2 else ""
    return f'<circle class="blip {kind}" cx="{x}" cy="{y}" r="{s:.1f}" fill="{color}"{stroke}/>'


def _blip(blip: Blip, known: Catalogue) -> str:
    color = known.rings[blip.entry.ring_index].color
    name = escape(blip.entry.name)
    parts = [
        f'<g class="entry" data-technology="{blip.entry.technology_id}" data-moved="{blip.entry.moved}">',
        f"<title>{blip.number}. {name} ({escape(blip.entry.ring)}, readiness {blip.entry.readiness})</title>",
        _shape(blip, color),
    ]
    if blip.size >= 7:
        font = 9 if blip.number < 100 else 7 if blip.number < 1000 else 5.5
        parts.append(
            f'<text class="label blip-label" x="{blip.x}" y="{blip.y + font / 3:.1f}" font-size="{font}" '
            f'text-anchor="middle" fill="#fff">{blip.number}</text>'
        )
    parts.append("</g>")
    return "".join(parts)


def _frame(known: Catalogue) -> list[str]:
    edges = RING_EDGES if len(known.rings) == 4 else [i / len(known.rings) for i in range(len(known.rings) + 1)]
    parts = []
    for i in range(len(known.rings), 0, -1):
        shade = "#f3f4f6" if i % 2 else "#e5e7eb"
        parts.append(f'<circle cx="{CENTRE[0]}" cy="{CENTRE[1]}" r="{edges[i] * RADIUS:.1f}" fill="{shade}"/>')
    sector = 2 * math.pi / len(known.areas)
    for index, area in enumerate(known.areas):
        x, y = _polar(index * sector, RADIUS)
        parts.append(
            f'<line x1="{CENTRE[0]}" y1="{CENTRE[1]}" x2="{x:.1f}" y2="{y:.1f}" stroke="#fff" stroke-width="2"/>'
        )
        mid = (index + 0.5) * sector
        lx, ly = _polar(mid, RADIUS + 14)
        anchor = "middle" if abs(math.sin(mid)) < 0.2 else "start" if math.sin(mid) > 0 else "end"
        dy = -4 if math.cos(mid) > 0.8 else 10 if math.cos(mid) < -0.8 else 4
        parts.append(
            f'<text class="label area-label" x="{lx:.1f}" y="{ly + dy:.1f}" font-size="12" font-weight="bold" '
            f'text-anchor="{anchor}">{escape(area.name)}</text>'
        )
    return parts


def _legend(blips: list[Blip], known: Catalogue, top: float) -> list[str]:
    lines: list[tuple[str, str]] = [("head", "Rings (centre outwards)")]
    lines += [("ring", r.code) for r in known.rings]
    lines += [("head", "Moves since the date"), ("text", "▲ moved in  ▼ moved out  ◎ new  ● not moved")]
    current = None
    for blip in blips:
        if blip.entry.area != current:
            current = blip.entry.area
            lines.append(("head", known.area(current).name))
        name = blip.entry.name if len(blip.entry.name) <= NAME_CHARS else blip.entry.name[: NAME_CHARS - 1] + "…"
        lines.append(("entry", f"{blip.number}. {name}"))
    parts = []
    for i, (kind, text) in enumerate(lines):
        column, row = divmod(i, LEGEND_ROWS)
        x, y = LEGEND_X + column * LEGEND_COLUMN, top + row * LEGEND_LINE
        if kind == "ring":
            ring = known.rings[known.ring_index(text)]
            parts.append(f'<rect x="{x}" y="{y - 9}" width="10" height="10" fill="{ring.color}"/>')
            parts.append(
                f'<text class="label legend-label" x="{x + 14}" y="{y}" font-size="11">{escape(ring.name)}</text>'
            )
            continue
        weight = ' font-weight="bold"' if kind == "head" else ""
        parts.append(f'<text class="label legend-label" x="{x}" y="{y}" font-size="11"{weight}>{escape(text)}</text>')
    return parts


def svg(view: Radar, known: Catalogue | None = None) -> str:
    """The whole radar as one standalone SVG document."""
    known = known or catalogue()
    blips = layout(view, known)
    top = 40.0
    columns = max(1, math.ceil((len(blips) + len(known.areas) + len(known.rings) + 4) / LEGEND_ROWS))
    width = LEGEND_X + columns * LEGEND_COLUMN
    height = max(940.0, top + LEGEND_ROWS * LEGEND_LINE + 20)
    since = f" — moves since {view.since.isoformat()}" if view.since else ""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="edt-radar" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" font-family="sans-serif" role="img">',
        f'<text class="label title" x="20" y="24" font-size="16" font-weight="bold">Technology radar, '
        f"{view.at.isoformat()}{since}</text>",
        *_frame(known),
        *(_blip(b, known) for b in blips),
        *_legend(blips, known, top + 30),
        "</svg>",
    ]
    return "\n".join(parts)
