"""The demo's FIMI data: five narratives, the Asia-Pacific/Indo-Pacific term set, forty reports in English,
Chinese, Japanese and Korean (a few of them Japan's own, marked for Japan), some decisions, and one incident."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from liaison_hub.directory.auth import acting_as
from liaison_hub.fimi import corpus, incidents, narratives, service, terms
from liaison_hub.fimi import repository as repo
from liaison_hub.fimi.schemas import Decision, IncidentCreate, NarrativeCreate
from liaison_hub.policy.levels import Level
from liaison_hub.policy.principal import Actor, PrincipalKind
from liaison_hub.policy.schemas import MarkingIn

SHARED = MarkingIn(tlp="green", releasable_to=["ALLIANCE", "AP4"])
JAPAN_ONLY = MarkingIn(tlp="amber", releasable_to=["JPN"])
INCIDENT_TITLE = "Coordinated 'tentacles' campaign ahead of the alliance summit"
REPORTS = 40
JAPAN_REPORTS = 6


def _actor(session: Session, username: str, accreditation: Level) -> Actor:
    return acting_as(session, username, accreditation=accreditation, kind=PrincipalKind.demo, source="demo")


def _narratives(session: Session, actor: Actor, accreditation: Level) -> dict[str, int]:
    ids = {}
    for entry in corpus.data("narratives"):
        data = NarrativeCreate(
            title=entry["title"],
            summary=entry["summary"],
            statements=entry["statements"],
            aliases=entry["aliases"],
            marking=SHARED,
        )
        ids[entry["key"]] = narratives.create_narrative(session, actor, data=data, accreditation=accreditation).id
    return ids


def _confirm_some(session: Session, actor: Actor, report_ids: list[int]) -> list[int]:
    """Confirm the best suggestion of the first reports that have one (an analyst's morning)."""
    confirmed: list[int] = []
    for report_id in report_ids:
        found = [s for s in repo.suggestions(session, actor.principal, [report_id]) if s.status == "suggested"]
        if found and len(confirmed) < 8:
            narratives.decide(
                session, actor, report_id=report_id, narrative_id=found[0].narrative_id, status=Decision.confirmed
            )
            confirmed.append(report_id)
    return confirmed


def load_sample(session: Session, *, accreditation: Level, today: datetime | None = None) -> bool:
    """Load the demo's FIMI data once; False when it is already there."""
    liaison = _actor(session, "liaison", accreditation)
    if any(n.title.startswith("The alliance is extending") for n in repo.list_narratives(session, liaison.principal)):
        return False
    start = (today or datetime.now(UTC)) - timedelta(days=100)
    ids = _narratives(session, liaison, accreditation)
    terms.create_term_set(session, liaison, data=terms.ASIA_INDO_PACIFIC, accreditation=accreditation)
    reports = corpus.generate(REPORTS, seed=7, start=start)
    shared = reports[: REPORTS - JAPAN_REPORTS]
    result = service.import_reports(
        session,
        liaison,
        items=[(f"demo {r.number}", r.item()) for r in shared],
        marking=SHARED,
        accreditation=accreditation,
    )
    japan = _actor(session, "analyst-jp", accreditation)
    service.import_reports(
        session,
        japan,
        items=[(f"demo {r.number}", r.item()) for r in reports[len(shared) :]],
        marking=JAPAN_ONLY,
        accreditation=accreditation,
    )
    confirmed = _confirm_some(session, liaison, list(dict.fromkeys(result.report_ids)))
    first = min(datetime.fromisoformat(r.published_at) for r in shared)
    incident = IncidentCreate(
        title=INCIDENT_TITLE,
        summary="State media and a network of look-alike sites pushed the same 'tentacles' texts in four languages "
        "within days, ahead of the summit with the AP4.",
        first_seen=first,
        last_seen=first + timedelta(days=60),
        status="open",
        determination="confirmed",
        narratives=[ids["tentacles"], ids["vassals"]],
        reports=confirmed[:5],
        channels=["Global Courier", "Pacific Daily Mirror", "Silk Road Observer"],
        targets=["JPN", "AUS", "KOR", "NZL", "ALLIANCE"],
        actors=[
            {
                "name": "Ministry of Foreign Affairs spokesperson's office",
                "stix_type": "threat-actor",
                "nation": "CHN",
                "tier": "official",
                "confidence": 90,
            },
            {
                "name": "Look-alike news network",
                "stix_type": "intrusion-set",
                "nation": "CHN",
                "tier": "state-linked",
                "confidence": 60,
            },
        ],
        techniques=[
            {"disarm_id": "T0003", "observed_at": first},
            {"disarm_id": "T0119", "observed_at": first + timedelta(days=2), "note": "same text on three sites"},
            {"disarm_id": "T0049.003"},
            {"disarm_id": "C00008"},
        ],
        marking=MarkingIn(tlp="amber", releasable_to=["ALLIANCE", "AP4"]),
    )
    incidents.create_incident(session, liaison, data=incident, accreditation=accreditation)
    return True
