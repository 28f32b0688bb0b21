"""A small marked STIX 2.1 sample for the demo office: indicators, malware, identities, relationships and a
sighting under TLP:CLEAR, GREEN, AMBER releasable to ALLIANCE and AP4, AMBER+STRICT, and a NATO RESTRICTED marking,
shared by two partners so that correlations and releasability show at once."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from liaison_hub.directory.auth import acting_as
from liaison_hub.intel import repository, service
from liaison_hub.intel.markings import TLP2_IDS, Facets, hub_marking_definition
from liaison_hub.intel.schemas import CollectionCreate, DefaultMarking
from liaison_hub.policy.levels import TLP, Level
from liaison_hub.policy.principal import Actor, PrincipalKind

COLLECTION = "demo"
STAMP = "2026-01-15T09:00:00.000Z"
NAMESPACE = uuid.UUID("3f0c8a4e-5b7d-4c1e-9a2f-6d8e0b1c2a3d")
IP = "203.0.113.45"
DOMAIN = "update-check.example"
SHA256 = "4f6c2f5e0b1d9a8c7e3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d"

REL_ALLIANCE_AP4 = hub_marking_definition(Facets(releasable_to=("ALLIANCE", "AP4")))
REL_AP4 = hub_marking_definition(Facets(releasable_to=("AP4",)))
RESTRICTED_AP4 = hub_marking_definition(Facets(classification="NR", releasable_to=("ALLIANCE", "AP4")))


def _id(kind: str, name: str) -> str:
    """Stable ids, so the demo objects are the same on every hub."""
    return f"{kind}--{uuid.uuid5(NAMESPACE, name)}"


def _sdo(kind: str, key: str, markings: list[str], **properties: Any) -> dict[str, Any]:
    return {
        "type": kind,
        "spec_version": "2.1",
        "id": _id(kind, key),
        "created": STAMP,
        "modified": STAMP,
        "object_marking_refs": markings,
        **properties,
    }


def _indicator(name: str, pattern: str, markings: list[str]) -> dict[str, Any]:
    return _sdo(
        "indicator",
        name,
        markings,
        name=name,
        pattern=pattern,
        pattern_type="stix",
        valid_from=STAMP,
        indicator_types=["malicious-activity"],
    )


def _relationship(source: dict[str, Any], kind: str, target: dict[str, Any], markings: list[str]) -> dict[str, Any]:
    name = f"{source['id']} {kind} {target['id']}"
    return _sdo(
        "relationship", name, markings, relationship_type=kind, source_ref=source["id"], target_ref=target["id"]
    )


def japan_objects() -> list[dict[str, Any]]:
    """What the demo's Japanese analyst shares."""
    clear, green, amber = TLP2_IDS[TLP.clear], TLP2_IDS[TLP.green], TLP2_IDS[TLP.amber]
    rel = [amber, REL_ALLIANCE_AP4["id"]]
    ncc = _sdo(
        "identity", "JPN-NCC", [clear], name="Japan National Cyber Coordination Centre", identity_class="organization"
    )
    malware = _sdo(
        "malware", "ShadowLantern", [green], name="ShadowLantern", is_family=True, malware_types=["backdoor"]
    )
    beacon = _indicator("ShadowLantern beacon", f"[ipv4-addr:value = '{IP}'] OR [domain-name:value = '{DOMAIN}']", rel)
    address = {"type": "ipv4-addr", "spec_version": "2.1", "id": _id("ipv4-addr", IP), "value": IP}
    sighting = _sdo(
        "sighting",
        "beacon sighted in Tokyo",
        [amber, REL_AP4["id"]],
        sighting_of_ref=beacon["id"],
        where_sighted_refs=[ncc["id"]],
        count=3,
        first_seen="2026-01-12T02:10:00.000Z",
        last_seen="2026-01-14T22:45:00.000Z",
    )
    return [
        REL_ALLIANCE_AP4,
        REL_AP4,
        ncc,
        malware,
        beacon,
        {**address, "object_marking_refs": [clear]},
        _relationship(beacon, "indicates", malware, rel),
        sighting,
    ]


def australia_objects() -> list[dict[str, Any]]:
    """What the demo's Australian analyst shares: the same address and domain, under stricter markings."""
    amber, strict = TLP2_IDS[TLP.amber], TLP2_IDS[TLP.amber_strict]
    malware = {"id": _id("malware", "ShadowLantern")}
    dropper = _indicator(
        "ShadowLantern dropper", f"[file:hashes.'SHA-256' = '{SHA256}' AND domain-name:value = '{DOMAIN}']", [strict]
    )
    staging = _indicator("ShadowLantern staging host", f"[ipv4-addr:value = '{IP}/32']", [amber, RESTRICTED_AP4["id"]])
    return [
        RESTRICTED_AP4,
        dropper,
        staging,
        _relationship(staging, "indicates", malware, [amber, RESTRICTED_AP4["id"]]),
    ]


def _actor(session: Session, username: str, accreditation: Level) -> Actor:
    return acting_as(session, username, accreditation=accreditation, kind=PrincipalKind.demo, source="demo")


def load_sample(session: Session, *, accreditation: Level) -> bool:
    """Create the demo collection and store the sample once (False when it is already there)."""
    if repository.get_collection(session, COLLECTION) is not None:
        return False
    service.create_collection(
        session,
        _actor(session, "admin", accreditation),
        data=CollectionCreate(
            title="Demo: shared cyber threat intelligence",
            alias=COLLECTION,
            description="A small marked sample shared by the demo's Japanese and Australian analysts.",
            default_marking=DefaultMarking(tlp="amber", releasable_to=["ALLIANCE", "AP4"]),
        ),
        accreditation=accreditation,
    )
    for username, objects in (("analyst-jp", japan_objects()), ("analyst-au", australia_objects())):
        result = service.ingest(
            session,
            _actor(session, username, accreditation),
            collection=COLLECTION,
            objects=objects,
            accreditation=accreditation,
        )
        if result.refused:
            raise RuntimeError(f"the demo sample was refused: {[f.message for f in result.failures]}")
    return True
