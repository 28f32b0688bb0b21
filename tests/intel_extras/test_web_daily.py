"""Intel pages people can read: relationships by the names of both ends, the indicators of a malware, marking
references resolved to labels, counts of what the viewer may read, search over names and descriptions, newer and
older pages, an upload under a marking of the writer's choice and an export of what the viewer may read; the
dashboard. Over HTTP on both databases, and the upload/export walk in headless Chromium."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import httpx
import pytest
from sqlalchemy.orm import Session

from tests.conftest import LiveServer
from tests.intel_extras.conftest import STAMP, indicator, make_collection, marked, stix_id, store
from tests.web.conftest import csrf_from, expect, sign_in

if TYPE_CHECKING:
    from playwright.sync_api import Page


def malware(name: str, **extra: Any) -> dict[str, Any]:
    base = {"type": "malware", "spec_version": "2.1", "id": stix_id("malware"), "created": STAMP, "modified": STAMP}
    return base | {"name": name, "is_family": True} | extra


def relationship(kind: str, source: str, target: str) -> dict[str, Any]:
    base = {"type": "relationship", "spec_version": "2.1", "id": stix_id("relationship"), "created": STAMP}
    return base | {"modified": STAMP, "relationship_type": kind, "source_ref": source, "target_ref": target}


@pytest.fixture
def family(session: Session) -> dict[str, dict[str, Any]]:
    make_collection(session)
    shown = malware("PortLocker", description="Ransomware seen against regional ports")
    c2 = indicator("[ipv4-addr:value = '203.0.113.9']", "PortLocker C2")
    secret = indicator("[ipv4-addr:value = '203.0.113.10']", "Japan-only C2")
    store(session, "analyst-jp", [shown, c2, relationship("indicates", c2["id"], shown["id"])])
    store(session, "analyst-jp", marked(secret, releasable_to=("JPN",)))
    store(session, "analyst-jp", [relationship("indicates", secret["id"], shown["id"])])
    session.commit()
    return {"malware": shown, "c2": c2, "secret": secret}


def _object(stix: str) -> str:
    return f"/intel/collections/shared/objects/{quote(stix, safe='')}"


def test_malware_page_names_relationships_indicators_and_markings(
    family: dict[str, dict[str, Any]], web: httpx.Client
) -> None:
    assert sign_in(web, "analyst-jp").status_code == 303
    page = web.get(_object(family["malware"]["id"])).text
    indicators = page.split('id="indicators"')[1].split("</section>")[0]
    assert "PortLocker C2" in indicators
    assert "Japan-only C2" in indicators
    secret = web.get(_object(family["secret"]["id"])).text
    assert "TLP:AMBER" in secret.split('id="marking-refs"')[1].split("</dd>")[0]
    assert "REL TO JPN" in secret.split('id="document"')[1]
    c2 = web.get(_object(family["c2"]["id"])).text.split('id="relationships"')[1].split("</section>")[0]
    assert "PortLocker C2" in c2
    assert "indicates" in c2
    assert "PortLocker</a>" in c2
    found = web.get("/intel/objects/" + family["malware"]["id"])
    assert found.status_code == 302
    assert found.headers["location"] == _object(family["malware"]["id"])


def _counts(web: httpx.Client) -> tuple[int, int]:
    """The objects the viewer may read in the collection: on the collections page and on the collection's page."""
    listed = re.search(r'<td class="number">(\d+)</td>', web.get("/intel").text)
    shown = re.search(r"(\d+) objects? you may read", web.get("/intel/collections/shared").text)
    assert listed is not None
    assert shown is not None
    return int(listed.group(1)), int(shown.group(1))


def test_what_the_viewer_may_not_read_changes_nothing_it_sees(
    family: dict[str, dict[str, Any]], web: httpx.Client, live_server: LiveServer
) -> None:
    assert sign_in(web, "analyst-au").status_code == 303
    page = web.get(_object(family["malware"]["id"])).text
    assert "Japan-only C2" not in page
    assert "PortLocker C2" in page.split('id="indicators"')[1].split("</section>")[0]
    with live_server.client(follow_redirects=False) as japan:
        assert sign_in(japan, "analyst-jp").status_code == 303
        assert _counts(japan) == tuple(n + 1 for n in _counts(web))  # the Japan-only indicator alone
    search = web.get("/intel/search", params={"q": "regional ports"}).text
    assert "PortLocker</a>" in search.split('id="named"')[1]
    assert "Japan-only" not in web.get("/intel/search", params={"q": "C2"}).text
    assert web.get("/intel/objects/" + family["secret"]["id"]).status_code == 404


def test_newer_and_older_pages(session: Session, web: httpx.Client) -> None:
    make_collection(session)
    for number in range(55):
        store(session, "analyst-jp", [indicator(f"[domain-name:value = 'd{number}.example']", f"page item {number}")])
    session.commit()
    assert sign_in(web, "analyst-jp").status_code == 303
    first = web.get("/intel/collections/shared").text
    assert "page item 54" in first
    assert 'rel="prev"' not in first
    older = first.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    second = web.get("/intel/collections/shared" + older).text
    assert "page item 0<" in second
    assert "page item 54" not in second
    newer = second.split('rel="prev"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    back = web.get("/intel/collections/shared" + newer).text
    assert "page item 54" in back
    assert "page item 4<" not in back


def test_upload_takes_the_chosen_marking_and_export_holds_what_the_viewer_may_read(
    session: Session, web: httpx.Client
) -> None:
    make_collection(session)
    session.commit()
    assert sign_in(web, "analyst-jp").status_code == 303
    token = csrf_from(web.get("/intel/collections/shared/upload").text)
    chosen = {"csrf_token": token, "marking": "chosen", "tlp": "amber", "classification": "NU", "releasable_to": "JPN"}
    obj = indicator("[domain-name:value = 'chosen.example']", "chosen marking")
    bundle = json.dumps({"type": "bundle", "id": f"bundle--{obj['id'][11:]}", "objects": [obj]}).encode()
    done = web.post("/intel/collections/shared/upload", data=chosen, files={"file": ("b.json", bundle)})
    assert done.status_code == 200
    assert "1 stored" in done.text
    assert "REL TO JPN" in web.get(_object(obj["id"])).text
    above = chosen | {"classification": "NS"}  # analyst-jp is cleared for NATO CONFIDENTIAL
    refused = web.post("/intel/collections/shared/upload", data=above, files={"file": ("b.json", bundle)})
    assert refused.status_code == 403
    assert 'value="chosen" id="marking-chosen" checked' in refused.text  # the choice is kept
    beyond = chosen | {"classification": "CTS"}  # above the hub's accreditation
    assert web.post(
        "/intel/collections/shared/upload", data=beyond, files={"file": ("b.json", bundle)}
    ).status_code in (
        403,
        422,
    )
    exported = web.get("/intel/export", params={"collection": "shared", "latest": "1"})
    assert exported.status_code == 200
    assert [o["id"] for o in exported.json()["objects"] if o["type"] == "indicator"] == [obj["id"]]
    typed = web.get("/intel/export", params={"collection": "shared", "type": "marking-definition"}).json()
    assert {o["type"] for o in typed["objects"]} <= {"marking-definition"}


def test_dashboard_counts_what_was_shared_this_week(family: dict[str, dict[str, Any]], web: httpx.Client) -> None:
    assert sign_in(web, "analyst-au").status_code == 303
    home = web.get("/").text
    week = home.split('id="shared-this-week"')[1].split("</section>")[0]
    assert "Japan" in week
    assert "TLP:AMBER" in week
    assert "<svg" in home.split('id="objects-over-time"')[1]
    assert "No open action" in home.split('id="my-actions"')[1].split("</section>")[0]


@pytest.mark.browser
@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_browser_upload_with_a_marking_then_export(session: Session, page: Page, tmp_path: Path) -> None:
    make_collection(session)
    session.commit()
    obj = indicator("[domain-name:value = 'walk.example']", "walked upload")
    upload = tmp_path / "walk.json"
    upload.write_text(json.dumps({"type": "bundle", "id": f"bundle--{obj['id'][11:]}", "objects": [obj]}))
    page.goto("/login")
    page.fill("#username", "analyst-jp")
    page.fill("#password", "liaison-demo-2026")
    page.click("main button[type=submit]")
    page.goto("/intel")
    page.get_by_role("link", name="Upload").first.click()
    page.set_input_files("#file", str(upload))
    page.check("#marking-chosen")
    page.select_option("#upload-tlp", "amber+strict")
    page.fill("#upload-recipients", "JPN-NCC")
    page.get_by_role("button", name="Upload").click()
    expect(page.locator("#upload-result")).to_contain_text("1 stored")
    page.get_by_role("link", name="See the collection").click()
    expect(page.locator("#objects")).to_contain_text("TLP:AMBER+STRICT")
    with page.expect_download() as download:
        page.locator("#export").click()
    exported = json.loads(Path(download.value.path()).read_text())
    assert obj["id"] in {o["id"] for o in exported["objects"]}
