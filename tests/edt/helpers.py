"""Typed factories for EDT tests: actors of the demo office, technologies, history entries, signals, projects."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from liaison_hub.edt import projects, service, signals
from liaison_hub.edt.schemas import HistoryIn, ProjectCreate, SignalCreate, TechnologyCreate
from liaison_hub.models.edt import EdtHistory, EdtProject, EdtSignal, EdtTechnology
from liaison_hub.policy.levels import parse_classification
from liaison_hub.policy.principal import Actor
from liaison_hub.policy.schemas import MarkingIn
from tests.factories import principal

NS = parse_classification("NS")
SHARED = MarkingIn(tlp="green", releasable_to=["ALLIANCE", "AP4"])
KOREA_ONLY = MarkingIn(tlp="amber", releasable_to=["KOR"])
AUSTRALIA_ONLY = MarkingIn(tlp="amber", releasable_to=["AUS"])
FIRST = date(2025, 1, 15)


def actor(session: Session, username: str) -> Actor:
    return Actor(principal(session, username), source="test")


def technology_data(**extra: Any) -> TechnologyCreate:
    values: dict[str, Any] = {
        "name": "Quantum sensing",
        "description": "Navigation without satellites.",
        "areas": ["quantum"],
        "horizon": "mid",
        "readiness": 4,
        "ring": "assess",
        "effective_on": FIRST.isoformat(),
        "interest": [{"nation": "JPN", "level": "lead"}, {"nation": "AUS", "level": "interested"}],
        "marking": SHARED.model_dump(),
    }
    return TechnologyCreate.model_validate(values | extra)


def make_technology(session: Session, username: str = "liaison", **extra: Any) -> EdtTechnology:
    return service.create_technology(session, actor(session, username), data=technology_data(**extra), accreditation=NS)


def add_history(
    session: Session,
    technology: EdtTechnology,
    on: date,
    *,
    readiness: int = 5,
    ring: str = "trial",
    username: str = "liaison",
    marking: MarkingIn | None = None,
) -> EdtHistory:
    data = HistoryIn(effective_on=on, readiness=readiness, ring=ring, reason="test move", marking=marking)
    return service.add_history(
        session, actor(session, username), technology_id=technology.id, data=data, accreditation=NS
    )


def make_signal(session: Session, username: str = "liaison", **extra: Any) -> EdtSignal:
    values: dict[str, Any] = {
        "kind": "weak_signal",
        "title": "Cold-atom gravimeter flown on a drone",
        "observed_on": "2025-03-01",
        "confidence": 60,
        "impact": "high",
        "url": "https://example.org/gravimeter",
        "marking": SHARED.model_dump(),
    }
    data = SignalCreate.model_validate(values | extra)
    return signals.create_signal(session, actor(session, username), data=data, accreditation=NS)


def make_project(session: Session, username: str = "liaison", **extra: Any) -> EdtProject:
    values: dict[str, Any] = {
        "name": "Joint quantum navigation trial",
        "starts_on": "2025-01-01",
        "ends_on": "2026-12-31",
        "organisations": ["JPN-NCC", "AUS-CSC"],
        "nations": ["JPN", "AUS"],
        "milestones": [
            {"title": "Lab demonstrator", "due_on": "2025-06-30", "done": True},
            {"title": "Sea trial", "due_on": "2026-09-30"},
        ],
        "marking": SHARED.model_dump(),
    }
    data = ProjectCreate.model_validate(values | extra)
    return projects.create_project(session, actor(session, username), data=data, accreditation=NS)
