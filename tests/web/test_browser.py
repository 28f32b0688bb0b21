"""The web shell in a real headless Chromium: sign in, the banner top and bottom, the directory pages, forms
(with htmx when it was fetched, as plain forms otherwise), tokens, sign out. SQLite only, to save time."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import httpx
import pytest

from liaison_hub.directory.seed import DEMO_PASSWORD
from tests.conftest import LiveServer
from tests.web.conftest import expect

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("database", ["sqlite"], indirect=True)]


def sign_in(page: Page, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login$"))
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("main button[type=submit]")


def expect_banners(page: Page, text: str = "NATO UNCLASSIFIED", tlp: str = "TLP:CLEAR") -> None:
    for position in ("top", "bottom"):
        banner = page.locator(f'[data-banner="{position}"]')
        expect(banner).to_be_visible()
        expect(banner).to_contain_text(text)
        expect(banner).to_contain_text(tlp)
    boxes = [page.locator(f'[data-banner="{p}"]').bounding_box() for p in ("top", "bottom")]
    main = page.locator("main").bounding_box()
    assert boxes[0] is not None
    assert boxes[1] is not None
    assert main is not None
    assert boxes[0]["y"] < main["y"] < main["y"] + main["height"] <= boxes[1]["y"]


def test_sign_in_see_banner_visit_directory_and_sign_out(page: Page) -> None:
    sign_in(page, "liaison")
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator("h1")).to_have_text("Welcome, Akiko Liaison")
    expect(page.locator(".flash--success")).to_contain_text("Signed in as Akiko Liaison")
    expect_banners(page)
    page.locator(".site-nav").get_by_role("link", name="Directory").click()
    expect(page.locator("h1")).to_have_text("Organisations")
    page.locator(".subnav").get_by_role("link", name="Nations").click()
    page.select_option("#status", "partner")
    page.click("form.filters button")
    expect(page.locator("tbody tr")).to_have_count(4)
    expect(page.locator("tbody")).to_contain_text("Japan")
    expect_banners(page)
    for label, heading in (("Groupings", "Groupings"), ("Organisations", "Organisations"), ("Users", "Users")):
        page.locator(".subnav").get_by_role("link", name=label).click()
        expect(page.locator("h1")).to_have_text(heading)
        expect(page.locator('.site-nav a[aria-current="page"]')).to_have_text("Directory")
        expect(page.locator('.subnav a[aria-current="page"]')).to_have_text(label)
        expect(page.locator("main table, main #members-AP4").first).to_be_visible()
        expect_banners(page)
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.locator(".flash--success")).to_contain_text("You have signed out.")
    page.goto("/directory/users")
    expect(page).to_have_url(re.compile(r"/login\?next=%2Fdirectory%2Fusers$"))


def test_wrong_password_shows_an_error_and_no_navigation(page: Page) -> None:
    sign_in(page, "admin", "wrong-password-123")
    expect(page.locator("main .flash--error")).to_have_text("Unknown username or wrong password.")
    expect(page.locator(".site-nav")).to_have_count(0)
    expect_banners(page)


def test_admin_changes_grouping_members_in_place(page: Page) -> None:
    sign_in(page, "admin")
    page.goto("/directory/groupings")
    enhanced = page.evaluate("typeof window.htmx !== 'undefined'")
    page.evaluate("window.__still_here = true")
    page.fill("#add-AP4", "GBR")
    page.locator("#members-AP4").get_by_role("button", name="Add").click()
    expect(page.locator("#members-AP4")).to_contain_text("GBR")
    expect(page.locator("#flash-area")).to_contain_text("GBR is now a member of AP4.")
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Remove JPN from AP4").click()
    expect(page.locator("#members-AP4 code", has_text="JPN")).to_have_count(0)
    page.fill("#add-AP4", "XXX")
    page.locator("#members-AP4").get_by_role("button", name="Add").click()
    expect(page.get_by_text("unknown nation codes: XXX")).to_be_visible()
    # htmx swapped only the members block: the page (and this script variable) survived every change
    assert page.evaluate("window.__still_here === true") is enhanced
    page.goto("/directory/groupings")
    expect(page.locator("#members-AP4 code")).to_have_text(["AUS", "GBR", "KOR", "NZL"])


def test_admin_adds_an_organisation_and_a_user_who_then_signs_in(page: Page) -> None:
    sign_in(page, "admin")
    page.goto("/directory/organisations")
    page.fill("#org-name", "Korea Ministry of Foreign Affairs")
    page.fill("#org-short", "KOR-MOFA")
    page.fill("#org-nation", "KOR")
    page.get_by_role("button", name="Add organisation").click()
    expect(page.locator(".flash--success")).to_have_text("Organisation KOR-MOFA added.")
    expect(page.locator("tbody")).to_contain_text("Korea Ministry of Foreign Affairs")
    page.goto("/directory/users")
    page.fill("#user-name", "minji.kim")
    page.fill("#user-display", "Minji Kim")
    page.select_option("#user-org", "KOR-MOFA")
    page.check('input[name="roles"][value="analyst"]')
    page.select_option("#user-clearance", "NR")
    page.fill("#user-zone", "Asia/Seoul")
    page.fill("#user-password", "minji-first-password")
    page.get_by_role("button", name="Add user").click()
    expect(page.locator(".flash--success")).to_have_text("User minji.kim added.")
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "minji.kim", "minji-first-password")
    expect(page.locator("main")).to_contain_text("Korea Ministry of Foreign Affairs (KOR-MOFA)")
    expect(page.locator("main")).to_contain_text("NATO RESTRICTED")
    expect(page.locator("#add-organisation")).to_have_count(0)


def test_reader_sees_directory_without_admin_forms(page: Page) -> None:
    sign_in(page, "reader-kr")
    page.goto("/directory/groupings")
    expect(page.locator("#members-AP4")).to_contain_text("KOR")
    expect(page.get_by_role("button", name="Add")).to_have_count(0)
    page.goto("/directory/organisations")
    expect(page.locator("#add-organisation")).to_have_count(0)
    page.goto("/no/such/page")
    expect(page.locator("h1")).to_contain_text("Not found")
    expect_banners(page)


def test_token_is_shown_once_and_revoked(page: Page, live_server: LiveServer) -> None:
    sign_in(page, "analyst-au")
    page.goto("/me/tokens")
    page.fill("#token-name", "TAXII client")
    page.check('input[name="scopes"][value="write"]')
    page.get_by_role("button", name="Create token").click()
    token = page.locator("#new-token").inner_text()
    assert token.startswith("lh_")
    me = httpx.get(f"{live_server.url}/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["scopes"] == ["read", "write"]
    page.goto("/me/tokens")
    expect(page.locator("#new-token")).to_have_count(0)
    expect(page.locator("tr", has_text="TAXII client")).to_have_count(1)
    page.locator("tr", has_text="TAXII client").get_by_role("button", name="Revoke").click()
    expect(page.locator(".flash--success")).to_contain_text("revoked")
    expect(page.locator("tr", has_text="TAXII client")).to_contain_text("revoked")
    assert httpx.get(f"{live_server.url}/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
