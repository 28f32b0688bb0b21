"""The radar in headless Chromium (Debian's, through Playwright), on both databases: with 60 technologies every
one the viewer may read is drawn, none it may not, and no two labels overlap (label boxes measured in the browser
with getBBox); a screenshot of the page is taken."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from liaison_hub.directory.seed import DEMO_PASSWORD
from liaison_hub.edt.areas import catalogue
from tests.edt.helpers import KOREA_ONLY, add_history, make_technology
from tests.web.conftest import chromium, expect, page  # noqa: F401  (the web tests' fixtures)

if TYPE_CHECKING:
    from playwright.sync_api import Page

START = date(2025, 1, 1)
BOXES = """() => Array.from(document.querySelectorAll('#radar svg text.label')).map(t => {
  const b = t.getBBox(); return [t.textContent, b.x, b.y, b.width, b.height];
})"""


def _watch(session: Session, count: int = 60) -> set[int]:
    """``count`` technologies readable by Australia, crowded into few cells (a third in one area's inner ring),
    some moved; and one Korean technology Australia may not read."""
    areas = [a.code for a in catalogue().areas]
    rings = [r.code for r in catalogue().rings]
    ids = set()
    for i in range(count):
        area, ring = ("ai", "adopt") if i % 3 == 0 else (areas[i % len(areas)], rings[i % len(rings)])
        name = f"Technology {i:02d} with a rather long descriptive name"
        tech = make_technology(session, name=name, areas=[area], ring=ring, effective_on=START.isoformat())
        if i % 4 == 1:
            add_history(session, tech, START + timedelta(days=40), ring=rings[(i + 1) % len(rings)], readiness=6)
        ids.add(tech.id)
    make_technology(session, name="Korean only", areas=["ai"], marking=KOREA_ONLY.model_dump())
    session.commit()
    return ids


def _overlaps(boxes: list[list[object]]) -> list[tuple[str, str]]:
    found = []
    for i, (a_text, ax, ay, aw, ah) in enumerate(boxes):
        for b_text, bx, by, bw, bh in boxes[i + 1 :]:
            dx = min(ax + aw, bx + bw) - max(ax, bx)  # type: ignore[operator]
            dy = min(ay + ah, by + bh) - max(ay, by)  # type: ignore[operator]
            if dx > 0.5 and dy > 0.5:
                found.append((str(a_text), str(b_text)))
    return found


def test_sixty_entries_all_drawn_and_no_label_overlaps(session: Session, page: Page, tmp_path: Path) -> None:  # noqa: F811
    ids = _watch(session)
    page.goto("/edt")
    page.fill("#username", "analyst-au")
    page.fill("#password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"/edt?since={(START + timedelta(days=10)).isoformat()}")
    expect(page.locator("#radar svg g.entry")).to_have_count(len(ids))
    drawn = {int(x) for x in page.locator("#radar svg g.entry").evaluate_all("gs => gs.map(g => g.dataset.technology)")}
    assert drawn == ids
    assert page.locator("#radar svg", has_text="Korean only").count() == 0
    assert page.locator('#radar svg g.entry[data-moved="1"], #radar svg g.entry[data-moved="-1"]').count() == 15
    boxes = page.evaluate(BOXES)
    assert len(boxes) > len(ids)  # numbers, legend lines, area names
    assert _overlaps(boxes) == []
    legend = [b[0] for b in boxes if ". Technology" in str(b[0])]
    assert len(legend) == len(ids)
    shot = tmp_path / "radar.png"
    page.locator("#radar svg").screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000
