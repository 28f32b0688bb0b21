"""FIMI incidents: period, status and determination, narratives, channels, targets, actors with an attribution tier
and confidence, DISARM techniques and countermeasures (by their DISARM ids, from pymispgalaxies) and evidence
reports. Everything is checked before anything is written; an incident shows only the narratives and reports its
reader may read."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

import pycountry
from sqlalchemy.orm import Session

from liaison_hub.errors import InvalidInput, NotFound
from liaison_hub.fimi import disarm
from liaison_hub.fimi import repository as repo
from liaison_hub.fimi.schemas import (
    ActorRead,
    IncidentCreate,
    IncidentRead,
    NamedRef,
    TechniqueRead,
    TimelineEntry,
)
from liaison_hub.fimi.service import audit_write, marking_audience
from liaison_hub.fimi.views import Markings
from liaison_hub.models.fimi import (
    FimiIncident,
    FimiIncidentActor,
    FimiIncidentLink,
    FimiIncidentTechnique,
    FimiReport,
)
from liaison_hub.policy import rights
from liaison_hub.policy.levels import Level
from liaison_hub.policy.principal import Actor, Principal


def incident(session: Session, principal: Principal, incident_id: int) -> FimiIncident:
    found = repo.get_incident(session, principal, incident_id)
    if found is None:
        raise NotFound(f"no incident {incident_id}")
    return found


def _targets(session: Session, codes: list[str]) -> list[str]:
    groupings = {code for code, _ in repo.directory_names(session)[1]}
    found = []
    for code in codes:
        value = code.strip().upper()
        if value not in groupings and pycountry.countries.get(alpha_3=value) is None:
            raise InvalidInput(f"unknown target {code[:20]!r}: give a nation (ISO 3166-1 alpha-3) or a grouping code")
        found.append(value)
    return found


def _check(session: Session, actor: Actor, data: IncidentCreate) -> list[str]:
    """Refuse what cannot be stored: unknown DISARM ids, narratives or reports the writer cannot read, unknown
    targets, a period that ends before it starts."""
    for technique in data.techniques:
        disarm.entry(technique.disarm_id)
    if data.last_seen is not None and data.last_seen < data.first_seen:
        raise InvalidInput("last_seen is before first_seen")
    narratives = repo.narratives_by_ids(session, actor.principal, data.narratives)
    missing = sorted(set(data.narratives) - set(narratives))
    reports = repo.reports_by_ids(session, actor.principal, data.reports)
    missing_reports = sorted(set(data.reports) - set(reports))
    if missing or missing_reports:
        raise InvalidInput(f"no such narratives {missing} or reports {missing_reports}")
    return _targets(session, data.targets)


def create_incident(
    session: Session, actor: Actor, *, data: IncidentCreate, accreditation: Level, stix_uuid: str | None = None
) -> FimiIncident:
    rights.require_write(actor, what="record an incident")
    targets = _check(session, actor, data)
    audience = marking_audience(session, actor, data.marking, accreditation=accreditation)
    row = FimiIncident(
        stix_uuid=stix_uuid or str(uuid.uuid4()),
        title=data.title,
        summary=data.summary,
        first_seen=data.first_seen,
        last_seen=data.last_seen,
        status=data.status.value,
        determination=data.determination.value,
        owner_organisation_id=actor.principal.organisation_id,
        audience_id=audience.id,
    )
    session.add(row)
    session.flush()
    session.add_all(
        FimiIncidentActor(
            incident_id=row.id,
            name=a.name,
            stix_type=a.stix_type,
            nation_code=a.nation,
            tier=a.tier.value,
            confidence=a.confidence,
        )
        for a in data.actors
    )
    session.add_all(
        FimiIncidentTechnique(
            incident_id=row.id, disarm_id=disarm.entry(t.disarm_id).disarm_id, observed_at=t.observed_at, note=t.note
        )
        for t in data.techniques
    )
    links = [("narrative", str(n)) for n in data.narratives] + [("report", str(r)) for r in data.reports]
    links += [("channel", c) for c in dict.fromkeys(data.channels)] + [("target", t) for t in targets]
    session.add_all(FimiIncidentLink(incident_id=row.id, kind=k, ref=v[:300]) for k, v in links)
    session.flush()
    audit_write(
        session,
        actor,
        action="fimi.incident.create",
        entity_type="fimi_incident",
        entity_id=row.id,
        audience=audience,
        details={"actors": len(data.actors), "techniques": len(data.techniques), "links": len(links)},
    )
    return row


def _technique_read(t: FimiIncidentTechnique) -> TechniqueRead:
    found = disarm.catalogue().get(t.disarm_id)
    return TechniqueRead(
        disarm_id=t.disarm_id,
        name=found.name if found else "",
        kind="technique" if found is None or found.is_technique else "countermeasure",
        tactics=list(found.tactics) if found else [],
        url=found.url if found else None,
        observed_at=t.observed_at,
        note=t.note,
    )


def incident_read(session: Session, principal: Principal, incident_id: int) -> IncidentRead:
    row = incident(session, principal, incident_id)
    actors, techniques, links = repo.incident_parts(session, row.id)
    by_kind: dict[str, list[str]] = {}
    for link in links:
        by_kind.setdefault(link.kind, []).append(link.ref)
    narratives = repo.narratives_by_ids(session, principal, [int(i) for i in by_kind.get("narrative", [])])
    reports = repo.reports_by_ids(session, principal, [int(i) for i in by_kind.get("report", [])])
    return IncidentRead(
        id=row.id,
        stix_id=f"incident--{row.stix_uuid}",
        title=row.title,
        summary=row.summary,
        first_seen=row.first_seen,
        last_seen=row.last_seen,
        status=row.status,
        determination=row.determination,
        narratives=[NamedRef(id=n.id, title=n.title) for n in narratives.values()],
        reports=[NamedRef(id=r.id, title=r.title) for r in sorted(reports.values(), key=lambda r: r.published_at)],
        channels=by_kind.get("channel", []),
        targets=by_kind.get("target", []),
        actors=[
            ActorRead(name=a.name, stix_type=a.stix_type, nation=a.nation_code, tier=a.tier, confidence=a.confidence)
            for a in actors
        ],
        techniques=[_technique_read(t) for t in techniques],
        timeline=_timeline(row, [_technique_read(t) for t in techniques], reports.values()),
        marking=Markings(session).read(row.audience_id),
    )


def _timeline(row: FimiIncident, techniques: list[TechniqueRead], reports: Iterable[FimiReport]) -> list[TimelineEntry]:
    """The incident's period, its evidence reports as published and techniques when observed, in time order."""
    entries = [TimelineEntry(at=row.first_seen, kind="start", text="first seen")]
    if row.last_seen is not None:
        entries.append(TimelineEntry(at=row.last_seen, kind="end", text="last seen"))
    for report in reports:
        entries.append(
            TimelineEntry(at=report.published_at, kind="report", text=f"{report.outlet}: {report.title}", ref=report.id)
        )
    for t in techniques:
        if t.observed_at is not None:
            entries.append(TimelineEntry(at=t.observed_at, kind="technique", text=f"{t.disarm_id} {t.name}"))
    order = {"start": 0, "technique": 1, "report": 2, "end": 3}
    return sorted(entries, key=lambda e: (e.at, order[e.kind]))


def incident_audience_ids(session: Session, principal: Principal, incident_id: int) -> list[int]:
    """Audiences of an incident and of the narratives and reports its page shows (for the page's banner)."""
    row = incident(session, principal, incident_id)
    _, _, links = repo.incident_parts(session, row.id)
    ids = [row.audience_id]
    ids += [
        n.audience_id
        for n in repo.narratives_by_ids(
            session, principal, [int(x.ref) for x in links if x.kind == "narrative"]
        ).values()
    ]
    ids += [
        r.audience_id
        for r in repo.reports_by_ids(session, principal, [int(x.ref) for x in links if x.kind == "report"]).values()
    ]
    return ids
