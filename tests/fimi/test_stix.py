"""STIX round trip: an incident shared into an intel collection, fetched over TAXII 2.1 with taxii2-client by a
principal entitled to it, parsed by stix2, and imported into an empty hub, is the same incident there."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import stix2
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from stix2.properties import ListProperty, StringProperty
from stix2.registry import STIX2_OBJ_MAPS
from taxii2client.v21 import Collection, as_pages

from liaison_hub.db.engine import create_db_engine, make_session_factory, session_scope
from liaison_hub.db.migrate import upgrade
from liaison_hub.errors import Conflict, InvalidInput
from liaison_hub.fimi import incidents, narratives, sharing, stix
from liaison_hub.fimi.schemas import IncidentRead
from liaison_hub.intel import service as intel
from liaison_hub.intel.schemas import CollectionCreate
from liaison_hub.models.fimi import FimiReport
from tests.conftest import Database, LiveServer, seed
from tests.factories import make_token
from tests.fimi.helpers import NS, START, actor, import_reports, make_incident, make_narrative
from tests.fimi.helpers import report as item


@pytest.fixture
def opencti_types() -> Iterator[None]:
    """OpenCTI's narrative and channel, as its platform code writes them, known to stix2 for this test only
    (stix2's registry is global: left registered, they would change every later test that walks it)."""
    registry = STIX2_OBJ_MAPS["2.1"]["objects"]
    before = dict(registry)

    @stix2.CustomObject(
        "narrative",
        [
            ("name", StringProperty(required=True)),
            ("description", StringProperty()),
            ("aliases", ListProperty(StringProperty)),
            ("narrative_types", ListProperty(StringProperty)),
            ("x_liaison_statements", ListProperty(StringProperty)),
        ],
    )
    class Narrative:
        """OpenCTI's narrative."""

    @stix2.CustomObject(
        "channel",
        [
            ("name", StringProperty(required=True)),
            ("description", StringProperty()),
            ("aliases", ListProperty(StringProperty)),
            ("channel_types", ListProperty(StringProperty)),
        ],
    )
    class Channel:
        """OpenCTI's channel."""

    yield
    registry.clear()
    registry.update(before)


def _incident(session: Session) -> int:
    narrative = make_narrative(session)
    reports = import_reports(
        session, "liaison", [item(), item("Second text on the tentacles.", outlet="Eastern Truth")]
    )
    narratives.link_report(
        session, actor(session, "liaison"), report_id=reports.report_ids[0], narrative_id=narrative.id
    )
    row = make_incident(
        session,
        narratives=[narrative.id],
        reports=reports.report_ids,
        actors=[
            {"name": "MFA spokesperson's office", "nation": "CHN", "tier": "official", "confidence": 90},
            {
                "name": "Look-alike network",
                "stix_type": "intrusion-set",
                "nation": "CHN",
                "tier": "state-linked",
                "confidence": 55,
            },
        ],
        techniques=[
            {"disarm_id": "T0003", "observed_at": START.isoformat(), "note": "first wave"},
            {"disarm_id": "T0049.003"},
            {"disarm_id": "C00008"},
        ],
    )
    return row.id


def _comparable(read: IncidentRead) -> dict[str, Any]:
    values = read.model_dump(exclude={"id", "marking", "timeline"})
    values["narratives"] = sorted(n["title"] for n in values["narratives"])
    values["reports"] = sorted(r["title"] for r in values["reports"])
    values["marking"] = read.marking.model_dump(exclude={"owner"})
    values["timeline"] = [(e.at, e.kind) for e in read.timeline]
    return values


def test_an_incident_goes_over_taxii_and_comes_back_the_same(
    database: Database, tmp_path: Path, opencti_types: None
) -> None:
    engine = create_db_engine(database.url)
    with session_scope(make_session_factory(engine)) as session:
        incident_id = _incident(session)
        admin = actor(session, "admin")
        created = intel.create_collection(
            session, admin, data=CollectionCreate(title="FIMI", alias="fimi"), accreditation=NS
        )
        shared = sharing.share_incident(
            session, actor(session, "liaison"), incident_id=incident_id, collection="fimi", accreditation=NS
        )
        assert shared.refused == []
        assert shared.stored == shared.objects
        token, taxii_id = make_token(session, "analyst-jp"), created.taxii_id
        original = _comparable(incidents.incident_read(session, actor(session, "analyst-jp").principal, incident_id))
    engine.dispose()
    with LiveServer(database.settings(tmp_path)) as server:
        url = f"{server.url}/taxii2/hub/collections/{taxii_id}/"
        collection = Collection(url, user="analyst-jp", password=token)
        fetched = [o for page in as_pages(collection.get_objects, per_request=20) for o in page.get("objects", [])]
    for obj in fetched:
        parsed = stix2.parse(obj, allow_custom=True)
        assert not isinstance(parsed, dict), f"stix2 did not recognise {obj['type']}"
    kinds = {o["type"] for o in fetched}
    assert {
        "incident",
        "attack-pattern",
        "course-of-action",
        "threat-actor",
        "intrusion-set",
        "narrative",
        "channel",
        "report",
        "relationship",
        "location",
        "identity",
        "marking-definition",
    } <= kinds
    disarm = [r["external_id"] for o in fetched if o["type"] == "attack-pattern" for r in o["external_references"]]
    assert sorted(disarm) == ["T0003", "T0049.003"]
    empty = f"sqlite:///{tmp_path / 'empty-hub.db'}"
    upgrade(empty)
    seed(empty)
    other = create_db_engine(empty)
    with session_scope(make_session_factory(other)) as session:
        japan = actor(session, "analyst-jp")
        row = sharing.import_incident(session, japan, objects=fetched, accreditation=NS)
        again = _comparable(incidents.incident_read(session, japan.principal, row.id))
    other.dispose()
    assert again == original


def test_bundles_that_are_not_one_good_incident_are_refused(session: Session) -> None:
    incident_id = _incident(session)
    objects = stix.export_objects(session, actor(session, "liaison").principal, incident_id)
    bad_tier = [
        {**o, "x_liaison_attribution_tier": "state-sponsored"} if o.get("relationship_type") == "attributed-to" else o
        for o in objects
    ]
    with pytest.raises(InvalidInput, match="attribution tier"):
        sharing.import_incident(session, actor(session, "analyst-jp"), objects=bad_tier, accreditation=NS)
    with pytest.raises(InvalidInput, match="one incident"):
        sharing.import_incident(
            session,
            actor(session, "analyst-jp"),
            objects=[o for o in objects if o["type"] != "incident"],
            accreditation=NS,
        )
    unknown = [
        {**o, "external_references": [{"source_name": "DISARM", "external_id": "T9999"}]}
        if o["type"] == "attack-pattern"
        else o
        for o in objects
    ]
    with pytest.raises(InvalidInput, match="unknown DISARM id"):
        sharing.import_incident(session, actor(session, "analyst-jp"), objects=unknown, accreditation=NS)
    before = _count(session, FimiReport)
    with pytest.raises(Conflict, match="already in this hub"):
        sharing.import_incident(session, actor(session, "analyst-jp"), objects=objects, accreditation=NS)
    assert _count(session, FimiReport) == before, "nothing of a refused bundle is kept"


def _count(session: Session, model: type) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)
