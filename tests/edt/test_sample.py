"""The demo watch, on both databases: loaded once, a dozen technologies across the areas, signals (one citing a
FIMI report of the demo), two projects; a Korean and an Australian reader see different radars, as marked."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from liaison_hub.edt import projects, radar, signals
from liaison_hub.edt.sample import load_sample
from liaison_hub.fimi.sample import load_sample as load_fimi_sample
from tests.edt.helpers import NS
from tests.factories import principal

TODAY = date(2026, 12, 1)


def test_the_demo_watch_is_loaded_once_and_follows_its_markings(session: Session) -> None:
    load_fimi_sample(session, accreditation=NS)
    assert load_sample(session, accreditation=NS, today=TODAY) is True
    assert load_sample(session, accreditation=NS, today=TODAY) is False
    views = {
        u: radar.radar(session, principal(session, u), at=TODAY, since=TODAY - timedelta(days=100))
        for u in ("liaison", "reader-kr", "analyst-au", "analyst-jp")
    }
    names = {u: {e.name for e in v.entries} for u, v in views.items()}
    assert len(set().union(*names.values())) == 12
    assert len(names["liaison"]) == 11  # the liaison office is not Japanese: Japan's own entry is not its to read
    assert len({e.area for e in views["liaison"].entries}) >= 9
    assert "Solid-state batteries" in names["reader-kr"]
    assert "Solid-state batteries" not in names["analyst-au"]
    assert "Additive manufacturing at the front" in names["analyst-jp"]
    assert "Additive manufacturing at the front" not in names["reader-kr"]
    assert "Hypersonic glide vehicles" not in names["analyst-au"]  # NATO CONFIDENTIAL, cleared NR
    assert "Hypersonic glide vehicles" in names["analyst-jp"]
    moved = {e.name: e.moved for e in views["liaison"].entries}
    assert moved["Swarming uncrewed systems"] == 1
    assert moved["Metamaterials for stealth"] == 0
    au = principal(session, "analyst-au")
    assert [p.name for p in projects.list_projects(session, au)] == ["Joint quantum navigation trial"]
    assert len(projects.list_projects(session, principal(session, "reader-kr"))) == 2
    reads = signals.signal_reads(session, au, signals.list_signals(session, au))
    assert len(reads) == 4
    assert any(s.sources and s.sources[0].kind == "fimi.report" for s in reads)
    promoted = [s for s in reads if s.status == "promoted"]
    assert [s.title for s in promoted] == ["Cold-atom gravimeters shrink to drone size"]
