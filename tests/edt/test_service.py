"""EDT services on SQLite and PostgreSQL: technologies with their first entry, history, signals and promotion,
projects with milestones; every kind of bad input refused with a clear message and nothing saved."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from liaison_hub.edt import projects, service, signals
from liaison_hub.edt.schemas import PromoteIn
from liaison_hub.errors import Forbidden, InvalidInput, NotFound
from liaison_hub.models import AuditEntry
from liaison_hub.models.edt import EdtHistory, EdtLink, EdtMilestone, EdtProject, EdtSignal, EdtTechnology
from liaison_hub.policy.schemas import MarkingIn
from tests.edt.helpers import (
    FIRST,
    NS,
    actor,
    add_history,
    make_project,
    make_signal,
    make_technology,
)
from tests.factories import principal


def _counts(session: Session) -> dict[str, int]:
    models: list[Any] = [EdtTechnology, EdtHistory, EdtSignal, EdtProject, EdtMilestone, EdtLink, AuditEntry]
    return {m.__name__: int(session.scalar(select(func.count()).select_from(m)) or 0) for m in models}


def test_a_technology_starts_with_its_first_entry_and_reads_back(session: Session) -> None:
    tech = make_technology(session)
    read = service.technology_read(session, principal(session, "analyst-au"), tech.id)
    assert (read.name, read.areas, read.readiness, read.ring, read.first_on) == (
        "Quantum sensing",
        ["quantum"],
        4,
        "assess",
        FIRST,
    )
    assert read.interest == {"AUS": "interested", "JPN": "lead"}
    assert [(h.readiness, h.ring, h.recorded_by) for h in read.history] == [(4, "assess", "liaison")]
    assert read.marking.releasable_to == ["ALLIANCE", "AP4"]


def test_history_moves_the_current_state(session: Session) -> None:
    tech = make_technology(session)
    add_history(session, tech, FIRST + timedelta(days=40), readiness=6, ring="trial")
    add_history(session, tech, FIRST + timedelta(days=10), readiness=5, ring="assess")
    read = service.technology_read(session, principal(session, "reader-kr"), tech.id)
    assert [(h.effective_on - FIRST).days for h in read.history] == [0, 10, 40]
    assert (read.readiness, read.ring) == (6, "trial")


BAD_TECHNOLOGIES: list[tuple[dict[str, Any], str]] = [
    ({"areas": ["quantum", "alchemy"]}, "unknown area 'alchemy'"),
    ({"readiness": 0}, "readiness 0 is outside 1-9"),
    ({"readiness": 10}, "readiness 10 is outside 1-9"),
    ({"ring": "embrace"}, "unknown ring 'embrace'"),
    ({"effective_on": (date.today() + timedelta(days=3)).isoformat()}, "is in the future"),
    ({"interest": [{"nation": "XXX"}]}, "unknown nation code 'XXX'"),
]


@pytest.mark.parametrize(("extra", "message"), BAD_TECHNOLOGIES)
def test_bad_technologies_are_refused_and_nothing_is_saved(
    session: Session, extra: dict[str, Any], message: str
) -> None:
    before = _counts(session)
    with pytest.raises(InvalidInput, match=message):
        make_technology(session, **extra)
    assert _counts(session) == before


def test_a_marking_above_the_writers_clearance_is_refused(session: Session) -> None:
    before = _counts(session)
    secret = MarkingIn(tlp="amber", classification="NS", releasable_to=["AUS"]).model_dump()
    with pytest.raises(Forbidden, match="above your clearance"):
        make_technology(session, "analyst-au", marking=secret)
    assert _counts(session) == before


@pytest.mark.parametrize(
    ("days", "readiness", "ring", "message"),
    [
        (-1, 5, "trial", "before the technology's first entry"),
        (None, 5, "trial", "is in the future"),
        (5, 12, "trial", "readiness 12 is outside 1-9"),
        (5, 5, "embrace", "unknown ring"),
    ],
)
def test_bad_history_is_refused_and_nothing_is_saved(
    session: Session, days: int | None, readiness: int, ring: str, message: str
) -> None:
    tech = make_technology(session)
    on = FIRST + timedelta(days=days) if days is not None else date.today() + timedelta(days=2)
    before = _counts(session)
    with pytest.raises(InvalidInput, match=message):
        add_history(session, tech, on, readiness=readiness, ring=ring)
    assert _counts(session) == before


def test_history_on_the_first_date_and_today_is_accepted(session: Session) -> None:
    tech = make_technology(session)
    add_history(session, tech, FIRST, readiness=5, ring="assess")
    add_history(session, tech, date.today(), readiness=6, ring="trial")
    assert len(service.technology_read(session, principal(session, "liaison"), tech.id).history) == 3


def test_a_reader_may_not_write_and_a_hidden_technology_is_not_found(session: Session) -> None:
    with pytest.raises(Forbidden):
        make_technology(session, "reader-kr")
    tech = make_technology(session, "analyst-jp", marking={"tlp": "amber", "releasable_to": ["JPN"]})
    with pytest.raises(NotFound):
        add_history(session, tech, FIRST + timedelta(days=1), username="analyst-au")


def test_a_signal_links_technologies_and_promotion_records_the_move(session: Session) -> None:
    tech = make_technology(session)
    sig = make_signal(session, technologies=[tech.id])
    read = signals.signal_read(session, principal(session, "analyst-au"), sig.id)
    assert [t.title for t in read.technologies] == ["Quantum sensing"]
    assert [s.id for s in signals.list_signals(session, principal(session, "analyst-au"), status="new")] == [sig.id]
    entry = signals.promote(
        session,
        actor(session, "liaison"),
        signal_id=sig.id,
        data=PromoteIn(technology_id=tech.id, ring="trial", reason="flight test worked"),
        accreditation=NS,
    )
    assert (entry.readiness, entry.ring, entry.signal_id, entry.effective_on) == (4, "trial", sig.id, date(2025, 3, 1))
    tech_read = service.technology_read(session, principal(session, "analyst-au"), tech.id)
    assert tech_read.history[-1].signal_id == sig.id
    assert tech_read.ring == "trial"
    assert signals.list_signals(session, principal(session, "analyst-au"), status="new") == []


def test_promotion_needs_a_move_and_a_readable_technology(session: Session) -> None:
    tech = make_technology(session)
    sig = make_signal(session)
    liaison = actor(session, "liaison")
    with pytest.raises(InvalidInput, match="give one"):
        signals.promote(
            session, liaison, signal_id=sig.id, data=PromoteIn(technology_id=tech.id, reason="x"), accreditation=NS
        )
    with pytest.raises(InvalidInput, match="readiness 11"):
        signals.promote(
            session,
            liaison,
            signal_id=sig.id,
            data=PromoteIn(technology_id=tech.id, readiness=11, reason="x"),
            accreditation=NS,
        )
    with pytest.raises(NotFound):
        signals.promote(
            session,
            liaison,
            signal_id=sig.id,
            data=PromoteIn(technology_id=1, ring="hold", reason="x"),
            accreditation=NS,
        )


def test_signal_sources_must_be_readable(session: Session) -> None:
    before = _counts(session)
    with pytest.raises(InvalidInput, match=r"no such source: fimi\.report 12345"):
        make_signal(session, sources=[{"kind": "fimi.report", "ref": "12345"}])
    with pytest.raises(InvalidInput, match="no such technologies: 99"):
        make_signal(session, technologies=[99])
    with pytest.raises(InvalidInput, match="in the future"):
        make_signal(session, observed_on=(date.today() + timedelta(days=1)).isoformat())
    assert _counts(session) == before


def test_a_project_with_milestones_and_links(session: Session) -> None:
    tech = make_technology(session)
    project = make_project(session, technologies=[tech.id])
    read = projects.project_read(session, principal(session, "reader-kr"), project.id)
    assert read.organisations == ["JPN-NCC", "AUS-CSC"]
    assert [(m.title, m.done) for m in read.milestones] == [("Lab demonstrator", True), ("Sea trial", False)]
    assert [t.title for t in read.technologies] == ["Quantum sensing"]
    tech_read = service.technology_read(session, principal(session, "reader-kr"), tech.id)
    assert [p.title for p in tech_read.projects] == ["Joint quantum navigation trial"]
    stone = read.milestones[1]
    projects.set_milestone(session, actor(session, "liaison"), project_id=project.id, milestone_id=stone.id, done=True)
    assert all(m.done for m in projects.project_read(session, principal(session, "liaison"), project.id).milestones)
    with pytest.raises(Forbidden):
        projects.set_milestone(
            session, actor(session, "analyst-au"), project_id=project.id, milestone_id=stone.id, done=False
        )


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"milestones": [{"title": "Too early", "due_on": "2024-12-31"}]}, "outside the project's dates"),
        ({"milestones": [{"title": "Too late", "due_on": "2027-01-01"}]}, "outside the project's dates"),
        ({"ends_on": "2024-06-01"}, "ends before it starts"),
        ({"organisations": ["NOPE"]}, "unknown organisations: NOPE"),
        ({"decisions": [42]}, "no such consultation decisions: 42"),
    ],
)
def test_bad_projects_are_refused_and_nothing_is_saved(session: Session, extra: dict[str, Any], message: str) -> None:
    before = _counts(session)
    with pytest.raises(InvalidInput, match=message):
        make_project(session, **extra)
    assert _counts(session) == before


def test_audit_entries_carry_ids_and_markings_only(session: Session) -> None:
    tech = make_technology(session, description="Secret sauce description")
    entries = session.scalars(select(AuditEntry).where(AuditEntry.action.like("edt.%"))).all()
    assert [e.action for e in entries] == ["edt.technology.create"]
    assert "Quantum" not in str(entries[0].details)
    assert "sauce" not in str(entries[0].details)
    assert str(tech.id) == str(entries[0].entity_id)
