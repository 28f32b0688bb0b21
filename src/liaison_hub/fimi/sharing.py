"""Sharing incidents as STIX: store an incident's objects in an intel collection (partners fetch them over TAXII)
and build an incident back from such objects (an incident exported by one hub, imported by another, is the same
incident: same STIX id, period, status, narratives, channels, targets, actors, techniques and evidence)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

import pycountry
from sqlalchemy.orm import Session

from liaison_hub.audit.service import record
from liaison_hub.errors import Conflict, InvalidInput
from liaison_hub.fimi import bookkeeping, disarm, incidents, narratives, service, stix
from liaison_hub.fimi import repository as repo
from liaison_hub.fimi.schemas import (
    ActorIn,
    ExportResult,
    IncidentCreate,
    NarrativeCreate,
    Refusal,
    TechniqueIn,
)
from liaison_hub.intel import service as intel
from liaison_hub.intel.markings import BUILTIN_TLP, Facets, combine, interpret_definition
from liaison_hub.models.fimi import FimiIncident
from liaison_hub.policy import rights
from liaison_hub.policy.levels import Level
from liaison_hub.policy.principal import Actor
from liaison_hub.policy.schemas import MarkingIn

TIERS = {"official", "state-controlled", "state-linked", "state-aligned"}


def share_incident(
    session: Session, actor: Actor, *, incident_id: int, collection: str, accreditation: Level
) -> ExportResult:
    """Store the incident's STIX objects in a collection, as the owner (or an administrator) may read them."""
    row = incidents.incident(session, actor.principal, incident_id)
    rights.require_owner(actor, row.owner_organisation_id, what="share this incident as STIX")
    objects = stix.export_objects(session, actor.principal, incident_id)
    result = intel.ingest(session, actor, collection=collection, objects=objects, accreditation=accreditation)
    record(
        session,
        actor,
        action="fimi.incident.share",
        entity_type="fimi_incident",
        entity_id=row.id,
        details={"objects": len(objects), "stored": result.stored},
        audience_id=row.audience_id,
    )
    refused = [Refusal(item=f.id, reason=f.message or "") for f in result.failures]
    return ExportResult(collection=collection, objects=len(objects), stored=result.succeeded, refused=refused)


def _facets(objects: Mapping[str, Mapping[str, Any]], obj: Mapping[str, Any]) -> Facets:
    found = []
    for ref in obj.get("object_marking_refs") or ():
        if ref in BUILTIN_TLP:
            found.append(Facets(tlp=BUILTIN_TLP[ref]))
        elif ref in objects:
            found.append(interpret_definition(objects[ref])[1])
        else:
            raise InvalidInput(f"{obj['id']} is marked by {ref}, which the bundle does not define")
    return combine(found, Facets())


def _marking(objects: Mapping[str, Mapping[str, Any]], obj: Mapping[str, Any]) -> MarkingIn:
    facets = _facets(objects, obj)
    if facets.owner_only:
        raise InvalidInput(f"{obj['id']} carries markings with nothing in common")
    return MarkingIn(
        tlp=(facets.tlp.value if facets.tlp else "amber"),
        classification=facets.classification or "NU",
        releasable_to=list(facets.releasable_to) if facets.releasable_to is not None else None,
        recipients=list(facets.recipients or ()),
    )


def _time(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


def _nation(place: Mapping[str, Any] | None) -> str | None:
    if not place:
        return None
    if place.get("type") == "location" and place.get("country"):
        country = pycountry.countries.get(alpha_2=str(place["country"]).upper())
        return country.alpha_3 if country else None
    return str(place.get("name")) if place.get("type") == "identity" else None


class Reader:
    """The objects of one bundle, by id, with the relationships from and to each."""

    def __init__(self, objects: Iterable[Mapping[str, Any]]) -> None:
        self.objects = {str(o["id"]): o for o in objects if isinstance(o, Mapping) and "id" in o}
        self.relations = [o for o in self.objects.values() if o.get("type") == "relationship"]
        incidents_found = [o for o in self.objects.values() if o.get("type") == "incident"]
        if len(incidents_found) != 1:
            raise InvalidInput(f"expected one incident in the objects, found {len(incidents_found)}")
        self.incident = incidents_found[0]

    def related(self, source: str, kind: str) -> list[tuple[Mapping[str, Any], Mapping[str, Any]]]:
        return [
            (r, self.objects[r["target_ref"]])
            for r in self.relations
            if r["source_ref"] == source and r["relationship_type"] == kind and r["target_ref"] in self.objects
        ]

    def pointing(self, target: str, kind: str) -> list[tuple[Mapping[str, Any], Mapping[str, Any]]]:
        return [
            (r, self.objects[r["source_ref"]])
            for r in self.relations
            if r["target_ref"] == target and r["relationship_type"] == kind and r["source_ref"] in self.objects
        ]

    def marking(self, obj: Mapping[str, Any]) -> MarkingIn:
        return _marking(self.objects, obj)


def _disarm_id(obj: Mapping[str, Any]) -> str | None:
    for ref in obj.get("external_references") or ():
        if ref.get("source_name") == stix.DISARM_SOURCE and ref.get("external_id"):
            return str(ref["external_id"])
    return None


def _actors(reader: Reader) -> list[ActorIn]:
    found = []
    for rel, obj in reader.related(str(reader.incident["id"]), "attributed-to"):
        tier = str(rel.get("x_liaison_attribution_tier") or "")
        if tier not in TIERS:
            raise InvalidInput(
                f"attribution tier {tier[:30]!r} of {obj['id']} is not one of {', '.join(sorted(TIERS))}"
            )
        places = reader.related(str(obj["id"]), "located-at") + reader.related(str(obj["id"]), "originates-from")
        found.append(
            ActorIn(
                name=str(obj.get("name", "")),
                stix_type=str(obj["type"]),
                tier=tier,
                nation=_nation(places[0][1]) if places else None,
                confidence=int(rel.get("confidence", 50)),
            )
        )
    return found


def _techniques(reader: Reader) -> list[TechniqueIn]:
    incident_id = str(reader.incident["id"])
    pairs = reader.related(incident_id, "uses") + reader.pointing(incident_id, "related-to")
    found = []
    for rel, obj in pairs:
        if obj.get("type") in ("attack-pattern", "course-of-action") and (disarm_id := _disarm_id(obj)):
            found.append(
                TechniqueIn(
                    disarm_id=disarm_id, observed_at=_time(rel.get("start_time")), note=str(rel.get("description", ""))
                )
            )
    return found


def _report_items(report: Mapping[str, Any]) -> list[tuple[str, dict[str, object] | str]]:
    items: list[tuple[str, dict[str, object] | str]] = []
    for number, ref in enumerate(report.get("external_references") or [{}]):
        published, _, country = str(ref.get("description", "")).partition(" ")
        items.append(
            (
                f"{report['id']} #{number + 1}",
                {
                    "outlet": ref.get("source_name") or "unknown",
                    "outlet_country": country or None,
                    "url": ref.get("url"),
                    "published_at": published or report.get("published"),
                    "title": report.get("name", ""),
                    "text": report.get("description", ""),
                    "language": report.get("lang"),
                },
            )
        )
    return items


def _narrative(session: Session, actor: Actor, reader: Reader, obj: Mapping[str, Any], accreditation: Level) -> int:
    """The narrative a bundle names: the one already here (the same STIX id, readable), or a new one."""
    stix_uuid = str(obj["id"]).split("--", 1)[1]
    found = repo.narrative_by_stix_uuid(session, actor.principal, stix_uuid)
    if found is not None:
        return found.id
    data = NarrativeCreate(
        title=str(obj.get("name", "")),
        summary=str(obj.get("description", "")),
        statements=list(obj.get("x_liaison_statements") or []),
        aliases=list(obj.get("aliases") or []),
        marking=reader.marking(obj),
    )
    fresh = None if bookkeeping.stix_uuid_taken(session, stix_uuid) else stix_uuid
    return narratives.create_narrative(session, actor, data=data, accreditation=accreditation, stix_uuid=fresh).id


def _evidence(session: Session, actor: Actor, reader: Reader, obj: Mapping[str, Any], accreditation: Level) -> int:
    result = service.import_reports(
        session, actor, items=_report_items(obj), marking=reader.marking(obj), accreditation=accreditation
    )
    if result.refused or not result.report_ids:
        raise InvalidInput(f"report {obj['id']}: {result.refused[0].reason if result.refused else 'empty'}")
    return result.report_ids[0]


def _incident_data(reader: Reader, narrative_ids: list[int], report_ids: list[int]) -> IncidentCreate:
    incident_id = str(reader.incident["id"])
    extension = (reader.incident.get("extensions") or {}).get(stix.INCIDENT_CORE) or {}
    return IncidentCreate(
        title=str(reader.incident.get("name", "")),
        summary=str(reader.incident.get("description", "")),
        first_seen=_time(reader.incident.get("first_seen")) or _time(reader.incident.get("created")),
        last_seen=_time(reader.incident.get("last_seen")),
        status=extension.get("investigation_status", "open"),
        determination=extension.get("determination", "suspected"),
        narratives=narrative_ids,
        reports=report_ids,
        channels=[str(o.get("name")) for _, o in reader.related(incident_id, "uses") if o.get("type") == "channel"],
        targets=[t for _, o in reader.related(incident_id, "targets") if (t := _nation(o))],
        actors=_actors(reader),
        techniques=_techniques(reader),
        marking=reader.marking(reader.incident),
    )


def import_incident(
    session: Session, actor: Actor, *, objects: Iterable[Mapping[str, Any]], accreditation: Level
) -> FimiIncident:
    """Build an incident (with its narratives and evidence reports) from the STIX objects of one incident. The
    bundle is checked first (markings, tiers, DISARM ids); nothing of it is kept when any part is refused."""
    rights.require_write(actor, what="import an incident")
    reader = Reader(objects)
    incident_id = str(reader.incident["id"])
    _incident_data(reader, [], [])
    for technique in _techniques(reader):
        disarm.entry(technique.disarm_id)
    stories = [o for _, o in reader.related(incident_id, "uses") if o.get("type") == "narrative"]
    evidence = sorted(
        (
            o
            for o in reader.objects.values()
            if o.get("type") == "report" and incident_id in (o.get("object_refs") or ())
        ),
        key=lambda o: str(o["id"]),
    )
    for obj in [*stories, *evidence]:
        reader.marking(obj)
    with session.begin_nested():
        narrative_ids = {str(o["id"]): _narrative(session, actor, reader, o, accreditation) for o in stories}
        report_ids = []
        for obj in evidence:
            report_id = _evidence(session, actor, reader, obj, accreditation)
            report_ids.append(report_id)
            for ref in obj.get("object_refs") or ():
                if ref in narrative_ids:
                    narratives.link_report(session, actor, report_id=report_id, narrative_id=narrative_ids[ref])
        stix_uuid = incident_id.split("--", 1)[1]
        if repo.incident_by_stix_uuid(session, actor.principal, stix_uuid) is not None:
            raise Conflict(f"{incident_id} is already in this hub")
        fresh = None if bookkeeping.stix_uuid_taken(session, stix_uuid) else stix_uuid
        data = _incident_data(reader, list(narrative_ids.values()), report_ids)
        return incidents.create_incident(session, actor, data=data, accreditation=accreditation, stix_uuid=fresh)
