"""Intel pages over HTTP on both databases (filters, object page, upload with CSRF, 404 for what the viewer may
not read, banner), and in headless Chromium: sign in, upload a bundle, find it, open it, see its correlations."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import httpx
import pytest
from sqlalchemy.orm import Session

from liaison_hub.directory.seed import DEMO_PASSWORD
from tests.conftest import LiveServer
from tests.intel_extras.conftest import indicator, make_collection, marked, sighting, store
from tests.web.conftest import csrf_from, sign_in

if TYPE_CHECKING:
    from playwright.sync_api import Page


def _bundle(*objects: dict[str, Any]) -> bytes:
    return json.dumps(
        {"type": "bundle", "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d", "objects": list(objects)}
    ).encode()


def _page(stix_id: str) -> str:
    return f"/intel/collections/shared/objects/{quote(stix_id, safe='')}"


@pytest.fixture
def stored(session: Session) -> dict[str, dict[str, Any]]:
    """An open indicator, a Japan-only one and a NATO RESTRICTED one mentioning the same address, and a sighting."""
    make_collection(session)
    objects = {
        "open": indicator("[ipv4-addr:value = '198.51.100.20']", "open beacon"),
        "japan": indicator("[ipv4-addr:value = '198.51.100.20']", "japan beacon"),
        "restricted": indicator("[ipv4-addr:value = '198.51.100.20']", "restricted beacon"),
        "other": indicator("[domain-name:value = 'other.example']", "unrelated"),
    }
    objects["sighting"] = sighting(objects["open"]["id"], count=7)
    store(session, "analyst-jp", [*marked(objects["open"], "green"), *marked(objects["other"], "clear")])
    store(session, "analyst-jp", marked(objects["japan"], "amber", releasable_to=("JPN",)))
    store(session, "analyst-au", marked(objects["restricted"], "amber", releasable_to=("AP4",), classification="NR"))
    store(session, "analyst-au", marked(objects["sighting"], "green"))
    session.commit()
    return objects


def test_lists_filters_and_object_page(stored: dict[str, dict[str, Any]], web: httpx.Client) -> None:
    assert sign_in(web, "analyst-jp").status_code == 303
    home = web.get("/intel")
    assert "Collection shared" in home.text
    listing = web.get("/intel/collections/shared")
    assert all(name in listing.text for name in ("open beacon", "japan beacon", "restricted beacon", "unrelated"))
    assert "NATO RESTRICTED" in listing.text.split("<main")[0]  # the banner shows the highest marking listed
    by_type = web.get("/intel/collections/shared", params={"type": "sighting"}).text
    assert "open beacon" not in by_type
    assert stored["sighting"]["id"] in by_type
    by_value = web.get("/intel/collections/shared", params={"q": "198.51.100.20/32"}).text
    assert "open beacon" in by_value
    assert "unrelated" not in by_value
    by_text = web.get("/intel/collections/shared", params={"q": "UNRELATED"}).text
    assert ("unrelated" in by_text, "open beacon" in by_text) == (True, False)
    by_tlp = web.get("/intel/collections/shared", params={"tlp": "clear"}).text
    assert ("unrelated" in by_tlp, "open beacon" in by_tlp) == (True, False)
    page = web.get(_page(stored["open"]["id"])).text
    correlations = page.split('id="correlations"')[1].split("</section>")[0]
    assert "japan beacon" in correlations
    assert "restricted beacon" in correlations
    sightings = page.split('id="sightings"')[1].split("</section>")[0]
    assert "seen 7 times" in sightings
    assert page.count("NATO RESTRICTED") >= 2  # banner top and bottom include the correlated record's marking
    assert web.get("/intel/search", params={"q": "198.51.100.20"}).text.count("beacon</a>") == 3


def test_viewer_never_sees_what_it_may_not_read(stored: dict[str, dict[str, Any]], web: httpx.Client) -> None:
    assert sign_in(web, "reader-kr").status_code == 303
    page = web.get(_page(stored["open"]["id"]))
    assert page.status_code == 200
    assert "japan beacon" not in page.text
    assert "restricted beacon" not in page.text  # reader-kr is cleared for NATO UNCLASSIFIED only
    assert "NATO RESTRICTED" not in page.text
    assert "No other record you may read mentions it." in page.text
    hidden = web.get(_page(stored["japan"]["id"]))
    missing = web.get(_page("indicator--00000000-0000-4000-8000-000000000000"))
    assert hidden.status_code == missing.status_code == 404
    assert "japan beacon" not in web.get("/intel/collections/shared").text
    search = web.get("/intel/search", params={"q": "198.51.100.20"}).text
    assert "1 record you may read" in search


def test_upload_needs_csrf_and_write_rights_and_refuses_broken_files(session: Session, web: httpx.Client) -> None:
    make_collection(session)
    session.commit()
    new = indicator("[domain-name:value = 'uploaded.example']", "uploaded one")
    files = {"file": ("b.json", _bundle(new))}
    assert sign_in(web, "analyst-jp").status_code == 303
    assert web.post("/intel/collections/shared/upload", files=files).status_code == 403
    token = csrf_from(web.get("/intel/collections/shared/upload").text)
    broken = web.post("/intel/collections/shared/upload", data={"csrf_token": token}, files={"file": ("x.json", b"{")})
    assert broken.status_code == 422
    assert "not valid JSON" in broken.text
    done = web.post("/intel/collections/shared/upload", data={"csrf_token": token}, files=files)
    assert done.status_code == 200
    assert "1 stored" in done.text
    assert "uploaded one" in web.get("/intel/collections/shared").text
    web.post("/logout", data={"csrf_token": token})
    assert sign_in(web, "reader-kr").status_code == 303
    token = csrf_from(web.get("/intel/collections/shared/upload").text)
    refused = web.post("/intel/collections/shared/upload", data={"csrf_token": token}, files=files)
    assert refused.status_code == 403


@pytest.mark.browser
@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_analyst_uploads_finds_opens_and_sees_correlations(
    stored: dict[str, dict[str, Any]], page: Page, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    fresh = indicator("[ipv4-addr:value = '198.51.100.20'] OR [domain-name:value = 'fresh.example']", "fresh upload")
    upload = tmp_path / "fresh.json"
    upload.write_bytes(_bundle(fresh))
    page.goto("/intel")
    page.fill("#username", "analyst-jp")
    page.fill("#password", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_have_text("Intel collections")
    page.get_by_role("link", name="Upload").click()
    page.set_input_files("#file", str(upload))
    page.get_by_role("button", name="Upload").click()
    expect(page.locator("#upload-result")).to_contain_text("1 stored")
    page.get_by_role("link", name="See the collection").click()
    page.fill("#q", "fresh.example")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#objects tbody tr")).to_have_count(1)
    page.get_by_role("link", name="fresh upload").click()
    expect(page).to_have_url(re.compile(r"/objects/indicator--"))
    correlations = page.locator("#correlations")
    expect(correlations).to_contain_text("198.51.100.20")
    expect(correlations.get_by_role("link", name="open beacon")).to_be_visible()
    expect(correlations.get_by_role("link", name="japan beacon")).to_be_visible()
    expect(page.locator('[data-banner="top"]')).to_contain_text("NATO RESTRICTED")
    expect(page.locator('[data-banner="bottom"]')).to_contain_text("NATO RESTRICTED")
    correlations.get_by_role("link", name="open beacon").click()
    expect(page.locator("#sightings")).to_contain_text("seen 7 times")


def test_admins_delete_a_collection_after_typing_its_alias(
    stored: dict[str, dict[str, Any]], session: Session, web: httpx.Client
) -> None:
    assert sign_in(web, "analyst-jp").status_code == 303
    assert "/intel/collections/shared/delete" not in web.get("/intel").text
    assert web.get("/intel/collections/shared/delete").status_code == 403
    token = csrf_from(web.get("/intel/collections/shared/upload").text)
    assert (
        web.post("/intel/collections/shared/delete", data={"csrf_token": token, "confirm": "shared"}).status_code == 403
    )
    web.post("/logout", data={"csrf_token": token})
    assert sign_in(web, "admin").status_code == 303
    assert "/intel/collections/shared/delete" in web.get("/intel").text
    form = web.get("/intel/collections/shared/delete")
    assert form.status_code == 200
    assert "cannot be undone" in form.text
    token = csrf_from(form.text)
    assert web.post("/intel/collections/shared/delete", data={"confirm": "shared"}).status_code == 403
    wrong = web.post("/intel/collections/shared/delete", data={"csrf_token": token, "confirm": "share"})
    assert wrong.status_code == 422
    assert "Type the collection" in wrong.text
    assert web.get("/intel/collections/shared").status_code == 200
    done = web.post("/intel/collections/shared/delete", data={"csrf_token": token, "confirm": "shared"})
    assert done.status_code == 303
    assert done.headers["location"] == "/intel"
    listing = web.get("/intel").text
    assert "deleted with its" in listing
    assert "/intel/collections/shared" not in listing
    assert web.get("/intel/collections/shared").status_code == 404


def test_admins_create_a_collection_from_the_intel_page(live_server: LiveServer) -> None:
    with live_server.client(follow_redirects=False) as analyst:
        assert sign_in(analyst, "analyst-jp").status_code == 303
        assert "/intel/collections/new" not in analyst.get("/intel").text
        assert analyst.get("/intel/collections/new").status_code == 403
        token = csrf_from(analyst.get("/consultations/new").text)
        denied = analyst.post("/intel/collections", data={"csrf_token": token, "title": "Mine", "alias": "mine"})
        assert denied.status_code == 403

    with live_server.client(follow_redirects=False) as web:
        assert sign_in(web, "admin").status_code == 303
        assert "/intel/collections/new" in web.get("/intel").text
        form = web.get("/intel/collections/new")
        assert form.status_code == 200
        fields = {
            "csrf_token": csrf_from(form.text),
            "title": "AP4 phishing",
            "alias": "ap4-phishing",
            "description": "Phishing infrastructure seen by the AP4 CERTs",
            "tlp": "amber",
            "classification": "NU",
            "releasable_to": "ALLIANCE, AP4",
            "write_roles": ["admin", "analyst"],
            "with_definitions": "1",
        }
        without_csrf = {k: v for k, v in fields.items() if k != "csrf_token"}
        assert web.post("/intel/collections", data=without_csrf).status_code == 403

        bad_alias = web.post("/intel/collections", data={**fields, "alias": "Not An Alias"})
        assert bad_alias.status_code == 422
        assert "alias" in bad_alias.text
        assert 'value="AP4 phishing"' in bad_alias.text  # the form comes back filled in
        unknown_nation = web.post("/intel/collections", data={**fields, "releasable_to": "ATLANTIS"})
        assert unknown_nation.status_code == 422
        assert "ATLANTIS" in unknown_nation.text
        assert web.get("/intel/collections/ap4-phishing").status_code == 404  # nothing half-written

        created = web.post("/intel/collections", data=fields)
        assert created.status_code == 303
        assert created.headers["location"] == "/intel/collections/ap4-phishing"
        listing = web.get("/intel").text
        assert "AP4 phishing" in listing
        assert "REL TO ALLIANCE, AP4" in listing
        again = web.post("/intel/collections", data=fields)
        assert again.status_code == 409
        assert "already exists" in again.text

    with live_server.client(follow_redirects=False) as analyst:
        assert sign_in(analyst, "analyst-au").status_code == 303
        assert analyst.get("/intel/collections/ap4-phishing/upload").status_code == 200  # analysts may write
    with live_server.client(follow_redirects=False) as officer:
        assert sign_in(officer, "liaison").status_code == 303
        page = officer.get("/intel").text
        assert "AP4 phishing" in page
        assert "/intel/collections/ap4-phishing/upload" not in page  # liaison officers were not ticked
