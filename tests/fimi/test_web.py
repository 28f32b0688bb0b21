"""FIMI pages over HTTP on both databases (inbox, report, narrative, term chart, clusters, incident; 404 for what
the viewer may not read; no write forms for readers; the banner) and in headless Chromium: import reports through
the web, confirm a suggestion, see the term chart."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import orjson
from sqlalchemy.orm import Session

from liaison_hub.directory.seed import DEMO_PASSWORD
from liaison_hub.fimi import terms
from tests.fimi.helpers import JAPAN_ONLY, NS, actor, import_reports, make_incident, make_narrative
from tests.fimi.helpers import report as item
from tests.web.conftest import chromium, csrf_from, expect, page, sign_in, web  # noqa: F401  (the web tests' fixtures)

if TYPE_CHECKING:
    from playwright.sync_api import Page

STORY = " ".join(f"Part {i}: the alliance reaches into the ports of the region." for i in range(8))


def _world(session: Session) -> dict[str, int]:
    narrative = make_narrative(session)
    terms.create_term_set(session, actor(session, "liaison"), data=terms.ASIA_INDO_PACIFIC, accreditation=NS)
    shared = import_reports(
        session,
        "liaison",
        [item(), item(STORY, outlet="Eastern Truth"), item("Also: " + STORY, outlet="Kiwi Current", days=1)],
    )
    hidden = import_reports(session, "analyst-jp", [item("Japan's own report on the Indo-Pacific.")], JAPAN_ONLY)
    incident = make_incident(session, narratives=[narrative.id], reports=shared.report_ids[:1])
    session.commit()
    return {
        "narrative": narrative.id,
        "report": shared.report_ids[0],
        "copy": shared.report_ids[1],
        "hidden": hidden.report_ids[0],
        "incident": incident.id,
    }


def test_pages_show_what_the_viewer_may_read(session: Session, web: httpx.Client) -> None:  # noqa: F811
    ids = _world(session)
    assert sign_in(web, "analyst-au").status_code == 303
    inbox = web.get("/fimi")
    assert inbox.status_code == 200
    assert "Confirm" in inbox.text
    assert "tentacles" in inbox.text
    assert "Japan&#39;s own report" not in web.get("/fimi?show=all").text
    report = web.get(f"/fimi/reports/{ids['report']}")
    assert "Lin Jian" in report.text
    assert "TLP:GREEN" in report.text.split("<main")[0]
    assert web.get(f"/fimi/reports/{ids['hidden']}").status_code == 404
    assert web.get("/fimi/reports/4294967299").status_code == 404
    narrative = web.get(f"/fimi/narratives/{ids['narrative']}")
    assert narrative.status_code == 200
    assert "narrative-chart" in narrative.text
    chart = web.get("/fimi/terms", follow_redirects=True)
    assert "<svg" in chart.text
    assert "Indo-Pacific" in chart.text
    assert "chart.csv" in chart.text
    assert "<polyline" in web.get(chart.url.path, params={"by": "outlet"}).text
    clusters = web.get("/fimi/clusters")
    assert (
        f"/fimi/clusters/{ids['copy']}" in clusters.text
        or "Eastern Truth" in web.get(f"/fimi/clusters/{ids['copy']}").text
    )
    incident = web.get(f"/fimi/incidents/{ids['incident']}")
    assert "T0003" in incident.text
    assert "Leverage Existing Narratives" in incident.text
    assert 'id="timeline"' in incident.text
    assert "TLP:AMBER" in incident.text.split("<main")[0]


def test_readers_see_no_forms_and_writers_confirm_through_a_form(session: Session, web: httpx.Client) -> None:  # noqa: F811
    ids = _world(session)
    assert sign_in(web, "reader-kr").status_code == 303
    inbox = web.get("/fimi")
    assert "tentacles" in inbox.text
    assert "Confirm" not in inbox.text
    assert "import-form" not in inbox.text
    web.post("/logout", data={"csrf_token": csrf_from(inbox.text)})
    assert sign_in(web, "liaison").status_code == 303
    page_html = web.get(f"/fimi/reports/{ids['report']}").text
    action = f"/fimi/reports/{ids['report']}/suggestions/{ids['narrative']}"
    done = web.post(action, data={"csrf_token": csrf_from(page_html), "status": "confirmed"})
    assert done.status_code == 303
    assert "confirmed" in web.get(f"/fimi/reports/{ids['report']}").text
    refused = web.post(action, data={"csrf_token": csrf_from(page_html), "status": "maybe"})
    assert refused.status_code == 422


def test_import_through_the_web_lists_refusals(session: Session, web: httpx.Client) -> None:  # noqa: F811
    assert sign_in(web, "liaison").status_code == 303
    lines = orjson.dumps(item()) + b"\n" + orjson.dumps(item() | {"language": "xx", "url": None, "text": "Other."})
    token = csrf_from(web.get("/fimi").text)
    result = web.post(
        "/fimi/import",
        data={"csrf_token": token, "tlp": "green", "releasable_to": "ALLIANCE, AP4"},
        files={"file": ("r.jsonl", lines)},
    )
    assert result.status_code == 200
    assert "1 new" in result.text
    assert "unknown language code" in result.text
    bad = web.post("/fimi/import", data={"csrf_token": token}, files={"file": ("f.rss", b"<a/>")})
    assert bad.status_code == 422
    assert "not an RSS or Atom feed" in bad.text


def test_import_confirm_and_chart_in_chromium(session: Session, page: Page, tmp_path: Path) -> None:  # noqa: F811
    make_narrative(session)
    terms.create_term_set(session, actor(session, "liaison"), data=terms.ASIA_INDO_PACIFIC, accreditation=NS)
    session.commit()
    upload = tmp_path / "reports.jsonl"
    upload.write_bytes(b"\n".join(orjson.dumps(item(days=d, outlet=f"Outlet {d}")) for d in range(2)))
    page.goto("/fimi")
    page.fill("#username", "liaison")
    page.fill("#password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("Media reports")
    page.set_input_files("#file", str(upload))
    page.fill("#releasable_to", "ALLIANCE, AP4")
    page.click("#import-form button[type=submit]")
    expect(page.locator("#import-result")).to_contain_text("1 new, 1 merged")
    page.goto("/fimi")
    first = page.locator(".suggestion").first
    expect(first).to_contain_text("tentacles")
    first.get_by_role("button", name="Confirm").click()
    expect(page.locator(".flash--success")).to_contain_text("confirmed")
    page.click("text=Framing terms")
    expect(page).to_have_url(re.compile(r"/fimi/terms/\d+"))
    expect(page.locator("#term-chart polyline")).to_have_count(2)
    expect(page.locator("#term-chart")).to_contain_text("Indo-Pacific")
    expect(page.locator('[data-banner="top"]')).to_contain_text("TLP:GREEN")


def test_incidents_are_recorded_through_a_form_and_bad_input_keeps_it(session: Session, web: httpx.Client) -> None:  # noqa: F811
    narrative = make_narrative(session)
    session.commit()
    assert sign_in(web, "liaison").status_code == 303
    token = csrf_from(web.get("/fimi/incidents").text)
    form = {
        "csrf_token": token,
        "title": "Tentacles campaign",
        "first_seen": "2026-06-01T09:00:00Z",
        "narrative": str(narrative.id),
        "channels": "Global Courier, Eastern Truth",
        "targets": "JPN, AP4",
        "actors": "Look-alike network | intrusion-set | CHN | state-aligned | 40",
        "techniques": "T0003 | 2026-06-02T00:00:00Z | first wave\nC00008",
        "tlp": "amber",
        "releasable_to": "ALLIANCE, AP4",
    }
    bad_tier = web.post("/fimi/incidents", data=form | {"actors": "x | threat-actor | CHN | proxy | 10"})
    assert bad_tier.status_code == 422
    assert "tier" in bad_tier.text
    assert "Look-alike" not in bad_tier.text
    bad_id = web.post("/fimi/incidents", data=form | {"techniques": "T9999"})
    assert (bad_id.status_code, "unknown DISARM id" in bad_id.text) == (422, True)
    assert 'value="Tentacles campaign"' in bad_id.text
    created = web.post("/fimi/incidents", data=form)
    assert created.status_code == 303
    page_html = web.get(created.headers["location"]).text
    assert "Leverage Existing Narratives" in page_html
    assert "state-aligned" in page_html
