"""A technology's readiness over time as a step chart in SVG: one step per readable history entry, each point
coloured by its ring, with the readiness levels 1-9 on the vertical axis."""

from __future__ import annotations

from datetime import date
from html import escape

from liaison_hub.edt.areas import catalogue
from liaison_hub.edt.schemas import HistoryRead

WIDTH, HEIGHT, LEFT, TOP, RIGHT, BOTTOM = 640.0, 260.0, 40.0, 16.0, 20.0, 36.0


def readiness_svg(entries: list[HistoryRead], today: date) -> str:
    """Readiness from the first entry to ``today`` (or the last entry's date, when later)."""
    known = catalogue()
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    first = entries[0].effective_on if entries else today
    last = max(today, entries[-1].effective_on) if entries else today
    span = max((last - first).days, 1)

    def x(on: date) -> float:
        return round(LEFT + plot_w * (on - first).days / span, 1)

    def y(level: int) -> float:
        return round(TOP + plot_h * (9 - level) / 8, 1)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="edt-readiness" viewBox="0 0 {WIDTH:.0f} {HEIGHT:.0f}" '
        f'width="{WIDTH:.0f}" height="{HEIGHT:.0f}" font-family="sans-serif" role="img">',
        f"<title>Readiness over time, {first.isoformat()} to {last.isoformat()}</title>",
    ]
    for level in range(1, 10):
        parts.append(f'<line x1="{LEFT}" y1="{y(level)}" x2="{WIDTH - RIGHT}" y2="{y(level)}" stroke="#e5e7eb"/>')
        parts.append(f'<text x="{LEFT - 8}" y="{y(level) + 4}" font-size="10" text-anchor="end">{level}</text>')
    parts.append(f'<text x="{LEFT}" y="{HEIGHT - 8}" font-size="10">{first.isoformat()}</text>')
    parts.append(
        f'<text x="{WIDTH - RIGHT}" y="{HEIGHT - 8}" font-size="10" text-anchor="end">{last.isoformat()}</text>'
    )
    if entries:
        points: list[str] = []
        for i, entry in enumerate(entries):
            if i:
                points.append(f"{x(entry.effective_on)},{y(entries[i - 1].readiness)}")
            points.append(f"{x(entry.effective_on)},{y(entry.readiness)}")
        points.append(f"{x(last)},{y(entries[-1].readiness)}")
        parts.append(f'<polyline points="{" ".join(points)}" fill="none" stroke="#1f2937" stroke-width="2"/>')
        for entry in entries:
            color = known.rings[known.ring_index(entry.ring)].color
            parts.append(
                f'<circle class="point" cx="{x(entry.effective_on)}" cy="{y(entry.readiness)}" r="5" fill="{color}">'
                f"<title>{entry.effective_on.isoformat()}: readiness {entry.readiness}, {escape(entry.ring)}"
                f"</title></circle>"
            )
    parts.append("</svg>")
    return "\n".join(parts)
