"""Findings 6 and 8 of the policy-holes issue on the web: every page that writes asks the same service-level
question as the API (a reader gets 403 and nothing is written, on every POST route there is), readers are not shown
forms they may not submit, and a web session ends on the server at sign-out and password change."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from fastapi.routing import APIRoute
from sqlalchemy import text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from liaison_hub.app import create_app
from liaison_hub.cli.main import app as cli
from liaison_hub.cli.main import check_secret
from liaison_hub.config import PLACEHOLDER_SECRET, Settings
from liaison_hub.edt.projects import project_read
from tests.conftest import Database, LiveServer
from tests.consultations.helpers import add_action, add_agenda_item, scheduled_series
from tests.edt.helpers import make_project, make_signal, make_technology
from tests.factories import make_token, principal
from tests.web.conftest import csrf_from, sign_in

SELF_SERVICE = {
    "/login": "anyone signs in",
    "/logout": "anyone signs out",
    "/me/tokens": "a reader makes read tokens for themselves",
    "/me/tokens/{token_id}/revoke": "and revokes their own",
    "/me/password": "anyone changes their own password",
    "/consultations/feeds": "a reader subscribes to what they may read",
    "/consultations/feeds/{feed_id}/revoke": "and revokes their own feeds",
}
WRITTEN = (
    "consultation_series",
    "consultation_meeting",
    "consultation_action_item",
    "consultation_agenda_item",
    "stix_object",
    "intel_collection",
    "organisation",
    "user_account",
    "grouping_member",
    "audit_entry",
    "fimi_report",
    "fimi_suggestion",
    "edt_technology",
    "edt_history",
    "edt_signal",
    "edt_project",
    "edt_milestone",
)


def _routes(routes: list[Any], prefix: str = "") -> list[tuple[str, set[str]]]:
    """Every route of the application, through included routers (FastAPI keeps those as the router included)."""
    found: list[tuple[str, set[str]]] = []
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            found += _routes(inner.routes, prefix + route.include_context.prefix)
        elif isinstance(route, APIRoute):
            found.append((prefix + route.path, set(route.methods)))
    return found


def web_post_routes(settings: Settings) -> list[str]:
    app = create_app(settings)
    paths = {path for path, methods in _routes(app.routes) if "POST" in methods}
    return sorted(p for p in paths if not p.startswith(("/api/", "/taxii2")))


def counts(session: Session) -> dict[str, int]:
    session.rollback()
    found = {table: int(session.scalar(text(f'SELECT count(*) FROM "{table}"')) or 0) for table in WRITTEN}
    session.rollback()
    return found


def test_every_web_write_is_refused_to_a_reader_and_writes_nothing(
    live_server: LiveServer, settings: Settings, session: Session, web: httpx.Client
) -> None:
    _series, meetings = scheduled_series(session, count=1)
    action = add_action(session, "analyst-jp", meetings[0].id, meetings[0].starts_at.date(), owner="KOR-NCSC")
    item = add_agenda_item(session, "analyst-jp", meetings[0].id, "Shared indicators")
    technology = make_technology(session)
    signal = make_signal(session, technologies=[technology.id])
    project = make_project(session)
    milestone_id = project_read(session, principal(session, "liaison"), project.id).milestones[0].id
    admin = make_token(session, "admin")
    session.commit()
    with live_server.client(admin) as client:
        body = {"title": "Shared", "alias": "shared"}
        assert client.post("/api/v1/intel/collections", json=body).status_code == 201
    values = {
        "meeting_id": str(meetings[0].id),
        "action_id": str(action.id),
        "series_id": str(_series.id),
        "ref": "shared",
        "code": "AP4",
        "nation": "JPN",
        "item_id": str(item.id),
        "username": "analyst-jp",
        "report_id": "4294967297",
        "narrative_id": "4294967298",
        "technology_id": str(technology.id),
        "signal_id": str(signal.id),
        "project_id": str(project.id),
        "milestone_id": str(milestone_id),
    }
    assert sign_in(web, "reader-kr").status_code == 303
    token = csrf_from(web.get("/me/tokens").text)
    before = counts(session)
    routes = [r for r in web_post_routes(settings) if r not in SELF_SERVICE]
    assert len(routes) >= 10
    for route in routes:
        path = re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], route)
        uploads = ("upload", "import")
        files: dict[str, Any] = (
            {"file": ("x.json", b'{"type": "bundle", "objects": []}')} if any(u in route for u in uploads) else {}
        )
        answer = web.post(path, data={"csrf_token": token, "title": "x", "nation": "JPN"}, files=files or None)
        assert answer.status_code == 403, (route, answer.status_code)
    assert counts(session) == before


def test_readers_are_not_shown_forms_they_may_not_submit(
    session: Session, web: httpx.Client, live_server: LiveServer
) -> None:
    _series, meetings = scheduled_series(session, count=1)
    add_action(session, "analyst-jp", meetings[0].id, meetings[0].starts_at.date(), owner="KOR-NCSC")
    session.commit()
    assert sign_in(web, "reader-kr").status_code == 303
    assert 'href="/consultations/new"' not in web.get("/consultations").text
    assert web.get("/consultations/new").status_code == 403
    meeting_page = web.get(f"/consultations/meetings/{meetings[0].id}").text
    assert "Add an action" not in meeting_page
    mine = web.get("/consultations/actions").text
    assert "Share indicators" in mine
    assert "/close" not in mine
    with live_server.client(follow_redirects=False) as writer:
        assert sign_in(writer, "analyst-jp").status_code == 303
        assert 'href="/consultations/new"' in writer.get("/consultations").text
        assert "Add an action" in writer.get(f"/consultations/meetings/{meetings[0].id}").text


def test_signing_out_ends_the_session_on_the_server(live_server: LiveServer, web: httpx.Client) -> None:
    assert sign_in(web, "analyst-jp").status_code == 303
    copied = dict(web.cookies)
    assert web.get("/").status_code == 200
    token = csrf_from(web.get("/").text)
    assert web.post("/logout", data={"csrf_token": token}).status_code == 303
    with live_server.client(follow_redirects=False) as replay:
        replay.cookies.update(copied)
        answer = replay.get("/")
        assert answer.status_code == 303
        assert answer.headers["location"].startswith("/login")
        assert replay.get("/api/v1/me").status_code == 401


def test_a_password_change_ends_the_users_sessions(
    live_server: LiveServer, session: Session, web: httpx.Client
) -> None:
    admin = make_token(session, "admin")
    session.commit()
    assert sign_in(web, "analyst-au").status_code == 303
    assert web.get("/").status_code == 200
    with live_server.client(admin) as client:
        changed = client.patch("/api/v1/users/analyst-au", json={"password": "a-brand-new-password-2026"})
    assert changed.status_code == 200, changed.text
    assert web.get("/").status_code == 303
    assert sign_in(web, "analyst-au", "a-brand-new-password-2026").status_code == 303


def test_serve_refuses_the_placeholder_secret_off_loopback(
    database: Database, tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    env = {
        "LIAISON_DATABASE_URL": database.url,
        "LIAISON_DATA_DIR": str(tmp_path),
        "LIAISON_SECRET_KEY": PLACEHOLDER_SECRET,
    }
    result = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0", "--port", "1"], env=env)
    assert result.exit_code == 1
    assert "placeholder" in result.output
    check_secret(database.settings(tmp_path, secret_key=PLACEHOLDER_SECRET), "127.0.0.1")
    assert "placeholder" in capsys.readouterr().err
