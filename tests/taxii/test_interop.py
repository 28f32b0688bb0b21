"""Interop: the OASIS taxii2-client and stix2 libraries against the hub over loopback, as principals of different
nations and clearances; each must see exactly what the reference policy rule allows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
import requests
from taxii2client.v21 import as_pages

from liaison_hub.db.engine import create_db_engine, make_session_factory, session_scope
from tests.conftest import Database, LiveServer
from tests.intel.stixgen import malware, new_version, relationship
from tests.taxii.conftest import TaxiiHub, prepare
from tests.taxii.corpus import CASES, DEFINITIONS, Case, objects_for, visible_cases

READERS = ("analyst-jp", "analyst-au", "reader-kr", "analyst-be", "admin")
PER_CASE = 3


def post(hub: TaxiiHub, writer: str, objects: list[dict[str, Any]]) -> Any:
    return hub.taxii_collection(writer).add_objects({"objects": objects})


def share_corpus(hub: TaxiiHub) -> dict[str, list[dict[str, Any]]]:
    """Each writer posts its cases (with the marking definitions) through taxii2-client."""
    by_case: dict[str, list[dict[str, Any]]] = {}
    for writer in sorted({case.writer for case in CASES}):
        mine = [case for case in CASES if case.writer == writer]
        objects = [obj for case in mine for obj in objects_for(case, PER_CASE)]
        status = post(hub, writer, [*DEFINITIONS, *objects])
        assert status.status == "complete"
        assert status.failure_count == 0, status.failures
        assert status.success_count == status.total_count == len(DEFINITIONS) + len(objects)
        for case in mine:
            by_case[case.name] = [o for o in objects if _is_case(o, case)]
    return by_case


def _is_case(obj: dict[str, Any], case: Case) -> bool:
    return tuple(obj.get("object_marking_refs", ())) == case.refs and obj["pattern"].startswith(
        f"[ipv4-addr:value = '10.{CASES.index(case)}."
    )


def expected_ids(hub: TaxiiHub, reader: str, by_case: dict[str, list[dict[str, Any]]]) -> set[str]:
    engine = create_db_engine(hub.database.url)
    with session_scope(make_session_factory(engine)) as session:
        names = visible_cases(session, reader)
    engine.dispose()
    return {obj["id"] for name in names for obj in by_case[name]}


def paged_ids(hub: TaxiiHub, reader: str, per_request: int, **filters: Any) -> list[str]:
    collection = hub.taxii_collection(reader)
    return [
        o["id"]
        for env in as_pages(collection.get_objects, per_request=per_request, **filters)
        for o in env.get("objects", [])
    ]


@pytest.mark.parametrize("reader", READERS)
def test_each_principal_sees_exactly_what_the_policy_allows(taxii_hub: TaxiiHub, reader: str) -> None:
    by_case = share_corpus(taxii_hub)
    expected = expected_ids(taxii_hub, reader, by_case)
    assert expected, "every reader of this corpus sees something"
    seen = paged_ids(taxii_hub, reader, 4, type="indicator")
    assert len(seen) == len(set(seen)), "no duplicates across pages"
    assert set(seen) == expected
    manifest = [
        r["id"]
        for env in as_pages(taxii_hub.taxii_collection(reader).get_manifest, per_request=5, type="indicator")
        for r in env.get("objects", [])
    ]
    assert set(manifest) == expected
    assert len(manifest) == len(expected)


@pytest.mark.parametrize("reader", ["analyst-jp", "analyst-au", "reader-kr"])
def test_invisible_objects_are_404_like_missing_ones(taxii_hub: TaxiiHub, reader: str) -> None:
    by_case = share_corpus(taxii_hub)
    expected = expected_ids(taxii_hub, reader, by_case)
    hidden = {o["id"] for objs in by_case.values() for o in objs} - expected
    assert hidden
    collection = taxii_hub.taxii_collection(reader)
    missing = "indicator--00000000-0000-4000-8000-000000000000"
    bodies = []
    for object_id in (sorted(hidden)[0], missing):
        for call in (collection.get_object, collection.object_versions):
            with pytest.raises(requests.HTTPError) as caught:
                call(object_id)
            assert caught.value.response.status_code == 404
            assert caught.value.response.headers["content-type"] == "application/taxii+json;version=2.1"
            bodies.append(caught.value.response.json()["title"])
    assert set(bodies) == {"Not Found"}
    assert collection.get_objects(id=sorted(hidden)[0]) == {}


def test_discovery_api_root_and_collections(taxii_hub: TaxiiHub) -> None:
    server = taxii_hub.taxii_server("analyst-jp")
    assert server.title
    (root,) = server.api_roots
    assert root.url == taxii_hub.root_url
    assert root.versions == ["application/taxii+json;version=2.1"]
    assert root.max_content_length == taxii_hub.settings.taxii_max_content_length
    (collection,) = root.collections
    assert collection.id == taxii_hub.collection
    assert collection.can_read
    assert collection.can_write
    reader_view = taxii_hub.api_root("reader-kr").collections[0]
    assert reader_view.can_read
    assert not reader_view.can_write


def test_paging_has_no_gap_and_no_duplicate_while_writes_happen(taxii_hub: TaxiiHub) -> None:
    by_case = share_corpus(taxii_hub)
    clear = next(case for case in CASES if case.name == "clear")
    collection = taxii_hub.taxii_collection("analyst-jp")
    seen: list[str] = []
    added: list[dict[str, Any]] = []
    for page_number, envelope in enumerate(as_pages(collection.get_objects, per_request=3, type="indicator")):
        seen += [o["id"] for o in envelope.get("objects", [])]
        if page_number < 3:
            batch = objects_for(clear, 2, start=100 + 2 * page_number)
            assert post(taxii_hub, "analyst-be", batch).success_count == 2
            added += batch
    assert len(seen) == len(set(seen))
    assert set(seen) == expected_ids(taxii_hub, "analyst-jp", by_case) | {o["id"] for o in added}


def test_filters_versions_and_delete(taxii_hub: TaxiiHub) -> None:
    share_corpus(taxii_hub)
    family = malware("ShadowPad")
    status = post(taxii_hub, "analyst-jp", [family])
    later = new_version(family, description="updated")
    latest = new_version(later, description="updated again")
    assert post(taxii_hub, "analyst-jp", [latest, later]).success_count == 2
    collection = taxii_hub.taxii_collection("analyst-au")
    assert [o["modified"] for o in collection.get_objects(type="malware")["objects"]] == [latest["modified"]]
    assert collection.get_objects(type="malware", version="first")["objects"][0]["modified"] == family["modified"]
    assert len(collection.get_objects(type="malware", version="all")["objects"]) == 3
    exact = collection.get_objects(type="malware", version=later["modified"])["objects"]
    assert [o["description"] for o in exact] == ["updated"]
    assert [o["id"] for o in collection.get_objects(id=family["id"])["objects"]] == [family["id"]]
    assert len(collection.get_objects(type="malware", spec_version="2.1", version="all")["objects"]) == 3
    assert collection.get_objects(type="malware", spec_version="2.0") == {}
    versions = collection.object_versions(family["id"])["versions"]
    assert versions == sorted(versions)
    assert len(versions) == 3
    assert collection.get_object(family["id"])["objects"][0]["modified"] == latest["modified"]
    manifest = collection.get_manifest(type="malware", version="all")["objects"]
    assert [m["version"] for m in manifest] == [family["modified"], latest["modified"], later["modified"]]
    first_added = manifest[0]["date_added"]
    after = collection.get_manifest(type="malware", version="all", added_after=first_added)["objects"]
    assert [m["date_added"] for m in after] == [m["date_added"] for m in manifest[1:]]
    assert status.status == "complete"
    with pytest.raises(requests.HTTPError) as caught:
        collection.delete_object(family["id"])
    assert caught.value.response.status_code == 403
    taxii_hub.taxii_collection("analyst-jp").delete_object(family["id"], version=latest["modified"])
    assert collection.get_object(family["id"])["objects"][0]["modified"] == later["modified"]
    taxii_hub.taxii_collection("analyst-jp").delete_object(family["id"])
    with pytest.raises(requests.HTTPError):
        collection.get_object(family["id"])


def test_relationships_and_status_polling(taxii_hub: TaxiiHub) -> None:
    family = malware("PlugX")
    clear = next(case for case in CASES if case.name == "clear")
    (sign,) = objects_for(clear, 1)
    link = relationship(sign, family)
    status = taxii_hub.taxii_collection("analyst-be").add_objects(
        {"objects": [family, sign, link]}, wait_for_completion=False
    )
    polled = taxii_hub.api_root("analyst-be").get_status(status.id)
    assert polled.status == "complete"
    assert polled.success_count == 3
    assert {s["id"] for s in polled.successes} == {family["id"], sign["id"], link["id"]}
    with pytest.raises(requests.HTTPError) as caught:
        taxii_hub.api_root("analyst-jp").get_status(status.id)
    assert caught.value.response.status_code == 404
    duplicate = taxii_hub.taxii_collection("analyst-be").add_objects({"objects": [family, sign, link]})
    assert duplicate.success_count == 3
    assert duplicate.failure_count == 0


def test_anonymous_readers_see_clear_objects_only_when_the_hub_allows_them(database: Database, tmp_path: Path) -> None:
    collection, tokens = prepare(database, alias="open")
    with LiveServer(database.settings(tmp_path, allow_anonymous=True)) as server:
        hub = TaxiiHub(server, database, database.settings(tmp_path), collection, tokens)
        by_case = share_corpus(hub)
        with httpx.Client(base_url=server.url, headers={"Accept": "application/taxii+json"}) as anonymous:
            body = anonymous.get(f"{hub.collection_url}objects/", params={"match[type]": "indicator"}).json()
            status = anonymous.post(
                f"{hub.collection_url}objects/",
                content=b'{"objects": []}',
                headers={"Content-Type": "application/taxii+json"},
            ).status_code
    clear = {o["id"] for name in ("clear", "tlp1-white") for o in by_case[name]}
    assert {o["id"] for o in body["objects"]} == clear
    assert status == 401
