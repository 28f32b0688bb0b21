"""The marking policy on EDT records, on SQLite and PostgreSQL: the radar and its exports hold exactly the
technologies a reader may read, a history entry the reader may not read never shows as a state or a move, a
history entry's marking only narrows its technology's, and signals, projects and their links show only what the
reader may read."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from sqlalchemy.orm import Session

from liaison_hub.consultations import meetings
from liaison_hub.consultations.schemas import DecisionCreate
from liaison_hub.edt import drawing, projects, radar, service, signals
from liaison_hub.edt.schemas import PromoteIn
from liaison_hub.errors import InvalidInput
from liaison_hub.policy.schemas import MarkingIn
from tests.consultations.helpers import scheduled_series
from tests.edt.helpers import (
    AUSTRALIA_ONLY,
    KOREA_ONLY,
    NS,
    SHARED,
    actor,
    add_history,
    make_project,
    make_signal,
    make_technology,
)
from tests.factories import principal
from tests.intel_extras.conftest import indicator, make_collection, marked, store

SINCE = date(2025, 3, 1)
AT = date(2025, 6, 1)
SECRET = MarkingIn(tlp="green", classification="NS", releasable_to=["ALLIANCE", "AP4"])


def _world(session: Session) -> dict[str, int]:
    shared = make_technology(session, name="Shared quantum")
    korean = make_technology(session, "liaison", name="Korean 6G", areas=["networks"], marking=KOREA_ONLY.model_dump())
    australian = make_technology(
        session, name="Australian hypersonics", areas=["hypersonics"], marking=AUSTRALIA_ONLY.model_dump()
    )
    secret = make_technology(session, name="Secret materials", areas=["materials"], marking=SECRET.model_dump())
    # A move only Korea may read, and a later one everyone may read that keeps the ring the Korean move set.
    add_history(session, shared, SINCE + timedelta(days=10), ring="trial", readiness=6, marking=KOREA_ONLY)
    add_history(session, australian, SINCE + timedelta(days=5), ring="trial", readiness=7)
    return {"shared": shared.id, "korean": korean.id, "australian": australian.id, "secret": secret.id}


def _radar(session: Session, username: str) -> dict[str, tuple[str, int, int]]:
    view = radar.radar(session, principal(session, username), at=AT, since=SINCE)
    return {e.name: (e.ring, e.readiness, e.moved) for e in view.entries}


def test_korean_and_australian_radars_differ_exactly_as_the_markings_say(session: Session) -> None:
    _world(session)
    assert _radar(session, "reader-kr") == {
        "Korean 6G": ("assess", 4, 0),
        "Shared quantum": ("trial", 6, 1),
    }
    assert _radar(session, "analyst-au") == {
        "Australian hypersonics": ("trial", 7, 1),
        "Shared quantum": ("assess", 4, 0),
    }
    assert set(_radar(session, "liaison")) == {
        "Shared quantum",
        "Korean 6G",
        "Australian hypersonics",
        "Secret materials",
    }
    assert set(_radar(session, "analyst-be")) == {"Shared quantum"}


def test_a_hidden_entry_never_shows_as_a_move_even_when_a_visible_one_follows(session: Session) -> None:
    ids = _world(session)
    shared = service.technology(session, principal(session, "liaison"), ids["shared"])
    add_history(session, shared, SINCE + timedelta(days=20), ring="trial", readiness=6)  # visible to all
    assert _radar(session, "reader-kr")["Shared quantum"] == ("trial", 6, 1)
    assert _radar(session, "analyst-au")["Shared quantum"] == ("trial", 6, 1)
    # Before the visible entry's date, Australia sees no move at all: the Korean entry is not there for it.
    view = radar.radar(session, principal(session, "analyst-au"), at=SINCE + timedelta(days=15), since=SINCE)
    assert {e.name: e.moved for e in view.entries}["Shared quantum"] == 0
    history = service.technology_read(session, principal(session, "analyst-au"), ids["shared"]).history
    assert [(h.ring, h.readiness) for h in history] == [("assess", 4), ("trial", 6)]


def test_exports_hold_exactly_the_readable_entries(session: Session) -> None:
    _world(session)
    for username, expected in (
        ("reader-kr", {"Korean 6G", "Shared quantum"}),
        ("analyst-au", {"Australian hypersonics", "Shared quantum"}),
    ):
        view = radar.radar(session, principal(session, username), at=AT, since=SINCE)
        assert {e["label"] for e in radar.tech_radar_json(view)["entries"]} == expected
        assert {r["name"] for r in csv.DictReader(io.StringIO(radar.byor_csv(view)))} == expected
        svg = drawing.svg(view)
        assert svg.count('class="entry"') == len(expected)
        hidden = {"Korean 6G", "Australian hypersonics", "Secret materials"} - expected
        assert not any(name in svg for name in hidden)


def test_a_history_marking_only_narrows_the_technologys(session: Session) -> None:
    tech = make_technology(session, name="Narrowing", marking=KOREA_ONLY.model_dump())
    # A wider marking on the entry is narrowed to the technology's: Australia still reads nothing.
    add_history(session, tech, SINCE, ring="adopt", readiness=8, marking=SHARED)
    history = service.technology_read(session, principal(session, "reader-kr"), tech.id).history
    assert history[-1].marking.releasable_to == ["KOR"]
    assert "Narrowing" not in _radar(session, "analyst-au")
    # REL TO AUS within REL TO ALLIANCE, AP4 keeps Australia (a member of AP4), not nobody.
    shared = make_technology(session, name="Within AP4")
    add_history(session, shared, SINCE, ring="adopt", readiness=8, marking=AUSTRALIA_ONLY)
    assert _radar(session, "analyst-au")["Within AP4"][0] == "adopt"
    assert _radar(session, "reader-kr")["Within AP4"][0] == "assess"


def test_signals_projects_and_their_links_show_only_what_the_reader_may_read(session: Session) -> None:
    ids = _world(session)
    sig = make_signal(session, technologies=[ids["shared"], ids["korean"]])
    korean_signal = make_signal(session, title="Korean only", marking=KOREA_ONLY.model_dump())
    project = make_project(session, technologies=[ids["shared"], ids["australian"]])
    au, kr = principal(session, "analyst-au"), principal(session, "reader-kr")
    assert [t.title for t in signals.signal_read(session, au, sig.id).technologies] == ["Shared quantum"]
    assert {t.title for t in signals.signal_read(session, kr, sig.id).technologies} == {"Shared quantum", "Korean 6G"}
    assert [s.id for s in signals.list_signals(session, au)] == [sig.id]
    assert {s.id for s in signals.list_signals(session, kr)} == {sig.id, korean_signal.id}
    assert [t.title for t in projects.project_read(session, kr, project.id).technologies] == ["Shared quantum"]
    assert {t.title for t in projects.project_read(session, au, project.id).technologies} == {
        "Shared quantum",
        "Australian hypersonics",
    }
    assert [p.title for p in service.technology_read(session, au, ids["shared"]).projects] == [project.name]


def test_a_move_promoted_from_a_narrow_signal_is_marked_within_the_signal(session: Session) -> None:

    ids = _world(session)
    korean_signal = make_signal(session, title="Korean only", marking=KOREA_ONLY.model_dump())
    signals.promote(
        session,
        actor(session, "liaison"),
        signal_id=korean_signal.id,
        data=PromoteIn(
            technology_id=ids["australian"],
            ring="adopt",
            reason="seen in Korea",
            effective_on=SINCE + timedelta(days=30),
        ),
        accreditation=NS,
    )
    # Australia (the technology's readers) may not read the Korean signal: the move is not theirs to see.
    assert _radar(session, "analyst-au")["Australian hypersonics"] == ("trial", 7, 1)


def test_a_promotion_never_carries_a_narrower_entrys_value_wider(session: Session) -> None:

    ids = _world(session)  # Shared quantum: assess/4 for all, trial/6 for Korea alone
    signal = make_signal(session, observed_on=(SINCE + timedelta(days=20)).isoformat())
    entry = signals.promote(
        session,
        actor(session, "liaison"),
        signal_id=signal.id,
        data=PromoteIn(technology_id=ids["shared"], readiness=5, reason="only readiness"),
        accreditation=NS,
    )
    assert (entry.readiness, entry.ring) == (5, "assess")
    assert _radar(session, "analyst-au")["Shared quantum"] == ("assess", 5, 0)


def test_a_promoted_entry_is_owned_as_its_technology_not_as_the_signal(session: Session) -> None:

    korean = make_technology(session, name="Korean 6G", areas=["networks"], marking=KOREA_ONLY.model_dump())
    australian_signal = make_signal(session, "analyst-au", title="Seen in Sydney")
    signals.promote(
        session,
        actor(session, "liaison"),
        signal_id=australian_signal.id,
        data=PromoteIn(technology_id=korean.id, readiness=6, reason="field test", effective_on=SINCE),
        accreditation=NS,
    )
    history = service.technology_read(session, principal(session, "reader-kr"), korean.id).history
    assert [(h.marking.owner, h.marking.releasable_to) for h in history] == [("LO-TYO", ["KOR"])] * 2


def test_projects_link_consultation_decisions_their_readers_may_read(session: Session) -> None:

    _, rows = scheduled_series(session)
    japan = actor(session, "analyst-jp")
    shared = meetings.add_decision(
        session, japan, meeting_id=rows[0].id, data=DecisionCreate(text="Run a joint trial"), accreditation=NS
    )
    own = DecisionCreate(text="Japan funds it", marking={"tlp": "amber", "releasable_to": ["JPN"]})
    japanese = meetings.add_decision(session, japan, meeting_id=rows[0].id, data=own, accreditation=NS)
    project = make_project(session, "analyst-jp", decisions=[shared.id, japanese.id])
    seen = {
        u: [d.title for d in projects.project_read(session, principal(session, u), project.id).decisions]
        for u in ("analyst-jp", "analyst-nz")
    }
    assert seen == {"analyst-jp": ["Run a joint trial", "Japan funds it"], "analyst-nz": ["Run a joint trial"]}

    with pytest.raises(InvalidInput, match=f"no such consultation decisions: {japanese.id}"):
        make_project(session, "analyst-nz", decisions=[japanese.id])


def test_intel_sources_of_signals_show_only_when_readable(session: Session) -> None:
    make_collection(session)
    japanese = indicator("[ipv4-addr:value = '203.0.113.7']", name="Japan's lead")
    assert store(session, "analyst-jp", marked(japanese, "amber", releasable_to=("JPN",))).refused == 0
    source = {"kind": "intel", "ref": f"shared/{japanese['id']}"}
    with pytest.raises(InvalidInput, match="no such source: intel"):
        make_signal(session, "analyst-au", sources=[source])
    with pytest.raises(InvalidInput, match="collection/STIX id"):
        make_signal(session, "analyst-jp", sources=[{"kind": "intel", "ref": "no-slash"}])
    signal = make_signal(session, "analyst-jp", sources=[source])
    assert [s.ref for s in signals.signal_read(session, principal(session, "analyst-jp"), signal.id).sources] == [
        source["ref"]
    ]
    assert signals.signal_read(session, principal(session, "analyst-au"), signal.id).sources == []
