"""Typed factories for FIMI tests: actors of the demo office, narratives, reports and incidents."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from liaison_hub.fimi import incidents, narratives, service
from liaison_hub.fimi.schemas import ImportResult, IncidentCreate, NarrativeCreate
from liaison_hub.models.fimi import FimiIncident, FimiNarrative
from liaison_hub.policy.levels import parse_classification
from liaison_hub.policy.principal import Actor
from liaison_hub.policy.schemas import MarkingIn
from tests.factories import principal

NS = parse_classification("NS")
SHARED = MarkingIn(tlp="green", releasable_to=["ALLIANCE", "AP4"])
JAPAN_ONLY = MarkingIn(tlp="amber", releasable_to=["JPN"])
START = datetime(2026, 6, 1, 9, tzinfo=UTC)
TENTACLES = (
    "Beijing said on Monday that the alliance is extending its tentacles into the Asia-Pacific. "
    '"NATO must stop meddling in our region," foreign ministry spokesman Lin Jian told reporters. '
    "Canberra warned against the remarks. The Indo-Pacific partners met in Tokyo. See https://news.example.cn/a/1."
)


def actor(session: Session, username: str) -> Actor:
    return Actor(principal(session, username), source="test")


def report(text: str = TENTACLES, *, outlet: str = "Global Courier", days: int = 0, **extra: Any) -> dict[str, Any]:
    values = {
        "outlet": outlet,
        "outlet_country": "CHN",
        "url": f"https://{outlet.lower().replace(' ', '-')}.example.cn/{days}/{abs(hash(text)) % 10000}",
        "published_at": (START + timedelta(days=days)).isoformat(),
        "title": text[:60],
        "text": text,
    }
    return values | extra


def import_reports(
    session: Session, username: str, items: list[dict[str, Any]], marking: MarkingIn = SHARED
) -> ImportResult:
    return service.import_reports(
        session,
        actor(session, username),
        items=[(f"item {i + 1}", item) for i, item in enumerate(items)],
        marking=marking,
        accreditation=NS,
    )


def make_narrative(
    session: Session, username: str = "liaison", marking: MarkingIn = SHARED, **extra: Any
) -> FimiNarrative:
    values: dict[str, Any] = {
        "title": "The alliance is extending its tentacles into the Asia-Pacific",
        "summary": "An expansionist bloc reaching into the region.",
        "statements": ["NATO is extending its tentacles into the Asia-Pacific region.", "北约把触角伸向亚太地区。"],
        "aliases": ["tentacles", "触角"],
        "marking": marking,
    }
    data = NarrativeCreate.model_validate(values | extra)
    return narratives.create_narrative(session, actor(session, username), data=data, accreditation=NS)


def incident_data(**extra: Any) -> IncidentCreate:
    values: dict[str, Any] = {
        "title": "Tentacles campaign",
        "summary": "Same texts on several sites.",
        "first_seen": START.isoformat(),
        "last_seen": (START + timedelta(days=30)).isoformat(),
        "status": "open",
        "determination": "confirmed",
        "channels": ["Global Courier"],
        "targets": ["JPN", "AP4"],
        "actors": [{"name": "MFA spokesperson's office", "nation": "CHN", "tier": "official", "confidence": 90}],
        "techniques": [{"disarm_id": "T0003", "observed_at": START.isoformat()}, {"disarm_id": "C00008"}],
        "marking": {"tlp": "amber", "releasable_to": ["ALLIANCE", "AP4"]},
    }
    return IncidentCreate.model_validate(values | extra)


def make_incident(session: Session, username: str = "liaison", **extra: Any) -> FimiIncident:
    return incidents.create_incident(session, actor(session, username), data=incident_data(**extra), accreditation=NS)
