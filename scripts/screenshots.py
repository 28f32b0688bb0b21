"""Screenshots of the main pages at 1400 px and 390 px wide, in Debian's headless Chromium, on a fresh demo hub.

    scripts/screenshots [OUTPUT_DIR]     (default: var/screenshots; the hub's data go to a temporary directory)

Builds the demo office (as ``liaison demo`` does), adds minutes, a decision and attendance to the first consultation so
that every section has something to show, serves the hub on a free loopback port and saves one full-page PNG per page
and width, named like ``1400-meeting.png``.
"""

from __future__ import annotations

import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

import uvicorn
from playwright.sync_api import Page, sync_playwright

from liaison_hub.app import create_app
from liaison_hub.cli.main import _initialise
from liaison_hub.config import Settings
from liaison_hub.consultations import meetings, service
from liaison_hub.consultations.schemas import AttendanceIn, AttendanceStatus, DecisionCreate, MinutesIn
from liaison_hub.db.engine import create_db_engine, make_session_factory, session_scope
from liaison_hub.directory.auth import acting_as
from liaison_hub.directory.seed import DEMO_PASSWORD
from liaison_hub.policy.levels import parse_classification
from liaison_hub.policy.principal import PrincipalKind

CHROMIUM = "/usr/bin/chromium"
WIDTHS = (1400, 390)
MINUTES = """# Outcome

- JPN-NCC presented the indicator set seen against regional ports.
- **Agreed** to circulate it to the AP4 CERTs within two weeks.
"""


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _enrich(settings: Settings) -> int:
    """Minutes, a decision and attendance on the demo consultation's first meeting; its id."""
    engine = create_db_engine(settings.effective_database_url)
    accreditation = parse_classification(settings.accreditation)
    with session_scope(make_session_factory(engine)) as session:
        actor = acting_as(session, "liaison", accreditation=accreditation, kind=PrincipalKind.demo, source="demo")
        first = service.upcoming(session, actor.principal, limit=1)[0]
        meetings.save_minutes(
            session, actor, meeting_id=first.id, data=MinutesIn(body=MINUTES), accreditation=accreditation
        )
        decision = DecisionCreate(text="Circulate the port indicator set to the AP4 CERTs.")
        meetings.add_decision(session, actor, meeting_id=first.id, data=decision, accreditation=accreditation)
        present = [AttendanceIn(organisation=o, status=AttendanceStatus.present) for o in ("LO-TYO", "JPN-NCC", "HQ")]
        meetings.set_attendance(session, actor, meeting_id=first.id, data=present)
        meeting_id = first.id
    engine.dispose()
    return meeting_id


def _serve(settings: Settings) -> tuple[uvicorn.Server, str]:
    port = _port()
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise SystemExit("the hub did not start")
        time.sleep(0.05)
    return server, f"http://127.0.0.1:{port}"


def _sign_in(page: Page, username: str) -> None:
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_selector(".masthead__account")


def _pages(meeting_id: int, series_id: int, object_path: str) -> dict[str, tuple[str, str]]:
    """Name -> (who looks, path)."""
    return {
        "home": ("liaison", "/"),
        "intel": ("analyst-jp", "/intel"),
        "intel-objects": ("analyst-jp", "/intel/collections/demo"),
        "intel-object": ("analyst-jp", object_path),
        "intel-search": ("analyst-jp", "/intel/search?q=ransomware"),
        "intel-upload": ("analyst-jp", "/intel/collections/demo/upload"),
        "consultations": ("liaison", "/consultations"),
        "series": ("liaison", f"/consultations/series/{series_id}?count=4"),
        "meeting": ("liaison", f"/consultations/meetings/{meeting_id}"),
        "my-actions": ("liaison", "/consultations/actions"),
        "feeds": ("liaison", "/consultations/feeds"),
        "organisations": ("liaison", "/directory/organisations"),
        "organisation": ("liaison", "/directory/organisations/JPN-NCC"),
        "nation": ("liaison", "/directory/nations/JPN"),
        "users": ("admin", "/directory/users"),
        "user-edit": ("admin", "/directory/users/analyst-au"),
        "audit": ("admin", "/audit"),
        "account": ("liaison", "/me"),
        "api-docs": ("liaison", "/api/v1/docs"),
    }


def main(output: Path) -> None:
    output.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as data:
        settings = Settings(data_dir=Path(data), index_worker="thread")  # type: ignore[call-arg]
        _initialise(settings, demo=True)
        meeting_id = _enrich(settings)
        server, url = _serve(settings)
        try:
            _shoot(url, output, meeting_id)
        finally:
            server.should_exit = True
    print(f"screenshots in {output}")


def _shoot(url: str, output: Path, meeting_id: int) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
        for width in WIDTHS:
            sessions: dict[str, Page] = {}
            for user in ("liaison", "analyst-jp", "admin"):
                context = browser.new_context(base_url=url, viewport={"width": width, "height": 900})
                sessions[user] = context.new_page()
                _sign_in(sessions[user], user)
            probe = sessions["liaison"]
            probe.goto(f"/consultations/meetings/{meeting_id}")
            series_id = probe.locator("#top a").get_attribute("href").rsplit("/", 1)[1]  # type: ignore[union-attr]
            sessions["analyst-jp"].goto("/intel/collections/demo?type=malware")
            object_path = sessions["analyst-jp"].locator("#objects tbody a").first.get_attribute("href") or "/intel"
            for name, (user, path) in _pages(meeting_id, int(series_id), object_path).items():
                page = sessions[user]
                page.goto(path)
                page.wait_for_load_state("networkidle")
                page.screenshot(path=str(output / f"{width}-{name}.png"), full_page=True)
        browser.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("var/screenshots"))
