"""FIMI incidents as STIX 2.1 (and back).

- the incident: ``incident`` (STIX 2.1 section 4.7) with the Incident Core extension (``determination``,
  ``investigation_status``; oasis-open/cti-stix-common-objects), its period as ``first_seen``/``last_seen`` as
  OpenCTI writes them;
- DISARM techniques: ``attack-pattern`` and countermeasures: ``course-of-action``, with the DISARM id as
  ``external_id`` (source ``DISARM``) and the MISP galaxy's uuid as their STIX id, so every hub names them alike;
- actors: ``threat-actor`` or ``intrusion-set``, ``attributed-to`` with ``confidence`` and the attribution tier,
  ``located-at``/``originates-from`` their nation;
- narratives and channels: OpenCTI's ``narrative`` and ``channel`` objects (``new-sdo`` under OpenCTI's extension);
- targets: ``location`` (a nation) or ``identity`` (a grouping), ``targets``;
- evidence: each media report as a ``report`` whose ``object_refs`` name the incident and its confirmed narratives;
- every object carries its record's marking (TLP 2.0 and the hub's marking-definition, ``intel.markings``); a
  relationship carries both ends' markings, which combine to the narrower audience.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import pycountry
from sqlalchemy.orm import Session

from liaison_hub.errors import InvalidInput
from liaison_hub.fimi import disarm
from liaison_hub.fimi import repository as repo
from liaison_hub.fimi.incidents import incident
from liaison_hub.intel.markings import TLP2_IDS, Facets, hub_marking_definition
from liaison_hub.intel.stix import format_micros, micros_of
from liaison_hub.models import Audience
from liaison_hub.models.fimi import FimiIncident, FimiIncidentActor, FimiNarrative, FimiReport
from liaison_hub.policy.levels import TLP
from liaison_hub.policy.principal import Principal

INCIDENT_CORE = "extension-definition--ef765651-680c-498d-9894-99799f2fa126"
OPENCTI_EXTENSION = "extension-definition--ea279b3e-5c71-4632-ac08-831c66a786ba"
DISARM_SOURCE = "DISARM"
NAMESPACE = uuid.UUID("6f1c3a52-5e0b-4c8e-9a57-2f8e7f0d9a11")
"""Namespace of the UUIDv5 ids of objects derived from FIMI records (channels, actors, reports, relationships)."""


def _id(kind: str, key: str) -> str:
    return f"{kind}--{uuid.uuid5(NAMESPACE, f'{kind}|{key}')}"


def _time(moment: datetime) -> str:
    return format_micros(micros_of(moment))


class Marks:
    """The marking refs of audiences, and the marking-definition objects they need."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.names = repo.organisation_names(session)
        self.definitions: dict[str, dict[str, Any]] = {}

    def refs(self, audience: Audience) -> list[str]:
        if audience.owner_only:
            raise InvalidInput("a record marked for its owner organisation alone is not shared as STIX")
        facets = Facets(
            classification=audience.classification,
            releasable_to=audience.releasable,
            recipients=tuple(sorted(self.names.get(r, str(r)) for r in audience.recipients)) or None,
        )
        definition = hub_marking_definition(facets)
        # A definition names a marking, not a record: TLP:CLEAR, so that whoever reads a record can read its marking.
        definition["object_marking_refs"] = [TLP2_IDS[TLP.clear]]
        self.definitions[definition["id"]] = definition
        return [TLP2_IDS[TLP(audience.tlp)], definition["id"]]


class Exporter:
    """Builds the objects of one incident as a principal may read them."""

    def __init__(self, session: Session, principal: Principal, row: FimiIncident) -> None:
        self.session, self.principal, self.row = session, principal, row
        self.marks = Marks(session)
        self.objects: dict[str, dict[str, Any]] = {}
        self.audiences = repo.audiences(session, [row.audience_id])
        self.created = _time(row.created_at)
        self.incident_id = f"incident--{row.stix_uuid}"
        self.incident_refs = self.refs(row.audience_id)

    def refs(self, audience_id: int) -> list[str]:
        if audience_id not in self.audiences:
            self.audiences.update(repo.audiences(self.session, [audience_id]))
        return self.marks.refs(self.audiences[audience_id])

    def add(self, obj: dict[str, Any], refs: list[str] | None = None) -> str:
        full = {"spec_version": "2.1", "created": self.created, "modified": self.created, **obj}
        full["object_marking_refs"] = list(dict.fromkeys(refs or self.incident_refs))
        self.objects[full["id"]] = full
        return str(full["id"])

    def relate(self, source: str, kind: str, target: str, extra: dict[str, Any] | None = None) -> None:
        refs = self.objects[source]["object_marking_refs"] + self.objects[target]["object_marking_refs"]
        body = {
            "type": "relationship",
            "id": _id("relationship", f"{source}|{kind}|{target}"),
            "relationship_type": kind,
            "source_ref": source,
            "target_ref": target,
            **(extra or {}),
        }
        self.add(body, refs)

    def incident(self) -> None:
        row = self.row
        extension = {
            "extension_type": "property-extension",
            "determination": row.determination,
            "investigation_status": row.status,
        }
        obj: dict[str, Any] = {
            "type": "incident",
            "id": self.incident_id,
            "name": row.title,
            "first_seen": _time(row.first_seen),
            "extensions": {INCIDENT_CORE: extension},
        }
        if row.summary:
            obj["description"] = row.summary
        if row.last_seen is not None:
            obj["last_seen"] = _time(row.last_seen)
        self.add(obj)

    def narrative(self, n: FimiNarrative) -> str:
        obj = {
            "type": "narrative",
            "id": f"narrative--{n.stix_uuid}",
            "name": n.title,
            "description": n.summary,
            "aliases": list(n.aliases),
            "narrative_types": [],
            "x_liaison_statements": list(n.statements),
            "extensions": {OPENCTI_EXTENSION: {"extension_type": "new-sdo"}},
        }
        return self.add(obj, self.refs(n.audience_id))

    def channel(self, name: str) -> str:
        return self.add(
            {
                "type": "channel",
                "id": _id("channel", name),
                "name": name,
                "channel_types": ["media"],
                "aliases": [],
                "extensions": {OPENCTI_EXTENSION: {"extension_type": "new-sdo"}},
            }
        )

    def technique(self, disarm_id: str, observed: datetime | None, note: str) -> None:
        entry = disarm.entry(disarm_id)
        kind = "attack-pattern" if entry.is_technique else "course-of-action"
        reference = {
            "source_name": DISARM_SOURCE,
            "external_id": entry.disarm_id,
            **({"url": entry.url} if entry.url else {}),
        }
        obj: dict[str, Any] = {
            "type": kind,
            "id": f"{kind}--{entry.uuid}",
            "name": entry.name,
            "description": entry.description,
            "external_references": [reference],
        }
        if entry.is_technique and entry.tactics:
            obj["kill_chain_phases"] = [
                {"kill_chain_name": "disarm", "phase_name": t.lower().replace(" ", "-")} for t in entry.tactics
            ]
        target = self.add(obj)
        extra: dict[str, Any] = {"description": note} if note else {}
        if observed is not None:
            extra["start_time"] = _time(observed)
        if entry.is_technique:
            self.relate(self.incident_id, "uses", target, extra)
        else:
            self.relate(target, "related-to", self.incident_id, extra)

    def place(self, code: str) -> str:
        """A nation as a ``location`` (ISO 3166-1 alpha-2, as STIX asks), a grouping as an ``identity``."""
        country = pycountry.countries.get(alpha_3=code)
        if country is not None:
            return self.add(
                {"type": "location", "id": _id("location", code), "name": country.name, "country": country.alpha_2}
            )
        return self.add({"type": "identity", "id": _id("identity", code), "name": code, "identity_class": "group"})

    def actor(self, a: FimiIncidentActor) -> None:
        actor_id = self.add({"type": a.stix_type, "id": _id(a.stix_type, a.name), "name": a.name})
        self.relate(
            self.incident_id,
            "attributed-to",
            actor_id,
            {
                "confidence": a.confidence,
                "x_liaison_attribution_tier": a.tier,
                "description": f"Attribution tier: {a.tier}",
            },
        )
        if a.nation_code:
            kind = "located-at" if a.stix_type == "threat-actor" else "originates-from"
            self.relate(actor_id, kind, self.place(a.nation_code))

    def report(self, r: FimiReport, narratives: Sequence[str]) -> None:
        appearances = repo.appearances(self.session, self.principal, [r.id])
        references = [
            {
                "source_name": a.outlet,
                **({"url": a.url} if a.url else {}),
                "description": f"{_time(a.published_at)} {a.outlet_country or ''}".strip(),
            }
            for a in appearances
        ]
        obj = {
            "type": "report",
            "id": _id("report", f"{r.text_key}|{r.url or ''}"),
            "name": r.title,
            "description": r.text,
            "published": _time(r.published_at),
            "report_types": ["media-report"],
            "lang": r.language,
            "object_refs": [self.incident_id, *narratives],
            "external_references": references,
        }
        self.add(obj, self.refs(r.audience_id))


def _confirmed(session: Session, principal: Principal, report_ids: list[int]) -> dict[int, set[int]]:
    found: dict[int, set[int]] = {}
    for s in repo.suggestions(session, principal, report_ids):
        if s.status == "confirmed":
            found.setdefault(s.report_id, set()).add(s.narrative_id)
    return found


def export_objects(session: Session, principal: Principal, incident_id: int) -> list[dict[str, Any]]:
    """The STIX objects of an incident as the principal may read it (marking-definitions first)."""
    row = incident(session, principal, incident_id)
    exporter = Exporter(session, principal, row)
    exporter.incident()
    actors, techniques, links = repo.incident_parts(session, row.id)
    refs: dict[str, list[str]] = {}
    for link in links:
        refs.setdefault(link.kind, []).append(link.ref)
    narratives = repo.narratives_by_ids(session, principal, [int(i) for i in refs.get("narrative", [])])
    stix_ids = {n.id: exporter.narrative(n) for n in narratives.values()}
    for stix_id in stix_ids.values():
        exporter.relate(exporter.incident_id, "uses", stix_id)
    for name in refs.get("channel", []):
        exporter.relate(exporter.incident_id, "uses", exporter.channel(name))
    for code in refs.get("target", []):
        exporter.relate(exporter.incident_id, "targets", exporter.place(code))
    for a in actors:
        exporter.actor(a)
    for t in techniques:
        exporter.technique(t.disarm_id, t.observed_at, t.note)
    reports = repo.reports_by_ids(session, principal, [int(i) for i in refs.get("report", [])])
    confirmed = _confirmed(session, principal, list(reports))
    for r in sorted(reports.values(), key=lambda r: (r.published_at, r.id)):
        exporter.report(r, [stix_ids[n] for n in sorted(confirmed.get(r.id, set())) if n in stix_ids])
    return [*exporter.marks.definitions.values(), *exporter.objects.values()]


def bundle_uuid(objects: Sequence[dict[str, Any]]) -> uuid.UUID:
    """A bundle's id: derived from the ids and versions it holds, so the same export has the same id."""
    return uuid.uuid5(NAMESPACE, "|".join(f"{o['id']}@{o.get('modified', '')}" for o in objects))
