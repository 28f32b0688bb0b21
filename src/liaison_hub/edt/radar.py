"""The radar as a reader sees it: each readable technology's ring and readiness at a date from the latest history
entry the reader may read, and its move since an earlier date (a consultation, typically) from the same readable
entries, so a hidden entry never shows as a move. Exports to the tech-radar JSON (Zalando) and the
build-your-own-radar CSV (Thoughtworks), whose four quadrants group the areas as the areas data file says."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from liaison_hub.edt import repository as repo
from liaison_hub.edt.areas import Catalogue, catalogue
from liaison_hub.edt.schemas import Radar, RadarEntry
from liaison_hub.edt.service import today_utc
from liaison_hub.errors import InvalidInput
from liaison_hub.policy.principal import Principal

NEW, MOVED_IN, MOVED_OUT, STILL = 2, 1, -1, 0


def moved(known: Catalogue, ring: str, before: str | None, *, compared: bool) -> int:
    """Tech-radar convention: 2 new since the date, 1 moved in (towards adopt), -1 moved out, 0 not moved."""
    if not compared:
        return STILL
    if before is None:
        return NEW
    now, then = known.ring_index(ring), known.ring_index(before)
    return MOVED_IN if now < then else MOVED_OUT if now > then else STILL


def radar(session: Session, principal: Principal, *, at: date | None = None, since: date | None = None) -> Radar:
    """Every technology the reader may read that has a readable entry by ``at`` (default: today, UTC)."""
    when = at or today_utc()
    if since is not None and since > when:
        raise InvalidInput(f"'since' ({since}) is after the radar's date ({when})")
    known = catalogue()
    entries = []
    for tech_id, name, areas, ring, readiness, ring_before, readiness_before in repo.radar_rows(
        session, principal, at=when, since=since
    ):
        area = areas[0]
        entries.append(
            RadarEntry(
                technology_id=tech_id,
                name=name,
                area=area,
                quadrant=known.area(area).quadrant,
                ring=ring,
                ring_index=known.ring_index(ring),
                readiness=readiness,
                moved=moved(known, ring, ring_before, compared=since is not None),
                ring_before=ring_before,
                readiness_before=readiness_before,
            )
        )
    return Radar(at=when, since=since, entries=entries)


def tech_radar_json(view: Radar) -> dict[str, Any]:
    """The radar in the JSON the open-source tech-radar (Zalando's ``radar_visualization``) draws: quadrants and
    rings in order, entries with quadrant and ring indices, label and ``moved``."""
    known = catalogue()
    return {
        "date": view.at.isoformat(),
        "since": view.since.isoformat() if view.since else None,
        "quadrants": [{"name": name} for name in known.quadrants],
        "rings": [{"name": r.name.upper(), "color": r.color} for r in known.rings],
        "entries": [
            {
                "label": e.name,
                "quadrant": e.quadrant,
                "ring": e.ring_index,
                "moved": e.moved,
                "active": True,
                "readiness": e.readiness,
            }
            for e in view.entries
        ],
    }


def byor_csv(view: Radar) -> str:
    """The radar as the build-your-own-radar CSV: name, ring, quadrant, isNew, description."""
    known = catalogue()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["name", "ring", "quadrant", "isNew", "description"])
    for e in view.entries:
        area = known.area(e.area)
        ring = known.rings[e.ring_index].name
        description = f"{area.name}. Technology readiness level {e.readiness}."
        writer.writerow([e.name, ring, known.quadrants[e.quadrant], "TRUE" if e.moved == NEW else "FALSE", description])
    return out.getvalue()
