"""STIX round trip of the watch: technologies (with readiness history under several markings) and signals shared
into an intel collection, fetched over TAXII 2.1 with taxii2-client, parsed by stix2 (every object recognised,
the EDT properties in the published extension) and imported into an empty hub, are the same watch there; a second
import is refused, and broken objects are refused with nothing kept."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import stix2
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from taxii2client.v21 import Collection, as_pages

from liaison_hub.db.engine import create_db_engine, make_session_factory, session_scope
from liaison_hub.db.migrate import upgrade
from liaison_hub.edt import radar, service, sharing, signals, stix
from liaison_hub.edt.schemas import PromoteIn
from liaison_hub.errors import Conflict, InvalidInput
from liaison_hub.intel import service as intel
from liaison_hub.intel.schemas import CollectionCreate
from liaison_hub.models.edt import EdtTechnology
from tests.conftest import Database, LiveServer, seed
from tests.edt.helpers import FIRST, KOREA_ONLY, NS, actor, add_history, make_signal, make_technology
from tests.factories import make_token

READERS = ("liaison", "reader-kr", "analyst-au")


def _watch(session: Session) -> None:
    quantum = make_technology(session)
    add_history(session, quantum, FIRST + timedelta(days=20), ring="trial", readiness=5, marking=KOREA_ONLY)
    make_technology(session, name="Korean 6G", areas=["networks", "ai"], marking=KOREA_ONLY.model_dump())
    signal = make_signal(session, technologies=[quantum.id])
    signals.promote(
        session,
        actor(session, "liaison"),
        signal_id=signal.id,
        data=PromoteIn(technology_id=quantum.id, readiness=6, reason="drone flight"),
        accreditation=NS,
    )
    make_signal(session, title="Unlinked wild card", kind="wild_card")


def _comparable(session: Session) -> dict[str, Any]:
    """What each reader sees of the watch, without local ids and recording times."""
    seen: dict[str, Any] = {}
    for username in READERS:
        principal = actor(session, username).principal
        techs = []
        for row in service.list_technologies(session, principal):
            read = service.technology_read(session, principal, row.id).model_dump(exclude={"id", "signals", "projects"})
            read["history"] = [
                {k: v for k, v in h.items() if k not in ("id", "recorded_at", "recorded_by", "signal_id")}
                | {"from_signal": h["signal_id"] is not None}
                for h in read["history"]
            ]
            techs.append(read)
        sigs = [
            s.model_dump(exclude={"id", "technologies"}) | {"technologies": [t.title for t in s.technologies]}
            for s in signals.signal_reads(session, principal, signals.list_signals(session, principal))
        ]
        view = radar.radar(session, principal, at=FIRST + timedelta(days=100), since=FIRST + timedelta(days=10))
        moves = [(e.name, e.ring, e.readiness, e.moved) for e in view.entries]
        seen[username] = {"technologies": techs, "signals": sorted(sigs, key=lambda s: s["title"]), "radar": moves}
    return seen


def test_the_watch_goes_over_taxii_and_comes_back_the_same(database: Database, tmp_path: Path) -> None:
    engine = create_db_engine(database.url)
    with session_scope(make_session_factory(engine)) as session:
        _watch(session)
        created = intel.create_collection(
            session, actor(session, "admin"), data=CollectionCreate(title="EDT", alias="edt"), accreditation=NS
        )
        shared = sharing.share_watch(session, actor(session, "liaison"), collection="edt", accreditation=NS)
        assert shared.refused == []
        assert shared.stored == shared.objects
        token, taxii_id = make_token(session, "liaison"), created.taxii_id
        original = _comparable(session)
    engine.dispose()
    with LiveServer(database.settings(tmp_path)) as server:
        url = f"{server.url}/taxii2/hub/collections/{taxii_id}/"
        collection = Collection(url, user="liaison", password=token)
        fetched = [o for page in as_pages(collection.get_objects, per_request=5) for o in page.get("objects", [])]
    for obj in fetched:
        parsed = stix2.parse(obj, allow_custom=True)
        assert not isinstance(parsed, dict), f"stix2 did not recognise {obj['type']}"
    kinds = sorted(o["type"] for o in fetched if stix.EDT_EXTENSION_ID in (o.get("extensions") or {}))
    assert kinds == ["grouping"] * 2 + ["note"] * 4 + ["report"] * 2
    assert any(o["id"] == stix.EDT_EXTENSION_ID for o in fetched)
    empty = f"sqlite:///{tmp_path / 'empty-hub.db'}"
    upgrade(empty)
    seed(empty)
    other = create_db_engine(empty)
    with session_scope(make_session_factory(other)) as session:
        made = sharing.import_objects(session, actor(session, "liaison"), objects=fetched, accreditation=NS)
        assert len(made) == 4
        again = _comparable(session)
        with pytest.raises(Conflict):
            sharing.import_objects(session, actor(session, "liaison"), objects=fetched, accreditation=NS)
    other.dispose()
    assert again == original
    assert original["analyst-au"]["radar"] == [("Quantum sensing", "assess", 6, 0)]
    assert original["reader-kr"]["radar"][1] == ("Quantum sensing", "assess", 6, 0)
    assert [h["ring"] for h in original["reader-kr"]["technologies"][1]["history"]] == ["assess", "trial", "assess"]


def test_broken_objects_are_refused_and_nothing_is_kept(session: Session) -> None:
    _watch(session)
    objects = stix.export_objects(session, actor(session, "liaison").principal)
    session.execute(select(func.count()).select_from(EdtTechnology))
    before = int(session.scalar(select(func.count()).select_from(EdtTechnology)) or 0)
    notes = [o for o in objects if o["type"] == "note"]
    bad_ring = [o if o is not notes[-1] else _with(o, ring="embrace") for o in objects]
    fresh = [_renamed(o) for o in bad_ring]
    with pytest.raises(InvalidInput, match="unknown ring"):
        sharing.import_objects(session, actor(session, "liaison"), objects=fresh, accreditation=NS)
    assert int(session.scalar(select(func.count()).select_from(EdtTechnology)) or 0) == before
    with pytest.raises(InvalidInput, match="no EDT technology or signal"):
        sharing.import_objects(session, actor(session, "liaison"), objects=[], accreditation=NS)
    unmarked = [
        _renamed(o) | ({"object_marking_refs": ["marking-definition--0"]} if o["type"] == "grouping" else {})
        for o in objects
    ]
    with pytest.raises(InvalidInput, match="which the objects do not define"):
        sharing.import_objects(session, actor(session, "liaison"), objects=unmarked, accreditation=NS)


def _with(obj: dict[str, Any], **ext: Any) -> dict[str, Any]:
    extension = obj["extensions"][stix.EDT_EXTENSION_ID] | ext
    return obj | {"extensions": {stix.EDT_EXTENSION_ID: extension}}


def _renamed(obj: dict[str, Any]) -> dict[str, Any]:
    """The same object under another uuid (so that it is not already in this hub); references follow."""

    def swap(value: str) -> str:
        return value.replace("-4", "-5", 1) if value.startswith(("grouping--", "report--", "note--")) else value

    out = dict(obj)
    out["id"] = swap(str(obj["id"]))
    if "object_refs" in obj:
        out["object_refs"] = [swap(str(r)) for r in obj["object_refs"]]
    return out
