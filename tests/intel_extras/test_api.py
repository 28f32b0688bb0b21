"""The intel JSON API over real HTTP on both databases: collections managed by admins, upload, search,
correlations and sightings of an object (404 when not readable), and a streamed export per principal."""

from __future__ import annotations

import json

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from liaison_hub.models import Audience, AuditEntry
from liaison_hub.models.intel import StixObject
from liaison_hub.models.intel_correlation import IntelObservable
from liaison_hub.policy import marking_of
from liaison_hub.policy.reference import may_read
from tests.conftest import LiveServer
from tests.factories import make_token, principal
from tests.intel_extras.conftest import READERS, indicator, make_collection, marked, sighting, store
from tests.intel_extras.test_correlation import MARKINGS, _directory

COLLECTION = {"title": "Partner feed", "alias": "feed", "default_marking": {"tlp": "green", "releasable_to": ["AP4"]}}


def _tokens(session: Session, *users: str) -> dict[str, str]:
    tokens = {user: make_token(session, user) for user in users}
    session.commit()
    return tokens


def _bundle(*objects: dict[str, object]) -> bytes:
    return json.dumps(
        {"type": "bundle", "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d", "objects": list(objects)}
    ).encode()


def test_collections_are_managed_by_admins(session: Session, live_server: LiveServer) -> None:
    tokens = _tokens(session, "admin", "analyst-jp")
    with live_server.client(tokens["analyst-jp"]) as analyst, live_server.client(tokens["admin"]) as admin:
        refused = analyst.post("/api/v1/intel/collections", json=COLLECTION)
        assert refused.status_code == 403
        created = admin.post("/api/v1/intel/collections", json=COLLECTION)
        assert created.status_code == 201, created.text
        assert created.json()["alias"] == "feed"
        assert admin.post("/api/v1/intel/collections", json=COLLECTION).status_code == 409
        bad = admin.post(
            "/api/v1/intel/collections", json={**COLLECTION, "alias": "x", "default_marking": {"tlp": "red"}}
        )
        assert bad.status_code == 422
        listed = analyst.get("/api/v1/intel/collections").json()
        assert [(c["alias"], c["can_read"], c["can_write"]) for c in listed] == [("feed", True, True)]
        assert analyst.patch("/api/v1/intel/collections/feed", json={"title": "New"}).status_code == 403
        changed = admin.patch("/api/v1/intel/collections/feed", json={"title": "Partner feed (AP4)"})
        assert changed.json()["title"] == "Partner feed (AP4)"
        assert analyst.get("/api/v1/intel/collections/feed").json()["title"] == "Partner feed (AP4)"
        assert analyst.get("/api/v1/intel/collections/nowhere").status_code == 404


def test_upload_search_correlations_sightings_and_export(session: Session, live_server: LiveServer) -> None:
    tokens = _tokens(session, *READERS)
    with live_server.client(tokens["admin"]) as admin:
        assert admin.post("/api/v1/intel/collections", json=COLLECTION).status_code == 201
    open_one = indicator("[domain-name:value = 'api.example']", "open")
    japan_only = indicator("[domain-name:value = 'API.example.']", "japan only")
    seen = sighting(open_one["id"], count=2)
    files = {"file": ("b.json", _bundle(open_one, *marked(japan_only, "amber", releasable_to=("JPN",)), seen))}
    with live_server.client(tokens["analyst-jp"]) as japan, live_server.client(tokens["reader-kr"]) as korea:
        uploaded = japan.post("/api/v1/intel/collections/feed/upload", files=files)
        assert uploaded.status_code == 200, uploaded.text
        assert uploaded.json()["stored"] == 4
        assert korea.post("/api/v1/intel/collections/feed/upload", files=files).status_code == 403
        broken = japan.post(
            "/api/v1/intel/collections/feed/upload", files={"file": ("x.json", b'{"type": "bundle", "objects": [')}
        )
        assert broken.status_code == 422
        assert "not valid JSON" in broken.json()["detail"]
        search = korea.get("/api/v1/intel/search", params={"value": "api.example"}).json()
        assert (search["count"], [r["name"] for r in search["records"]]) == (1, ["open"])
        assert "audience_id" not in search["records"][0]
        assert japan.get("/api/v1/intel/search", params={"value": "api.example"}).json()["count"] == 2
        assert korea.get("/api/v1/intel/search", params={"value": "???"}).status_code == 422
        path = f"/api/v1/intel/collections/feed/objects/{open_one['id']}"
        mine = japan.get(f"{path}/correlations").json()
        assert [r["name"] for r in mine["values"][0]["records"]] == ["japan only"]
        theirs = korea.get(f"{path}/correlations").json()
        assert (theirs["values"][0]["count"], theirs["values"][0]["records"]) == (1, [])
        hidden = f"/api/v1/intel/collections/feed/objects/{japan_only['id']}/correlations"
        missing = "/api/v1/intel/collections/feed/objects/indicator--00000000-0000-4000-8000-000000000000/correlations"
        assert korea.get(hidden).status_code == korea.get(missing).status_code == 404
        assert korea.get(hidden).json()["detail"].replace(japan_only["id"], "X") == korea.get(missing).json()[
            "detail"
        ].replace("indicator--00000000-0000-4000-8000-000000000000", "X")
        assert [s["count"] for s in korea.get(f"{path}/sightings").json()] == [2]
    session.rollback()
    view = _directory(session)
    rows = session.execute(select(StixObject.stix_id, Audience).join(Audience)).all()
    expected_by_user = {
        username: sorted(i for i, a in rows if may_read(marking_of(a), principal(session, username), view))
        for username in READERS
    }
    session.rollback()  # SQLite transactions here take the write lock; the export audits its reads
    for username, expected in expected_by_user.items():
        with live_server.client(tokens[username]) as client, client.stream("GET", "/api/v1/intel/export") as response:
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("application/stix+json")
            body = json.loads(response.read())
        assert sorted(o["id"] for o in body["objects"]) == expected
    session.rollback()
    with live_server.client(tokens["reader-kr"]) as korea:
        assert korea.get("/api/v1/intel/export", params={"collection": "nowhere"}).status_code == 404
    with live_server.client() as anonymous:
        assert anonymous.get("/api/v1/intel/export").status_code == 401


def _rows(session: Session, collection_id: int | None, table: type[StixObject | IntelObservable] = StixObject) -> int:
    """Rows of a collection in ``table``, read in a transaction of its own (the server writes in between)."""
    session.rollback()
    count = session.scalar(select(func.count()).select_from(table).where(table.collection_id == collection_id))
    session.rollback()
    return int(count or 0)


def test_admins_delete_a_collection_and_learn_only_how_many_versions_they_could_read(
    session: Session, live_server: LiveServer
) -> None:
    make_collection(session, "doomed")
    make_collection(session, "kept")
    objects = [
        o for i, m in enumerate(MARKINGS) for o in marked(indicator("[ipv4-addr:value = '192.0.2.77']", f"d{i}"), **m)
    ]
    assert store(session, "analyst-jp", objects, "doomed").refused == 0
    store(session, "analyst-jp", marked(indicator("[ipv4-addr:value = '192.0.2.77']", "kept")), "kept")
    session.commit()
    doomed_id = session.scalar(select(StixObject.collection_id).where(StixObject.document.contains('"d0"')))
    view, admin_principal = _directory(session), principal(session, "admin")
    rows = session.execute(select(Audience).join(StixObject).where(StixObject.collection_id == doomed_id)).scalars()
    expected = sum(may_read(marking_of(a), admin_principal, view) for a in rows)
    total = _rows(session, doomed_id)
    assert 0 < expected < total  # the admin may not read every version: the answer must not count those
    tokens = _tokens(session, "admin", "analyst-jp")
    with live_server.client(tokens["analyst-jp"]) as analyst, live_server.client(tokens["admin"]) as admin:
        assert analyst.delete("/api/v1/intel/collections/doomed").status_code == 403
        assert admin.delete("/api/v1/intel/collections/nowhere").status_code == 404
        assert _rows(session, doomed_id) == total
        deleted = admin.delete("/api/v1/intel/collections/doomed")
        assert deleted.status_code == 200, deleted.text
        assert deleted.json() == {"readable_versions_deleted": expected}
        assert admin.get("/api/v1/intel/collections/doomed").status_code == 404
        taxii = admin.get(
            "/taxii2/hub/collections/doomed/objects/", headers={"Accept": "application/taxii+json;version=2.1"}
        )
        assert taxii.status_code == 404
        search = admin.get("/api/v1/intel/search", params={"value": "192.0.2.77"}).json()
        assert [r["collection"] for r in search["records"]] == ["kept"]
    assert _rows(session, doomed_id) == 0
    assert _rows(session, doomed_id, IntelObservable) == 0
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "intel.collection.delete")).one()
    assert entry.details == {"title": "Collection doomed", "alias": "doomed"}
    assert entry.actor == "admin"
    counted = session.scalars(select(AuditEntry).where(AuditEntry.action == "intel.collection.delete.versions")).all()
    assert sum(e.details["versions_deleted"] for e in counted) == total
    assert len({e.audience_id for e in counted}) == len(counted) > 1
