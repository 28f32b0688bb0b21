"""The office's daily work walked in a real headless Chromium: a consultation from its series to a cancelled
meeting and a calendar feed, a user edited by an administrator, the audit trail read. SQLite; one smoke walk runs
on PostgreSQL too."""

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

pytestmark = pytest.mark.browser
SQLITE = pytest.mark.parametrize("database", ["sqlite"], indirect=True)
PARTICIPANTS = "BEL-CCB\nJPN-NCC\nAUS-CSC\nKOR-NCSC\nNZL-NCSC=Pacific/Auckland@08:30-17:30"


def sign_in(page: Page, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("main button[type=submit]")
    expect(page.locator(".masthead__account")).to_be_visible()


def create_series(page: Page, title: str) -> None:
    page.goto("/consultations")
    page.get_by_role("link", name="New series").click()
    page.fill("#title", title)
    page.fill("#first_date", "2027-01-01")
    page.fill("#anchor_zone", "Asia/Tokyo")
    page.fill("#participants", PARTICIPANTS)
    page.fill("#releasable_to", "BEL, AP4")
    page.get_by_role("button", name="Create series").click()
    page.wait_for_url(re.compile(r"/consultations/series/\d+$"))
    expect(page.locator("#occurrences tbody tr")).to_have_count(4)


def flash(page: Page, text: str) -> None:
    expect(page.locator("#flash-area")).to_contain_text(text)


@SQLITE
def test_a_consultation_from_series_to_cancelled_meeting(page: Page, live_server: LiveServer) -> None:
    sign_in(page, "analyst-jp")
    create_series(page, "Cyber consultation (walk)")
    expect(page.locator("#rule-words")).to_contain_text("Every 3 months, on the 2nd Wednesday")
    expect(page.locator("#cost-table tbody tr")).to_have_count(5)
    expect(page.locator("svg.strip")).to_have_count(5)
    expect(page.locator("#legend")).to_contain_text("outside the participant's acceptable hours")
    page.fill("#count", "2")
    page.get_by_role("button", name="Propose").click()
    expect(page.locator("#proposed-cost-table tbody tr")).to_have_count(5)
    page.get_by_role("button", name="Accept this schedule").click()
    flash(page, "Schedule applied")
    page.locator("#occurrences tbody a").first.click()
    page.wait_for_url(re.compile(r"/consultations/meetings/\d+"))
    meeting_url = page.url

    # agenda: two items with record links, reordered, one removed
    page.fill("#agenda-title", "Ransomware against ports")
    page.fill("#agenda-presenter", "JPN-NCC")
    page.fill("#agenda-links", "intel:indicator--1 Port C2 addresses\nfimi:narrative--2")
    page.get_by_role("button", name="Add to the agenda").click()
    flash(page, "Agenda item added.")
    page.fill("#agenda-title", "Exercise planning")
    page.get_by_role("button", name="Add to the agenda").click()
    expect(page.locator(".agenda > li strong")).to_have_text(["Ransomware against ports", "Exercise planning"])
    expect(page.locator(".agenda")).to_contain_text("Port C2 addresses")
    page.get_by_role("button", name="Move “Exercise planning” up").click()
    expect(page.locator(".agenda > li strong")).to_have_text(["Exercise planning", "Ransomware against ports"])
    page.get_by_role("button", name="Remove “Exercise planning”").click()
    expect(page.locator(".agenda > li strong")).to_have_text(["Ransomware against ports"])

    # a refused agenda form keeps what was typed and names the field
    page.fill("#agenda-title", "Bad links")
    page.fill("#agenda-links", "no colon here")
    page.get_by_role("button", name="Add to the agenda").click()
    expect(page.locator("#agenda .flash--error")).to_contain_text("record links line 1")
    expect(page.locator("#agenda-title")).to_have_value("Bad links")

    # attendance
    page.select_option('select[aria-label="Attendance of JPN-NCC"]', "present")
    page.fill('input[aria-label="Who attended for JPN-NCC"]', "Kenji")
    page.select_option('select[aria-label="Attendance of NZL-NCSC"]', "apologies")
    page.get_by_role("button", name="Save attendance").click()
    flash(page, "Attendance recorded.")
    expect(page.locator('select[aria-label="Attendance of NZL-NCSC"]')).to_have_value("apologies")

    # minutes: preview, then save
    page.fill("#minutes-body", "# Outcome\n\n**Agreed** to share port indicators.")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#minutes-preview strong")).to_have_text("Agreed")
    expect(page.locator("#minutes-body")).to_have_value(re.compile("Agreed"))
    page.get_by_role("button", name="Save minutes").click()
    flash(page, "Minutes saved.")
    expect(page.locator("#minutes article h1")).to_have_text("Outcome")

    # a decision, then an action linked to it; a refused action keeps what was typed
    page.fill("#decision-text", "Share port indicators with AP4 CERTs")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator("#decision-1")).to_contain_text("Share port indicators")
    page.fill("#action-title", "Circulate the indicator set")
    page.select_option("#action-decision", "1")
    page.fill("#action-due", "2020-01-01")
    page.get_by_role("button", name="Add action").click()
    expect(page.locator("#actions .flash--error")).to_contain_text("before the meeting")
    expect(page.locator("#action-title")).to_have_value("Circulate the indicator set")
    page.fill("#action-due", "2030-01-01")
    page.get_by_role("button", name="Add action").click()
    flash(page, "Action added.")
    row = page.locator("#action-table tr", has_text="Circulate the indicator set")
    expect(row).to_contain_text("No. 1")

    # reschedule, then cancel; the calendar feed follows
    page.locator("#reschedule summary").click()
    page.fill("#day", "2027-03-11")
    page.fill("#at", "09:30")
    page.select_option("#zone", "Asia/Tokyo")
    page.fill("#location", "Video link")
    page.get_by_role("button", name="Move the meeting").click()
    flash(page, "Meeting rescheduled")
    expect(page.locator("#meeting-when")).to_contain_text("2027-03-11 09:30 JST")  # the viewer's own zone
    page.locator("#reschedule summary").click()
    page.get_by_role("button", name="Cancel the meeting").click()
    flash(page, "Meeting cancelled")
    expect(page.locator("#meeting-when .tag")).to_have_text("cancelled")

    # subscribe to the series' feed: the cancelled meeting is excluded there
    page.goto(meeting_url)
    page.get_by_role("link", name=re.compile("Cyber consultation")).first.click()
    page.get_by_role("link", name="Subscribe in your calendar").click()
    page.get_by_role("button", name="Create feed").click()
    url = page.locator("#feed-url").input_value()
    assert re.search(r"/api/v1/consultations/feeds/cal_[\w-]+\.ics$", url)
    calendar = httpx.get(url).text
    assert "EXDATE" in calendar
    assert "Cyber consultation (walk)" in calendar
    page.goto("/consultations/feeds")
    expect(page.locator("#new-feed")).to_have_count(0)
    page.locator("#feeds tr", has_text="Cyber consultation (walk)").get_by_role("button", name="Revoke").click()
    flash(page, "revoked")
    assert httpx.get(url).status_code == 404


@SQLITE
def test_admin_edits_a_user_and_reads_the_audit_trail(page: Page) -> None:
    sign_in(page, "admin")
    page.goto("/directory/users")
    page.get_by_role("link", name="reader-kr").click()
    page.check('input[name="roles"][value="analyst"]')
    page.select_option("#user-clearance", "NR")
    page.get_by_role("button", name="Save changes").click()
    flash(page, "User reader-kr updated.")
    page.fill("#reset-new", "short")
    page.fill("#reset-confirm", "short")
    page.evaluate("document.querySelectorAll('#reset-password input').forEach(i => i.removeAttribute('minlength'))")
    page.get_by_role("button", name="Reset password").click()
    expect(page.locator("#reset-password .flash--error")).to_contain_text("password")
    page.get_by_role("button", name="Deactivate reader-kr").click()
    flash(page, "User reader-kr deactivated.")
    page.locator(".site-nav").get_by_role("link", name="Audit").click()
    expect(page.locator("#chain-status")).to_contain_text("The chain is intact")
    page.select_option("#entity_type", "user")
    page.get_by_role("button", name="Filter").click()
    updates = page.locator("#audit-entries tbody tr", has_text="user.update")
    expect(updates).to_have_count(2)
    expect(updates.last).to_contain_text("'from': 'NU', 'to': 'NR'")
    expect(updates.first).to_contain_text("is_active")


def test_smoke_walk_on_every_database(page: Page) -> None:
    """Sign in, the dashboard, a series made and opened, the directory and the audit trail: on both databases."""
    sign_in(page, "admin")
    expect(page.locator("h1")).to_contain_text("Welcome")
    create_series(page, "Smoke consultation")
    page.locator("#occurrences tbody a").first.click()
    expect(page.locator("#agenda")).to_be_visible()
    page.goto("/directory/organisations/LO-TYO")
    expect(page.locator("h1")).to_contain_text("LO-TYO")
    page.goto("/audit")
    expect(page.locator("#chain-status")).to_contain_text("intact")


@SQLITE
def test_navigation_fits_one_line_and_nothing_is_wider_than_a_phone(page: Page) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, "admin")
    tops = page.locator(".site-nav li").evaluate_all("items => items.map(i => i.getBoundingClientRect().top)")
    assert len(set(tops)) == 1, tops
    masthead = page.locator(".masthead").bounding_box()
    assert masthead is not None
    assert masthead["height"] < 70
    page.set_viewport_size({"width": 390, "height": 800})
    for path in ("/", "/intel", "/consultations", "/consultations/actions", "/directory/users", "/audit", "/me"):
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
