"""The audit trail narrowed by actor, action, record kind and time, through the JSON API and the administrators'
page; a reader subscribes to a calendar feed through the API as on the web."""

from __future__ import annotations

import httpx
from sqlalchemy.orm import Session

from tests.conftest import LiveServer
from tests.factories import make_token
from tests.web.conftest import sign_in


def test_the_api_filters_entries_and_refuses_a_moment_without_offset(live_server: LiveServer, session: Session) -> None:
    token = make_token(session, "admin")
    session.commit()
    with live_server.client(token) as client:
        users = client.get("/api/v1/audit", params={"entity_type": "user", "limit": 500}).json()
        assert users
        assert {e["entity_type"] for e in users} == {"user"}
        created = client.get("/api/v1/audit", params={"action": "user"}).json()
        assert {e["action"].split(".")[0] for e in created} == {"user"}
        assert client.get("/api/v1/audit", params={"since": "2999-01-01T00:00:00Z"}).json() == []
        naive = client.get("/api/v1/audit", params={"since": "2027-01-01T00:00:00"})
        assert naive.status_code == 422
        assert naive.json()["detail"][0]["field"] == "since"
        assert "time zone offset" in naive.json()["detail"][0]["msg"]


def test_the_audit_page_is_for_administrators_and_filters(web: httpx.Client, live_server: LiveServer) -> None:
    assert sign_in(web, "analyst-jp").status_code == 303
    assert web.get("/audit").status_code == 403
    with live_server.client(follow_redirects=False) as admin:
        assert sign_in(admin, "admin").status_code == 303
        page = admin.get("/audit", params={"entity_type": "organisation"}).text
        rows = page.split('id="audit-entries"')[1].split("</table>")[0]
        assert "organisation.create" in rows
        assert "user.create" not in rows
        refused = admin.get("/audit", params={"since": "yesterday"})
        assert refused.status_code == 422
        assert "from: must be a date" in refused.text


def test_a_reader_subscribes_to_a_feed_through_the_api(live_server: LiveServer, session: Session) -> None:
    token = make_token(session, "reader-kr")
    session.commit()
    with live_server.client(token) as client:
        created = client.post("/api/v1/consultations/feeds", json={})
        assert created.status_code == 201
        assert client.get(created.json()["path"]).status_code == 200
        assert client.delete(f"/api/v1/consultations/feeds/{created.json()['id']}").status_code == 200
        assert client.get(created.json()["path"]).status_code == 404
