"""The demo's technology watch: a dozen technologies across the areas with a year of readiness history, a few
signals (one citing a FIMI report of the demo), two projects with milestones, under different markings (shared
with the alliance and AP4, Japan's own, Korea's own, and one NATO CONFIDENTIAL)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from liaison_hub.directory.auth import acting_as
from liaison_hub.edt import bookkeeping, projects, service, signals
from liaison_hub.edt.schemas import HistoryIn, ProjectCreate, PromoteIn, SignalCreate, TechnologyCreate
from liaison_hub.fimi import service as fimi
from liaison_hub.policy.levels import Level
from liaison_hub.policy.principal import Actor, PrincipalKind
from liaison_hub.policy.schemas import MarkingIn

SHARED = MarkingIn(tlp="green", releasable_to=["ALLIANCE", "AP4"])
JAPAN = MarkingIn(tlp="amber", releasable_to=["JPN"])
KOREA = MarkingIn(tlp="amber", releasable_to=["KOR"])
CONFIDENTIAL = MarkingIn(tlp="amber", classification="NC", releasable_to=["ALLIANCE", "AP4"])

# name, areas, (readiness, ring) a year ago, later moves as (days ago, readiness, ring), marking, interest
WATCH: list[tuple[str, list[str], tuple[int, str], list[tuple[int, int, str]], MarkingIn, dict[str, str]]] = [
    ("Large language models for staff work", ["ai", "data"], (6, "trial"), [(60, 7, "adopt")], SHARED, {"JPN": "lead"}),
    ("Edge AI for sensors", ["ai", "autonomy"], (4, "assess"), [(120, 5, "trial")], SHARED, {"AUS": "participating"}),
    ("Swarming uncrewed systems", ["autonomy"], (5, "assess"), [(20, 6, "trial")], SHARED, {"KOR": "lead"}),
    ("Quantum sensing for navigation", ["quantum"], (4, "assess"), [(30, 5, "trial")], SHARED, {"JPN": "lead"}),
    (
        "Post-quantum cryptography",
        ["quantum", "data"],
        (7, "trial"),
        [(200, 8, "adopt")],
        SHARED,
        {"NZL": "interested"},
    ),
    ("Synthetic biology", ["bio"], (3, "hold"), [(90, 3, "assess")], SHARED, {}),
    ("Hypersonic glide vehicles", ["hypersonics"], (5, "assess"), [], CONFIDENTIAL, {"AUS": "lead"}),
    ("Proliferated LEO constellations", ["space", "networks"], (7, "trial"), [(45, 8, "adopt")], SHARED, {}),
    ("Additive manufacturing at the front", ["materials"], (6, "trial"), [], JAPAN, {"JPN": "lead"}),
    ("Metamaterials for stealth", ["materials"], (3, "assess"), [(150, 3, "hold")], SHARED, {}),
    ("Solid-state batteries", ["energy"], (5, "assess"), [(10, 6, "trial")], KOREA, {"KOR": "lead"}),
    ("6G and open RAN", ["networks"], (4, "assess"), [(75, 5, "assess")], SHARED, {"KOR": "interested"}),
]


def _actor(session: Session, username: str, accreditation: Level) -> Actor:
    return acting_as(session, username, accreditation=accreditation, kind=PrincipalKind.demo, source="demo")


def load_sample(session: Session, *, accreditation: Level, today: date) -> bool:
    """Load the demo watch once; False when technologies are already there."""
    if bookkeeping.any_technology(session):
        return False
    writers = {"SHARED": "liaison", "JAPAN": "analyst-jp", "KOREA": "liaison", "CONFIDENTIAL": "liaison"}
    names = {id(SHARED): "SHARED", id(JAPAN): "JAPAN", id(KOREA): "KOREA", id(CONFIDENTIAL): "CONFIDENTIAL"}
    ids: dict[str, int] = {}
    for name, areas, (readiness, ring), moves, marking, interest in WATCH:
        actor = _actor(session, writers[names[id(marking)]], accreditation)
        data = TechnologyCreate(
            name=name,
            areas=areas,
            readiness=readiness,
            ring=ring,
            effective_on=today - timedelta(days=365),
            interest=[{"nation": n, "level": lv} for n, lv in interest.items()],
            marking=marking,
        )
        row = service.create_technology(session, actor, data=data, accreditation=accreditation)
        ids[name] = row.id
        for days, level, moved_to in moves:
            entry = HistoryIn(
                effective_on=today - timedelta(days=days), readiness=level, ring=moved_to, reason="annual review"
            )
            service.add_history(session, actor, technology_id=row.id, data=entry, accreditation=accreditation)
    liaison = _actor(session, "liaison", accreditation)
    _signals(session, liaison, ids, accreditation, today)
    _projects(session, liaison, ids, accreditation, today)
    return True


def _signals(session: Session, liaison: Actor, ids: dict[str, int], accreditation: Level, today: date) -> None:
    reports = fimi.list_reports(session, liaison.principal, limit=1)
    sources = [{"kind": "fimi.report", "ref": str(reports[0].id)}] if reports else []
    found = [
        ("trend", "Cold-atom gravimeters shrink to drone size", "Quantum sensing for navigation", 70, "high", []),
        ("weak_signal", "Open RAN vendor consolidation in the region", "6G and open RAN", 40, "medium", []),
        ("wild_card", "Claimed room-temperature superconductor", None, 15, "disruptive", []),
        ("driver", "Disinformation about 6G health risks", "6G and open RAN", 60, "medium", sources),
    ]
    for kind, title, technology, confidence, impact, cited in found:
        data = SignalCreate(
            kind=kind,
            title=title,
            observed_on=today - timedelta(days=5),
            confidence=confidence,
            impact=impact,
            technologies=[ids[technology]] if technology else [],
            sources=cited,
            marking=SHARED,
        )
        row = signals.create_signal(session, liaison, data=data, accreditation=accreditation)
        if kind == "trend" and technology:
            promote = PromoteIn(technology_id=ids[technology], readiness=6, reason="miniaturised gravimeter flown")
            signals.promote(session, liaison, signal_id=row.id, data=promote, accreditation=accreditation)


def _projects(session: Session, liaison: Actor, ids: dict[str, int], accreditation: Level, today: date) -> None:
    year = today.year
    plans = [
        ProjectCreate(
            name="Joint quantum navigation trial",
            description="A sea trial of quantum inertial navigation with Japan and Australia.",
            starts_on=date(year - 1, 4, 1),
            ends_on=date(year + 1, 3, 31),
            organisations=["JPN-NCC", "AUS-CSC", "LO-TYO"],
            nations=["JPN", "AUS"],
            milestones=[
                {"title": "Laboratory demonstrator", "due_on": date(year - 1, 10, 1), "done": True},
                {"title": "Sea trial", "due_on": date(year, 9, 30)},
                {"title": "Report to the consultation", "due_on": date(year + 1, 3, 1)},
            ],
            technologies=[ids["Quantum sensing for navigation"]],
            marking=SHARED,
        ),
        ProjectCreate(
            name="Solid-state battery pilot line",
            description="Korea's pilot line for field batteries.",
            status="proposed",
            starts_on=date(year, 1, 1),
            ends_on=date(year + 2, 12, 31),
            organisations=["KOR-NCSC"],
            nations=["KOR"],
            milestones=[{"title": "Pilot line running", "due_on": date(year + 1, 6, 30)}],
            technologies=[ids["Solid-state batteries"]],
            marking=KOREA,
        ),
    ]
    for plan in plans:
        projects.create_project(session, liaison, data=plan, accreditation=accreditation)
