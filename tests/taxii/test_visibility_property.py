"""Property: for random markings (several versions each) and random principals, every TAXII response (objects,
manifest, versions, single object) holds exactly the versions the reference rule ``may_read`` allows."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass
from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from liaison_hub.db.engine import create_db_engine, make_session_factory, session_scope
from liaison_hub.intel import service
from liaison_hub.intel.schemas import CollectionCreate
from liaison_hub.policy import Marking
from liaison_hub.policy.principal import SYSTEM, Actor
from liaison_hub.policy.reference import may_read
from tests.factories import organisation_id, principal
from tests.intel.stixgen import hub_marking, malware, new_version, tlp
from tests.taxii.conftest import NS, USERS, TaxiiHub
from tests.taxii.corpus import directory_view

ORGANISATIONS = ("HQ", "LO-TYO", "JPN-NCC", "AUS-CSC", "KOR-NCSC", "NZL-NCSC", "BEL-CCB")
RELEASABLE = ("ALLIANCE", "AP4", "JPN", "KOR", "AUS", "NZL", "BEL")
_names = itertools.count()


@dataclass(frozen=True)
class Spec:
    tlp: str
    classification: str
    releasable_to: tuple[str, ...]
    recipients: tuple[str, ...]
    owner: str


@st.composite
def specs(draw: st.DrawFn) -> Spec:
    level = draw(st.sampled_from(["clear", "green", "amber", "amber+strict", "red"]))
    recipients: tuple[str, ...] = ()
    if level in ("red", "amber+strict"):
        minimum = 1 if level == "red" else 0
        recipients = tuple(sorted(draw(st.sets(st.sampled_from(ORGANISATIONS), min_size=minimum, max_size=2))))
    return Spec(
        tlp=level,
        classification=draw(st.sampled_from(["NU", "NR", "NC", "NS"])),
        releasable_to=tuple(sorted(draw(st.sets(st.sampled_from(RELEASABLE), max_size=3)))),
        recipients=recipients,
        owner=draw(st.sampled_from(ORGANISATIONS)),
    )


def wire(spec: Spec) -> tuple[dict[str, Any], list[str]]:
    definition = hub_marking(spec.classification, spec.releasable_to, spec.recipients or None)
    return definition, [tlp(spec.tlp), definition["id"]]


def policy(session: Session, spec: Spec) -> Marking:
    return Marking(
        tlp=spec.tlp,
        classification=spec.classification,
        releasable_to=spec.releasable_to,
        recipients=tuple(organisation_id(session, name) for name in spec.recipients),
        owner_organisation_id=organisation_id(session, spec.owner),
    )


def store(hub: TaxiiHub, objects: list[list[Spec]]) -> tuple[str, list[list[tuple[dict[str, Any], Spec]]]]:
    """A fresh collection holding each object's versions, each version shared by its owner under its marking."""
    engine = create_db_engine(hub.database.url)
    stored: list[list[tuple[dict[str, Any], Spec]]] = []
    with session_scope(make_session_factory(engine)) as session:
        admin = Actor(principal(session, "admin"), "test")
        alias = f"prop-{next(_names)}-{uuid.uuid4().hex[:6]}"
        collection = service.create_collection(
            session, admin, data=CollectionCreate(title=alias, alias=alias, with_definitions=False), accreditation=NS
        )
        for versions in objects:
            current = malware(f"family {uuid.uuid4().hex[:8]}")
            chain = []
            for step, spec in enumerate(versions):
                definition, refs = wire(spec)
                current = new_version(current, minutes=step, object_marking_refs=refs)
                result = service.ingest(
                    session,
                    Actor(SYSTEM, "test"),
                    collection=collection.taxii_id,
                    objects=[definition, current],
                    accreditation=NS,
                    owner_organisation_id=organisation_id(session, spec.owner),
                )
                assert result.refused == 0, result.failures
                chain.append((current, spec))
            stored.append(chain)
        taxii_id = collection.taxii_id
    engine.dispose()
    return taxii_id, stored


def allowed(hub: TaxiiHub, reader: str, stored: list[list[tuple[dict[str, Any], Spec]]]) -> list[list[dict[str, Any]]]:
    engine = create_db_engine(hub.database.url)
    with session_scope(make_session_factory(engine)) as session:
        view, who = directory_view(session), principal(session, reader)
        result = [[obj for obj, spec in chain if may_read(policy(session, spec), who, view)] for chain in stored]
    engine.dispose()
    return result


def get(client: httpx.Client, url: str, **params: Any) -> tuple[int, dict[str, Any]]:
    """GET with the malware objects only (the marking definitions stored alongside are not under test)."""
    response = client.get(url, params={"limit": 50, "match[type]": "malware", **params})
    return response.status_code, response.json() if response.content else {}


def versions_of(objects: list[dict[str, Any]]) -> set[tuple[str, str]]:
    return {(o["id"], o["modified"]) for o in objects}


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(
    objects=st.lists(st.lists(specs(), min_size=1, max_size=3), min_size=1, max_size=4), reader=st.sampled_from(USERS)
)
def test_every_response_holds_exactly_what_may_read_allows(
    taxii_hub: TaxiiHub, objects: list[list[Spec]], reader: str
) -> None:
    collection, stored = store(taxii_hub, objects)
    readable = allowed(taxii_hub, reader, stored)
    every = {v for chain in readable for v in versions_of(chain)}
    latest = {(chain[-1]["id"], chain[-1]["modified"]) for chain in readable if chain}
    earliest = {(chain[0]["id"], chain[0]["modified"]) for chain in readable if chain}
    base = f"{taxii_hub.root_url}collections/{collection}/"
    with taxii_hub.http(reader) as client:
        assert versions_of(get(client, base + "objects/", **{"match[version]": "all"})[1].get("objects", [])) == every
        assert versions_of(get(client, base + "objects/")[1].get("objects", [])) == latest
        assert (
            versions_of(get(client, base + "objects/", **{"match[version]": "first"})[1].get("objects", [])) == earliest
        )
        manifest = get(client, base + "manifest/", **{"match[version]": "all"})[1].get("objects", [])
        assert {m["id"] for m in manifest} == {i for i, _ in every}
        assert len(manifest) == len(every)
        for chain, visible in zip(stored, readable, strict=True):
            object_id = chain[0][0]["id"]
            status, body = get(client, f"{base}objects/{object_id}/", **{"match[type]": []})
            status_v, body_v = get(client, f"{base}objects/{object_id}/versions/", **{"match[type]": []})
            if not visible:
                assert (status, status_v) == (404, 404)
                continue
            assert status == 200
            assert versions_of(body["objects"]) == {(visible[-1]["id"], visible[-1]["modified"])}
            assert body_v["versions"] == sorted(o["modified"] for o in visible)
