"""Bad input to the directory API (over real HTTP) and to the marking policy: the right error, and nothing changed."""

from __future__ import annotations

import base64
import re
import secrets
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from pydantic import ValidationError
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from liaison_hub.db.engine import create_db_engine
from liaison_hub.db.types import utcnow
from liaison_hub.directory.schemas import UserUpdate
from liaison_hub.directory.service import update_user
from liaison_hub.errors import AboveAccreditation, InvalidInput, describe_validation
from liaison_hub.models import ApiToken, Audience, AudienceGrouping, AudienceNation, AudienceRecipient
from liaison_hub.models.consultations import CalendarFeed
from liaison_hub.policy import Marking, audience_for, parse_classification
from liaison_hub.policy.principal import Scope
from liaison_hub.policy.schemas import MarkingIn, resolve_marking
from tests.conftest import SYSTEM_ACTOR, Database, LiveServer
from tests.factories import make_token, organisation_id

TABLES = ("nation", "grouping", "grouping_member", "organisation", "user_account", "api_token", "audit_entry")
IGNORED_COLUMNS = {"last_used_at"}  # touched by every successful sign-in, not by the refused request


def snapshot(database: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every directory and audit row, read in a transaction of its own (SQLite holds one writer at a time)."""
    engine = create_db_engine(database.url)
    found: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as conn:
        for table in TABLES:
            rows = conn.execute(text(f'SELECT * FROM "{table}"')).mappings().all()
            found[table] = sorted(
                tuple(str(v) for k, v in sorted(row.items()) if k not in IGNORED_COLUMNS) for row in rows
            )
    engine.dispose()
    return found


@pytest.fixture
def admin(live_server: LiveServer, session: Session) -> Iterator[httpx.Client]:
    token = make_token(session, "admin")
    session.commit()
    with live_server.client(token) as client:
        yield client


def refused(response: httpx.Response, status: int, error: str, *words: str) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"] == error
    assert all(word in str(body["detail"]) for word in words), body


def test_organisation_of_an_unknown_nation_is_422(admin: httpx.Client, database: Database) -> None:
    before = snapshot(database)
    response = admin.post(
        "/api/v1/organisations", json={"name": "Nowhere", "short_name": "NOWHERE", "nation_code": "XXX"}
    )
    refused(response, 422, "invalid_input", "XXX")
    assert snapshot(database) == before


def test_unknown_nation_is_404_and_a_bad_status_422(admin: httpx.Client, database: Database) -> None:
    before = snapshot(database)
    refused(admin.patch("/api/v1/nations/XXX", json={"status": "member"}), 404, "not_found", "XXX")
    refused(admin.get("/api/v1/nations/XXX"), 404, "not_found")
    assert admin.patch("/api/v1/nations/JPN", json={"status": "ally"}).status_code == 422
    assert admin.patch("/api/v1/nations/JPN", json={"status": "member", "name": "Nippon"}).status_code == 422
    assert snapshot(database) == before


def test_duplicate_organisation_is_409_and_changes_nothing(admin: httpx.Client, database: Database) -> None:
    new = {"name": "Korea Ministry of Foreign Affairs", "short_name": "KOR-MOFA", "nation_code": "KOR"}
    assert admin.post("/api/v1/organisations", json=new).status_code == 201
    before = snapshot(database)
    for clash in (new, new | {"short_name": "KOR-OTHER"}, new | {"name": "Another name"}, new | {"nation_code": None}):
        refused(admin.post("/api/v1/organisations", json=clash), 409, "conflict", "already exists")
    refused(admin.patch("/api/v1/organisations/KOR-MOFA", json={"short_name": "HQ"}), 409, "conflict")
    assert snapshot(database) == before


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/api/v1/groupings/NOPE", None),
        ("PATCH", "/api/v1/groupings/NOPE", {"name": "Nope"}),
        ("PUT", "/api/v1/groupings/NOPE/members/JPN", None),
        ("DELETE", "/api/v1/groupings/NOPE/members/JPN", None),
    ],
)
def test_unknown_grouping_is_404(
    admin: httpx.Client, database: Database, method: str, path: str, body: dict[str, str] | None
) -> None:
    before = snapshot(database)
    refused(admin.request(method, path, json=body), 404, "not_found", "NOPE")
    assert snapshot(database) == before


def test_bad_grouping_changes_are_refused(admin: httpx.Client, database: Database) -> None:
    before = snapshot(database)
    refused(admin.put("/api/v1/groupings/AP4/members/XXX"), 422, "invalid_input", "XXX")
    refused(admin.patch("/api/v1/groupings/AP4", json={"members": ["JPN", "XXX"]}), 422, "invalid_input", "XXX")
    refused(admin.post("/api/v1/groupings", json={"code": "AP4", "name": "Again"}), 409, "conflict")
    refused(
        admin.post("/api/v1/groupings", json={"code": "QUAD", "name": "Q", "members": ["XXX"]}), 422, "invalid_input"
    )
    refused(admin.post("/api/v1/groupings", json={"code": "JPN", "name": "Japan"}), 422, "invalid_input", "nation code")
    assert admin.post("/api/v1/groupings", json={"code": "lower", "name": "Lower"}).status_code == 422
    assert snapshot(database) == before


def _expired_token(session: Session) -> str:
    token = make_token(session, "analyst-jp", Scope.read)
    session.flush()
    newest = session.scalars(select(ApiToken).order_by(ApiToken.id.desc())).first()
    assert newest is not None
    newest.expires_at = utcnow() - timedelta(seconds=1)
    return token


def _revoked_token(session: Session) -> str:
    token = make_token(session, "analyst-jp", Scope.read)
    session.flush()
    newest = session.scalars(select(ApiToken).order_by(ApiToken.id.desc())).first()
    assert newest is not None
    newest.revoked_at = utcnow()
    return token


def _inactive_users_token(session: Session) -> str:
    token = make_token(session, "analyst-au", Scope.read)
    update_user(session, SYSTEM_ACTOR, username="analyst-au", data=UserUpdate(is_active=False))
    return token


def _basic(username: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()}


def test_bad_tokens_all_get_the_same_401(live_server: LiveServer, session: Session, database: Database) -> None:
    expired, revoked, inactive = _expired_token(session), _revoked_token(session), _inactive_users_token(session)
    valid = make_token(session, "reader-kr", Scope.read)
    session.commit()
    unknown = "lh_" + secrets.token_urlsafe(32)
    before = snapshot(database)
    attempts = {
        "expired": {"Authorization": f"Bearer {expired}"},
        "revoked": {"Authorization": f"Bearer {revoked}"},
        "unknown": {"Authorization": f"Bearer {unknown}"},
        "inactive user": {"Authorization": f"Bearer {inactive}"},
        "not a token": {"Authorization": "Bearer hunter2"},
        "basic, expired": _basic("analyst-jp", expired),
        "basic, unknown": _basic("reader-kr", unknown),
        "basic, someone else's token": _basic("analyst-jp", valid),
        "basic, not base64": {"Authorization": "Basic !!!"},
        "unknown scheme": {"Authorization": f"Token {valid}"},
        "no credentials": {},
    }
    with live_server.client() as client:
        answers = {name: client.get("/api/v1/me", headers=headers) for name, headers in attempts.items()}
        assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {valid}"}).status_code == 200
    assert {name: r.status_code for name, r in answers.items()} == dict.fromkeys(attempts, 401)
    bodies = {r.content for r in answers.values()}
    assert len(bodies) == 1, bodies
    assert {r.headers["www-authenticate"] for r in answers.values()} == {
        'Bearer realm="liaison-hub", Basic realm="liaison-hub"'
    }
    assert snapshot(database) == before


def test_read_only_token_cannot_write(live_server: LiveServer, session: Session, database: Database) -> None:
    token = make_token(session, "admin", Scope.read)
    session.commit()
    before = snapshot(database)
    with live_server.client(token) as client:
        assert client.get("/api/v1/organisations").status_code == 200
        new = {"name": "Korea MOFA", "short_name": "KOR-MOFA", "nation_code": "KOR"}
        refused(client.post("/api/v1/organisations", json=new), 403, "forbidden", "admin")
        refused(client.patch("/api/v1/nations/JPN", json={"status": "member"}), 403, "forbidden")
        refused(client.put("/api/v1/groupings/AP4/members/BEL"), 403, "forbidden")
    assert snapshot(database) == before


def test_non_admin_cannot_write_the_directory(live_server: LiveServer, session: Session, database: Database) -> None:
    token = make_token(session, "analyst-jp", Scope.read, Scope.write)
    make_token(session, "admin")
    admins_token = session.scalar(select(func.max(ApiToken.id)))
    session.commit()
    before = snapshot(database)
    with live_server.client(token) as client:
        new = {"name": "Korea MOFA", "short_name": "KOR-MOFA", "nation_code": "KOR"}
        refused(client.post("/api/v1/organisations", json=new), 403, "forbidden")
        refused(client.patch("/api/v1/nations/JPN", json={"status": "member"}), 403, "forbidden")
        refused(client.post("/api/v1/groupings", json={"code": "QUAD", "name": "Quad"}), 403, "forbidden")
        refused(
            client.post("/api/v1/users", json={"username": "x1", "display_name": "X", "organisation": "HQ"}),
            403,
            "forbidden",
        )
        refused(client.patch("/api/v1/users/analyst-jp", json={"roles": ["admin"]}), 403, "forbidden")
        refused(client.post("/api/v1/users/analyst-au/tokens", json={"scopes": ["read"]}), 403, "forbidden")
        refused(client.post("/api/v1/me/tokens", json={"scopes": ["admin"]}), 403, "forbidden", "admin")
        refused(client.delete(f"/api/v1/tokens/{admins_token}"), 404, "not_found")
    assert snapshot(database) == before


def audience_rows(session: Session) -> tuple[int, ...]:
    return tuple(
        session.scalar(select(func.count()).select_from(model)) or 0
        for model in (Audience, AudienceNation, AudienceGrouping, AudienceRecipient)
    )


@pytest.mark.parametrize(("accreditation", "classification"), [("NR", "NS"), ("NR", "NC"), ("NU", "NR"), ("NS", "CTS")])
def test_marking_above_accreditation_is_refused(session: Session, accreditation: str, classification: str) -> None:
    before = audience_rows(session)
    marking = Marking(tlp="amber", classification=classification, releasable_to=("AP4",))
    with pytest.raises(AboveAccreditation, match="above this hub's accreditation"):
        audience_for(session, marking, accreditation=parse_classification(accreditation))
    assert audience_rows(session) == before
    at_ceiling = Marking(tlp="amber", classification=accreditation, releasable_to=("AP4",))
    audience_for(session, at_ceiling, accreditation=parse_classification(accreditation))
    assert audience_rows(session) != before


BAD_MARKINGS: dict[str, tuple[dict[str, Any], str]] = {
    "RED without recipients": ({"tlp": "red"}, "needs named recipients"),
    "recipients with AMBER": ({"tlp": "amber", "recipients": ("JPN-NCC",)}, "only with TLP:RED or TLP:AMBER+STRICT"),
    "recipients with GREEN": ({"tlp": "green", "recipients": ("JPN-NCC",)}, "only with TLP:RED or TLP:AMBER+STRICT"),
    "unknown nation": ({"releasable_to": ("JPN", "XXX")}, "unknown nations or groupings: XXX"),
    "unknown grouping": ({"releasable_to": ("AP4", "PACIFIC-5")}, "unknown nations or groupings: PACIFIC-5"),
    "unknown recipient": ({"tlp": "red", "recipients": (999_999,)}, "unknown recipient organisations: 999999"),
    "unknown owner": ({"owner_organisation_id": 999_999}, "unknown owner organisation 999999"),
}


@pytest.mark.parametrize("case", list(BAD_MARKINGS))
def test_bad_marking_is_refused_and_stores_nothing(session: Session, case: str) -> None:
    fields, message = BAD_MARKINGS[case]
    if fields.get("recipients") and isinstance(fields["recipients"][0], str):
        fields = fields | {"recipients": tuple(organisation_id(session, r) for r in fields["recipients"])}
    before = audience_rows(session)
    with pytest.raises(InvalidInput, match=re.escape(message)):
        audience_for(session, Marking(**fields), accreditation=parse_classification("NS"))
    assert audience_rows(session) == before


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"tlp": "purple"}, "tlp: must be one of clear, green, amber, amber+strict, red"),
        ({"classification": "ULTRA"}, "classification: must be one of NU (NATO UNCLASSIFIED)"),
        ({"tlp": "red", "recipients": ["JPN-NCC", "NOBODY"]}, "unknown recipient organisations: NOBODY"),
    ],
)
def test_bad_api_marking_is_refused(session: Session, fields: dict[str, Any], message: str) -> None:
    with pytest.raises((InvalidInput, ValidationError)) as refused:
        resolve_marking(session, MarkingIn(**fields), owner_organisation_id=None)
    error = refused.value
    assert message in (describe_validation(error) if isinstance(error, ValidationError) else error.message)


def test_ids_no_column_can_hold_are_not_found(admin: httpx.Client, database: Database) -> None:
    before = snapshot(database)
    huge = "99999999999999999999"
    refused(admin.get(f"/api/v1/organisations/{huge}"), 404, "not_found")
    refused(admin.get("/api/v1/organisations/\u00b2"), 404, "not_found")  # a digit int() does not read
    refused(admin.patch(f"/api/v1/organisations/{huge}", json={"name": "X"}), 404, "not_found")
    refused(admin.delete(f"/api/v1/tokens/{huge}"), 404, "not_found")
    assert admin.get("/api/v1/audit", params={"before": huge}).status_code == 422
    assert snapshot(database) == before


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/api/v1/organisations", {"name": "Nul\x00", "short_name": "NUL"}),
        ("POST", "/api/v1/groupings", {"code": "NULS", "name": "a\x00b"}),
        ("POST", "/api/v1/users", {"username": "nul1", "display_name": "a\x00", "organisation": "HQ"}),
        ("PATCH", "/api/v1/users/reader-kr", {"display_name": "\x00"}),
        ("GET", "/api/v1/groupings/A%00B", None),
        ("GET", "/api/v1/nations?q=%00", None),
    ],
)
def test_nul_characters_are_bad_input_on_every_backend(
    admin: httpx.Client, database: Database, method: str, path: str, body: dict[str, str] | None
) -> None:
    before = snapshot(database)
    refused(admin.request(method, path, json=body), 422, "invalid_input", "NUL")
    assert snapshot(database) == before


def test_a_token_cannot_create_a_stronger_token(live_server: LiveServer, session: Session, database: Database) -> None:
    read_only = make_token(session, "analyst-jp", Scope.read)
    admin_read_only = make_token(session, "admin", Scope.read)
    session.commit()
    before = snapshot(database)
    with live_server.client(read_only) as client:
        wider = client.post("/api/v1/me/tokens", json={"scopes": ["read", "write"]})
        refused(wider, 403, "forbidden", "write")
    with live_server.client(admin_read_only) as client:
        refused(client.post("/api/v1/me/tokens", json={"scopes": ["admin"]}), 403, "forbidden", "admin")
    assert snapshot(database) == before
    with live_server.client(read_only) as client:
        same = client.post("/api/v1/me/tokens", json={"scopes": ["read"], "expires_in_days": 7})
    assert same.status_code == 201
    assert same.json()["scopes"] == ["read"]


def test_a_token_cannot_create_a_token_that_outlives_it(
    live_server: LiveServer, session: Session, database: Database
) -> None:
    """Finding 8 of the policy-holes issue: a short-lived token minted one that never expires."""
    short = make_token(session, "analyst-jp", Scope.read, Scope.write, expires_in_days=2)
    session.commit()
    before = snapshot(database)
    with live_server.client(short) as client:
        for body in ({"scopes": ["read"], "expires_in_days": None}, {"scopes": ["read"], "expires_in_days": 3}):
            refused(client.post("/api/v1/me/tokens", json=body), 403, "forbidden", "cannot outlive it")
        assert snapshot(database) == before
        feed = client.post("/api/v1/consultations/feeds", json={})
        within = client.post("/api/v1/me/tokens", json={"scopes": ["read"], "expires_in_days": 1})
    assert feed.status_code == 201, feed.text
    assert within.status_code == 201, within.text
    created = session.scalars(select(ApiToken).where(ApiToken.name == "test")).all()
    assert all(t.expires_at is not None for t in created)
    (made_feed,) = session.scalars(select(CalendarFeed)).all()
    assert made_feed.expires_at is not None
    assert made_feed.expires_at <= max(t.expires_at for t in created if t.expires_at)
