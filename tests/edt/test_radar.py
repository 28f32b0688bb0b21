"""Movement computed from history, on SQLite and PostgreSQL: ring and readiness changes on and around the edge
dates, new technologies, entries after the radar's date, two entries on one day; the exports' shapes."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from sqlalchemy.orm import Session

from liaison_hub.edt import drawing, radar
from liaison_hub.edt.schemas import Radar
from liaison_hub.errors import InvalidInput
from tests.edt.helpers import FIRST, add_history, make_technology
from tests.factories import principal

SINCE = date(2025, 3, 1)
AT = date(2025, 6, 1)


def _view(session: Session, username: str = "analyst-au", *, at: date = AT, since: date | None = SINCE) -> Radar:
    return radar.radar(session, principal(session, username), at=at, since=since)


def _by_name(view: Radar) -> dict[str, tuple[str, int, int, int | None]]:
    return {e.name: (e.ring, e.readiness, e.moved, e.readiness_before) for e in view.entries}


def test_moves_around_the_edge_dates(session: Session) -> None:
    on_since = make_technology(session, name="On since")
    add_history(session, on_since, SINCE, ring="trial", readiness=5)  # part of the state at 'since': no move
    day_after = make_technology(session, name="Day after")
    add_history(session, day_after, SINCE + timedelta(days=1), ring="trial", readiness=5)
    on_at = make_technology(session, name="On at")
    add_history(session, on_at, AT, ring="hold", readiness=3)
    after_at = make_technology(session, name="After at")
    add_history(session, after_at, AT + timedelta(days=1), ring="adopt", readiness=9)
    found = _by_name(_view(session))
    assert found["On since"] == ("trial", 5, 0, 5)
    assert found["Day after"] == ("trial", 5, 1, 4)
    assert found["On at"] == ("hold", 3, -1, 4)
    assert found["After at"] == ("assess", 4, 0, 4)


def test_new_technologies_and_ones_not_yet_recorded(session: Session) -> None:
    make_technology(session, name="New since", effective_on=(SINCE + timedelta(days=1)).isoformat())
    make_technology(session, name="New on since", effective_on=SINCE.isoformat())
    make_technology(session, name="Later", effective_on=(AT + timedelta(days=1)).isoformat())
    found = _by_name(_view(session))
    assert found["New since"][2] == 2
    assert found["New on since"][2] == 0
    assert "Later" not in found
    assert "Later" in _by_name(_view(session, at=AT + timedelta(days=1)))


def test_readiness_alone_and_out_and_back_are_not_ring_moves(session: Session) -> None:
    readiness_only = make_technology(session, name="Readiness only")
    add_history(session, readiness_only, SINCE + timedelta(days=5), ring="assess", readiness=6)
    round_trip = make_technology(session, name="Round trip")
    add_history(session, round_trip, SINCE + timedelta(days=5), ring="hold", readiness=4)
    add_history(session, round_trip, SINCE + timedelta(days=9), ring="assess", readiness=4)
    found = _by_name(_view(session))
    assert found["Readiness only"] == ("assess", 6, 0, 4)
    assert found["Round trip"] == ("assess", 4, 0, 4)


def test_of_two_entries_on_one_day_the_later_recorded_counts(session: Session) -> None:
    tech = make_technology(session, name="Busy day")
    add_history(session, tech, SINCE + timedelta(days=2), ring="adopt", readiness=8)
    add_history(session, tech, SINCE + timedelta(days=2), ring="hold", readiness=2)
    assert _by_name(_view(session))["Busy day"] == ("hold", 2, -1, 4)


def test_without_a_since_date_nothing_is_moved_and_since_after_at_is_refused(session: Session) -> None:
    tech = make_technology(session, name="Still")
    add_history(session, tech, SINCE, ring="adopt", readiness=8)
    view = _view(session, since=None)
    assert [(e.moved, e.ring_before) for e in view.entries] == [(0, None)]
    with pytest.raises(InvalidInput, match="after the radar's date"):
        _view(session, since=AT + timedelta(days=1))


def test_exports_carry_quadrant_ring_label_and_moved(session: Session) -> None:
    moved_in = make_technology(session, name="Agentic AI", areas=["ai", "autonomy"])
    add_history(session, moved_in, SINCE + timedelta(days=3), ring="trial", readiness=6)
    make_technology(session, name="Synthetic biology", areas=["bio"], effective_on="2025-04-01")
    view = _view(session)
    data = radar.tech_radar_json(view)
    assert [q["name"] for q in data["quadrants"]][3] == "Life sciences"
    assert [r["name"] for r in data["rings"]] == ["ADOPT", "TRIAL", "ASSESS", "HOLD"]
    entries = {e["label"]: (e["quadrant"], e["ring"], e["moved"]) for e in data["entries"]}
    assert entries == {"Agentic AI": (0, 1, 1), "Synthetic biology": (3, 2, 2)}
    rows = list(csv.DictReader(io.StringIO(radar.byor_csv(view))))
    assert list(rows[0]) == ["name", "ring", "quadrant", "isNew", "description"]
    assert [(r["name"], r["ring"], r["quadrant"], r["isNew"]) for r in rows] == [
        ("Agentic AI", "Trial", "Information and networks", "FALSE"),
        ("Synthetic biology", "Assess", "Life sciences", "TRUE"),
    ]
    svg = drawing.svg(view)
    assert svg.count('class="entry"') == 2
    assert "1. Agentic AI" in svg
    assert 'data-moved="2"' in svg


def test_history_before_the_first_entry_cannot_exist(session: Session) -> None:
    tech = make_technology(session, name="Edge")
    with pytest.raises(InvalidInput):
        add_history(session, tech, FIRST - timedelta(days=1))
