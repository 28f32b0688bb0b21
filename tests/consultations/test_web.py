"""Consultation pages: over HTTP (forms, CSRF, 404 for what the viewer may not read) and in headless Chromium
(create a series, open a meeting, add an action, see it overdue)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import httpx
import pytest
from sqlalchemy.orm import Session

from liaison_hub.directory.seed import DEMO_PASSWORD
from tests.conftest import LiveServer
from tests.consultations.helpers import add_minutes
from tests.web.conftest import post_form, sign_in

if TYPE_CHECKING:
    from playwright.sync_api import Page

PARTICIPANTS = "BEL-CCB\nJPN-NCC\nAUS-CSC\nKOR-NCSC\nNZL-NCSC=Pacific/Auckland@08:30-17:30"
FORM = {
    "title": "Alliance-AP4 cyber consultation",
    "rule": "FREQ=MONTHLY;INTERVAL=3;BYDAY=WE;BYSETPOS=2",
    "first_date": "2025-01-01",
    "anchor_zone": "Asia/Tokyo",
    "duration_minutes": "90",
    "participants": PARTICIPANTS,
    "tlp": "amber",
    "classification": "NU",
    "releasable_to": "BEL, AP4",
    "schedule_count": "4",
}


def _create(client: httpx.Client, **changes: str) -> httpx.Response:
    return post_form(client, "/consultations/new", "/consultations", FORM | changes)


def test_series_form_creates_and_schedules_with_local_time_table(analyst_web: httpx.Client) -> None:
    created = _create(analyst_web)
    assert created.status_code == 303
    page = analyst_web.get(created.headers["location"]).text
    assert "Alliance-AP4 cyber consultation" in page
    assert page.count('href="/consultations/meetings/') == 4
    for zone in ("Europe/Brussels", "Asia/Tokyo", "Australia/Sydney", "Asia/Seoul", "Pacific/Auckland"):
        assert zone in page
    assert "TLP:AMBER" in page


def test_bad_form_is_refused_and_nothing_saved(analyst_web: httpx.Client) -> None:
    refused = _create(analyst_web, anchor_zone="Asia/Edo")
    assert refused.status_code == 422
    assert "anchor zone" in refused.text
    assert "is not a time zone name" in refused.text
    outside = _create(analyst_web, releasable_to="JPN")
    assert outside.status_code == 422
    assert "outside the releasability" in outside.text
    assert "No consultation series you may read" in analyst_web.get("/consultations").text


def test_outsider_gets_404_for_series_and_meeting_pages(live_server: LiveServer, analyst_web: httpx.Client) -> None:
    created = _create(analyst_web, participants="JPN-NCC", releasable_to="JPN")
    series_path = created.headers["location"]
    meeting_path = re.findall(r'href="(/consultations/meetings/\d+)"', analyst_web.get(series_path).text)[0]
    with live_server.client(follow_redirects=False) as other:
        sign_in(other, "analyst-nz")
        assert other.get(series_path).status_code == 404
        assert other.get(meeting_path).status_code == 404
        assert other.get("/consultations/meetings/999999").status_code == 404
        assert "Alliance-AP4" not in other.get("/consultations").text
        assert "Alliance-AP4" not in other.get("/consultations/actions").text


def test_due_date_before_meeting_is_refused_on_the_page(analyst_web: httpx.Client) -> None:
    series_path = _create(analyst_web).headers["location"]
    meeting_path = re.findall(r'href="(/consultations/meetings/\d+)"', analyst_web.get(series_path).text)[0]
    action = {"title": "Too early", "owner": "JPN-NCC", "due_on": "2024-01-01"}
    refused = post_form(analyst_web, meeting_path, f"{meeting_path}/actions", action)
    assert refused.status_code == 422
    assert "before the meeting" in refused.text
    assert "No action items." in analyst_web.get(meeting_path).text


@pytest.mark.browser
def test_browser_create_series_open_meeting_add_action_see_it_overdue(page: Page) -> None:
    page.goto("/login")
    page.fill("#username", "analyst-jp")
    page.fill("#password", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.goto("/consultations/new")
    page.fill("#title", "Cyber consultation (browser)")
    page.fill("#first_date", "2025-01-01")
    page.fill("#anchor_zone", "Asia/Tokyo")
    page.fill("#participants", PARTICIPANTS)
    page.fill("#releasable_to", "BEL, AP4")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/consultations/series/\d+$"))
    assert page.locator("#occurrences tbody tr").count() == 4
    page.locator("#occurrences tbody a").first.click()
    page.wait_for_url(re.compile(r"/consultations/meetings/\d+"))
    page.fill("#action-title", "Share the indicator list")
    page.fill("#action-due", "2025-02-15")
    page.click("#action-title >> xpath=ancestor::form//button")
    page.wait_for_url(re.compile(r"/consultations/meetings/\d+"))
    row = page.locator("#action-table tr", has_text="Share the indicator list")
    assert row.locator(".overdue").inner_text() == "overdue"
    page.goto("/consultations/actions")
    first = page.locator("#my-actions tbody tr").first
    assert "Share the indicator list" in first.inner_text()
    assert first.locator(".overdue").count() == 1


def test_minutes_markdown_is_rendered_without_raw_html_or_script_links(
    analyst_web: httpx.Client, session: Session
) -> None:
    series_path = _create(analyst_web).headers["location"]
    meeting_path = re.findall(r'href="(/consultations/meetings/\d+)"', analyst_web.get(series_path).text)[0]
    body = "# Outcome\n\n**Agreed** <script>alert(1)</script> [click](javascript:alert(1))"
    add_minutes(session, "analyst-jp", int(meeting_path.rsplit("/", 1)[1]), body)
    session.commit()
    page = analyst_web.get(meeting_path).text
    assert "<h1>Outcome</h1>" in page
    assert "<strong>Agreed</strong>" in page
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page
    assert 'href="javascript:' not in page
