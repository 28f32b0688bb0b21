"""What an object page shows about an object's neighbours: the relationships (STIX 2.1 section 5) that name it, by
the names of both ends, the indicators that indicate a malware, and its marking references resolved to labels.
Only relationships and ends the viewer may read are shown (an end it may not read stays unnamed)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy.orm import Session

from liaison_hub.intel import repository as intel_repo
from liaison_hub.intel import service as intel
from liaison_hub.intel.browse import repository as repo
from liaison_hub.intel.correlation import service as correlation
from liaison_hub.intel.correlation.schemas import RecordRead
from liaison_hub.intel.markings import BUILTIN_TLP, Facets, label
from liaison_hub.intel.writer_markings import HUB_SCOPE
from liaison_hub.policy.principal import Principal

RELATIONSHIPS_SHOWN = 200


@dataclass(frozen=True)
class Relation:
    """One relationship naming the object: its type, and its two ends (None: an end the viewer may not read)."""

    relationship_id: str
    collection: str
    relationship_type: str
    source_ref: str
    target_ref: str
    source: RecordRead | None
    target: RecordRead | None


def relations(session: Session, principal: Principal, stix_id: str) -> list[Relation]:
    """Readable relationships (newest readable version of each) whose source or target is ``stix_id``."""
    found: list[tuple[str, dict[str, object]]] = []
    read: list[tuple[str, int]] = []
    for access in intel.list_collections(session, principal):
        rows = repo.page_objects(
            session, principal, collection_id=access.id, types=["relationship"], text=stix_id, limit=RELATIONSHIPS_SHOWN
        )
        for row in rows:
            document = orjson.loads(row.document)
            if stix_id in (document.get("source_ref"), document.get("target_ref")):
                found.append((access.alias or access.taxii_id, document))
                read.append((row.stix_id, row.audience_id))
    intel.audit_rows(session, principal, read[:RELATIONSHIPS_SHOWN], via="relationships")
    ends = correlation.describe(
        session, principal, {str(d.get(k)) for _, d in found for k in ("source_ref", "target_ref")}
    )
    return [
        Relation(
            relationship_id=str(d["id"]),
            collection=collection,
            relationship_type=str(d.get("relationship_type", "related-to")),
            source_ref=str(d.get("source_ref")),
            target_ref=str(d.get("target_ref")),
            source=ends.get(str(d.get("source_ref"))),
            target=ends.get(str(d.get("target_ref"))),
        )
        for collection, d in found[:RELATIONSHIPS_SHOWN]
    ]


def _facets_label(facets: Facets) -> str:
    """ "NATO RESTRICTED // REL TO JPN", "TLP:AMBER", "REL TO AP4": the facets a definition sets, nothing more."""
    parts = [label(facets)] if facets.classification else []
    if facets.releasable_to is not None and not facets.classification:
        parts.append("REL TO " + ", ".join(facets.releasable_to) if facets.releasable_to else "owner's nation only")
    if facets.tlp:
        parts.append(f"TLP:{facets.tlp.value.upper()}")
    return " // ".join(parts) or "a statement or other marking"


def marking_labels(session: Session, refs: Iterable[str], *, owner_organisation_id: int | None) -> dict[str, str]:
    """What each marking reference of an object means, as the hub read it when the object was stored: TLP
    definitions, the hub's own, and those registered by the object's owner organisation."""
    wanted = set(refs)
    labels = {ref: f"TLP:{BUILTIN_TLP[ref].value.upper()}" for ref in wanted if ref in BUILTIN_TLP}
    scopes = [HUB_SCOPE] + ([f"org:{owner_organisation_id}"] if owner_organisation_id is not None else [])
    for row in sorted(intel_repo.get_definitions(session, wanted - labels.keys(), scopes), key=lambda r: r.scope):
        labels[row.stix_id] = _facets_label(Facets.from_json(row.facets))
    return labels


def marking_refs(document: dict[str, Any]) -> list[str]:
    """The object's marking references: object-level, then granular (STIX 2.1 sections 7.2.2 and 7.2.3)."""
    refs = [r for r in document.get("object_marking_refs") or [] if isinstance(r, str)]
    granular = document.get("granular_markings") or []
    refs += [g["marking_ref"] for g in granular if isinstance(g, dict) and isinstance(g.get("marking_ref"), str)]
    return list(dict.fromkeys(refs))
