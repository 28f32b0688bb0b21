"""Directory JSON API over real HTTP: reads, admin writes, and every bad input refused without a change."""

from __future__ import annotations

import base64

from sqlalchemy.orm import Session

from liaison_hub.policy.principal import Scope
from tests.conftest import LiveServer
from tests.factories import make_token


def test_me_shows_own_profile_with_token_scopes(live_server: LiveServer, session: Session) -> None:
    token = make_token(session, "analyst-jp", Scope.read)
    session.commit()
    with live_server.client(token) as client:
        body = client.get("/api/v1/me").json()
    assert body["username"] == "analyst-jp"
    assert body["nation_code"] == "JPN"
    assert body["scopes"] == ["read"]
    assert body["auth"] == "token"


def test_basic_auth_with_username_and_token(live_server: LiveServer, session: Session) -> None:
    token = make_token(session, "analyst-au", Scope.read)
    session.commit()
    good = base64.b64encode(f"analyst-au:{token}".encode()).decode()
    wrong_user = base64.b64encode(f"analyst-jp:{token}".encode()).decode()
    with live_server.client() as client:
        assert client.get("/api/v1/me", headers={"Authorization": f"Basic {good}"}).status_code == 200
        refused = client.get("/api/v1/me", headers={"Authorization": f"Basic {wrong_user}"})
    assert refused.status_code == 401
    assert "Basic" in refused.headers["www-authenticate"]


def test_nations_cover_iso_and_alliance_groupings(live_server: LiveServer, session: Session) -> None:
    token = make_token(session, "reader-kr")
    session.commit()
    with live_server.client(token) as client:
        nations = client.get("/api/v1/nations").json()
        members = client.get("/api/v1/nations", params={"status": "member"}).json()
        groupings = {g["code"]: g["members"] for g in client.get("/api/v1/groupings").json()}
    assert len(nations) == 249
    assert len(members) == 32
    assert len(groupings["ALLIANCE"]) == 32
    assert groupings["AP4"] == ["AUS", "JPN", "KOR", "NZL"]


def test_admin_creates_organisation_and_duplicate_is_409(live_server: LiveServer, session: Session) -> None:
    token = make_token(session, "admin")
    session.commit()
    new = {"name": "Korea Ministry of Foreign Affairs", "short_name": "KOR-MOFA", "nation_code": "KOR"}
    with live_server.client(token) as client:
        created = client.post("/api/v1/organisations", json=new)
        duplicate = client.post("/api/v1/organisations", json=new)
        listed = client.get("/api/v1/organisations", params={"nation": "KOR"}).json()
    assert created.status_code == 201
    assert duplicate.status_code == 409
    assert duplicate.json()["error"] == "conflict"
    assert [o["short_name"] for o in listed].count("KOR-MOFA") == 1
