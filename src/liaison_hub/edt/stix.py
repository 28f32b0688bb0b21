"""The technology watch as STIX 2.1, through the hub's published EDT property extension (``docs/edt.md``).

- a technology: ``grouping`` (STIX 2.1 section 4.6) with ``context`` ``edt-technology``; the extension holds its
  areas, horizon, interest per nation and first date; ``object_refs`` name its readiness notes under its marking;
- a readiness history entry: ``note`` (section 4.12) about the technology, under the entry's own marking; the
  extension holds the date, readiness level, ring, evidence, its place in the history and the signal that moved it;
- a signal: ``report`` (section 4.16) with ``report_types`` ``edt-signal``, ``object_refs`` its technologies (or
  the hub's identity when it names none); the extension holds kind, date, confidence, impact, URL and status;
- every object carries its record's marking (TLP 2.0 and the hub's marking-definition, as FIMI's objects do).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from liaison_hub.edt import links
from liaison_hub.edt import repository as repo
from liaison_hub.fimi.stix import Marks
from liaison_hub.intel.definitions import PUBLISHED
from liaison_hub.intel.markings import HUB_IDENTITY_ID, TLP2_IDS
from liaison_hub.intel.stix import format_micros, micros_of
from liaison_hub.models.edt import EdtHistory, EdtSignal, EdtTechnology
from liaison_hub.policy.levels import TLP
from liaison_hub.policy.principal import Principal

EDT_EXTENSION_ID = "extension-definition--5d3f7b0e-2c61-4f0a-9c35-8a1e4b6d2f90"
NAMESPACE = uuid.UUID("5d3f7b0e-2c61-4f0a-9c35-8a1e4b6d2f90")
"""Namespace of the UUIDv5 ids of readiness notes (derived from their technology and place in its history)."""
TECHNOLOGY_CONTEXT, SIGNAL_TYPE = "edt-technology", "edt-signal"


def extension_definition() -> dict[str, Any]:
    """The published extension-definition (STIX 2.1 section 7.3) of the EDT properties."""
    return {
        "type": "extension-definition",
        "spec_version": "2.1",
        "id": EDT_EXTENSION_ID,
        "created_by_ref": HUB_IDENTITY_ID,
        "created": PUBLISHED,
        "modified": PUBLISHED,
        "name": "Liaison Hub emerging and disruptive technologies",
        "description": (
            "Property extension of grouping (an EDT technology), note (a readiness assessment) and report (a signal); "
            "see Liaison Hub's docs/edt.md."
        ),
        "schema": "Defined in Liaison Hub's docs/edt.md, section 'STIX'.",
        "version": "1.0.0",
        "extension_types": ["property-extension"],
        "object_marking_refs": [TLP2_IDS[TLP.clear]],
    }


def _time(moment: datetime) -> str:
    return format_micros(micros_of(moment))


def technology_id(row: EdtTechnology) -> str:
    return f"grouping--{row.stix_uuid}"


def signal_id(row: EdtSignal) -> str:
    return f"report--{row.stix_uuid}"


def note_id(technology: EdtTechnology, sequence: int) -> str:
    return f"note--{uuid.uuid5(NAMESPACE, f'{technology.stix_uuid}|{sequence}')}"


class Exporter:
    """Builds the objects of the watch as one principal may read it."""

    def __init__(self, session: Session, principal: Principal) -> None:
        self.session, self.principal = session, principal
        self.marks = Marks(session)
        self.audiences: dict[int, Any] = {}
        self.objects: list[dict[str, Any]] = []

    def refs(self, audience_id: int) -> list[str]:
        if audience_id not in self.audiences:
            self.audiences.update(repo.audiences(self.session, [audience_id]))
        return self.marks.refs(self.audiences[audience_id])

    def add(self, obj: dict[str, Any], audience_id: int, created: datetime, extension: dict[str, Any]) -> None:
        stamp = _time(created)
        self.objects.append(
            {
                "spec_version": "2.1",
                "created": stamp,
                "modified": stamp,
                **obj,
                "object_marking_refs": self.refs(audience_id),
                "extensions": {EDT_EXTENSION_ID: {"extension_type": "property-extension", **extension}},
            }
        )

    def technology(self, row: EdtTechnology, history: Sequence[EdtHistory], signal_ids: dict[int, str]) -> None:
        own = [note_id(row, i) for i, h in enumerate(history) if h.audience_id == row.audience_id]
        interest = repo.interest(self.session, [row.id]).get(row.id, {})
        self.add(
            {
                "type": "grouping",
                "id": technology_id(row),
                "name": row.name,
                "description": row.description,
                "context": TECHNOLOGY_CONTEXT,
                "object_refs": own or [HUB_IDENTITY_ID],
            },
            row.audience_id,
            row.created_at,
            {
                "areas": list(row.areas),
                "horizon": row.horizon,
                "first_on": row.first_on.isoformat(),
                "interest": interest,
            },
        )
        for sequence, entry in enumerate(history):
            extension: dict[str, Any] = {
                "effective_on": entry.effective_on.isoformat(),
                "readiness": entry.readiness,
                "ring": entry.ring,
                "evidence": entry.evidence,
                "sequence": sequence,
            }
            if entry.signal_id in signal_ids:
                extension["signal_ref"] = signal_ids[entry.signal_id or 0]
            self.add(
                {
                    "type": "note",
                    "id": note_id(row, sequence),
                    "abstract": f"readiness {entry.readiness}, {entry.ring}",
                    "content": entry.reason or "-",
                    "object_refs": [technology_id(row)],
                },
                entry.audience_id,
                entry.recorded_at,
                extension,
            )

    def signal(self, row: EdtSignal, technology_refs: list[str]) -> None:
        self.add(
            {
                "type": "report",
                "id": signal_id(row),
                "name": row.title,
                "description": row.summary,
                "report_types": [SIGNAL_TYPE],
                "published": f"{row.observed_on.isoformat()}T00:00:00.000Z",
                "object_refs": technology_refs or [HUB_IDENTITY_ID],
            },
            row.audience_id,
            row.created_at,
            {
                "kind": row.kind,
                "observed_on": row.observed_on.isoformat(),
                "confidence": row.confidence,
                "impact": row.impact,
                "url": row.url,
                "status": row.status,
            },
        )


def export_objects(
    session: Session, principal: Principal, *, owner_organisation_id: int | None = None
) -> list[dict[str, Any]]:
    """The watch's technologies (with their readable history) and signals as the principal may read them, only
    the records an organisation owns when one is given (shared records keep their owner); marking-definitions and
    the extension-definition first."""
    exporter = Exporter(session, principal)
    techs = [
        t
        for t in repo.list_technologies(session, principal)
        if owner_organisation_id is None or t.owner_organisation_id == owner_organisation_id
    ]
    rows = [
        s
        for s in repo.list_signals(session, principal)
        if owner_organisation_id is None or s.owner_organisation_id == owner_organisation_id
    ]
    tech_refs = {t.id: technology_id(t) for t in techs}
    signal_refs = {s.id: signal_id(s) for s in rows}
    for tech in techs:
        history = repo.history(session, principal, tech.id)
        if owner_organisation_id is not None:
            owners = repo.audiences(session, {h.audience_id for h in history})
            history = [h for h in history if owners[h.audience_id].owner_organisation_id == owner_organisation_id]
        exporter.technology(tech, history, signal_refs)
    found = repo.links(session, "signal", list(signal_refs))
    for row in rows:
        refs = [
            tech_refs[int(x.ref)]
            for x in found
            if x.owner_id == row.id and x.kind == links.TECHNOLOGY and int(x.ref) in tech_refs
        ]
        exporter.signal(row, refs)
    return [extension_definition(), *exporter.marks.definitions.values(), *exporter.objects]


def bundle_uuid(objects: Sequence[dict[str, Any]]) -> uuid.UUID:
    """A bundle's id: derived from the ids and versions it holds, so the same export has the same id."""
    return uuid.uuid5(NAMESPACE, "|".join(f"{o['id']}@{o.get('modified', '')}" for o in objects))
