"""Findings 3, 4, 5, 7 and 8 of the policy-holes issue, each through the interface where it was found (the JSON API,
TAXII, the web pages), on SQLite and PostgreSQL: the audit trail shows nothing of a record its reader may not read,
only the owner re-marks, nobody writes above their clearance, numbers and ids count only what the reader may see,
every read path is audited, and sessions and tokens end when they should."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from liaison_hub.db.types import RANDOM_ID_FLOOR
from liaison_hub.models import AuditEntry
from liaison_hub.models.consultations import ConsultationSeries, Minutes
from liaison_hub.policy.principal import Role
from tests.conftest import LiveServer
from tests.factories import make_token, make_user
from tests.intel.stixgen import hub_marking, indicator, tlp
from tests.taxii.conftest import TAXII

JAPAN_ONLY = {"tlp": "amber", "releasable_to": ["JPN"]}
AP4_BEL = {"tlp": "amber", "releasable_to": ["BEL", "AP4"]}
PARTICIPANTS = ["BEL-CCB", "JPN-NCC", "AUS-CSC", "KOR-NCSC", "NZL-NCSC"]


def series_body(title: str, marking: dict[str, Any], participants: list[str], **extra: Any) -> dict[str, Any]:
    return {
        "title": title,
        "rule": "FREQ=MONTHLY;INTERVAL=3;BYDAY=WE;BYSETPOS=2",
        "first_date": "2027-01-01",
        "anchor_zone": "UTC",
        "participants": [{"organisation": o} for o in participants],
        "marking": marking,
        **extra,
    }


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def scheduled(client: httpx.Client, body: dict[str, Any], count: int = 2) -> tuple[int, list[int]]:
    series_id = ok(client.post("/api/v1/consultations/series", json=body), 201)["id"]
    ok(client.post(f"/api/v1/consultations/series/{series_id}/schedule", json={"count": count, "apply": True}))
    table = ok(client.get(f"/api/v1/consultations/series/{series_id}/occurrences"))
    return series_id, [m["id"] for m in table]


@pytest.fixture
def tokens(session: Session) -> dict[str, str]:
    make_user(session, "admin-jp", "JPN-NCC", Role.admin, clearance="NS")
    found = {u: make_token(session, u) for u in ("admin", "admin-jp", "analyst-jp", "analyst-au", "reader-kr")}
    session.commit()
    return found


@pytest.fixture
def clients(live_server: LiveServer, tokens: dict[str, str]) -> Iterator[dict[str, httpx.Client]]:
    opened = {user: live_server.client(token) for user, token in tokens.items()}
    yield opened
    for client in opened.values():
        client.close()


def _japan_only_records(japan: httpx.Client, live_server: LiveServer, taxii_collection: str) -> set[str]:
    """Marked records of every kind, each with a telltale in its content; returns the telltales and ids."""
    series_id, meetings = scheduled(
        japan, series_body("SECRET-SERIES-TITLE", JAPAN_ONLY, ["JPN-NCC", "JPN-MOFA"]), count=2
    )
    meeting = meetings[0]
    ok(japan.patch(f"/api/v1/consultations/meetings/{meeting}", json={"location": "SECRET-LOCATION"}))
    agenda = ok(japan.post(f"/api/v1/consultations/meetings/{meeting}/agenda", json={"title": "SECRET-AGENDA"}), 201)
    minutes = ok(japan.put(f"/api/v1/consultations/meetings/{meeting}/minutes", json={"body": "SECRET-MINUTES"}))
    decision = ok(
        japan.post(f"/api/v1/consultations/meetings/{meeting}/decisions", json={"text": "SECRET-DECISION"}), 201
    )
    action = {"title": "SECRET-ACTION", "owner": "JPN-NCC", "due_on": "2027-12-31"}
    action_id = ok(japan.post(f"/api/v1/consultations/meetings/{meeting}/actions", json=action), 201)["id"]
    rel_jpn, red = hub_marking(releasable_to=("JPN",)), hub_marking(recipients=("JPN-NCC",))
    amber = indicator("192.0.2.200", markings=(tlp("amber"), rel_jpn["id"]), description="SECRET-INDICATOR")
    restricted = indicator("192.0.2.201", markings=(tlp("red"), red["id"]), description="SECRET-RED")
    headers = {"Accept": TAXII, "Content-Type": TAXII}
    url = f"/taxii2/hub/collections/{taxii_collection}/objects/"
    ok(japan.post(url, json={"objects": [rel_jpn, red, amber, restricted]}, headers=headers), 202)
    ok(japan.get(url, headers={"Accept": TAXII}))  # reads of RED objects are audited
    ok(japan.get("/api/v1/intel/search", params={"value": "192.0.2.201"}))
    ids = {str(series_id), *map(str, meetings), str(agenda["id"]), str(minutes["id"]), str(decision["id"])}
    return ids | {str(action_id), amber["id"], restricted["id"]}


@pytest.fixture
def taxii_collection(clients: dict[str, httpx.Client]) -> str:
    body = {"title": "Shared", "alias": "shared", "default_marking": AP4_BEL}
    return str(ok(clients["admin"].post("/api/v1/intel/collections", json=body), 201)["alias"])


def test_the_audit_trail_shows_nothing_of_records_its_reader_may_not_read(
    clients: dict[str, httpx.Client], live_server: LiveServer, taxii_collection: str, session: Session
) -> None:
    telltales = _japan_only_records(clients["analyst-jp"], live_server, taxii_collection)
    for admin in ("admin", "admin-jp"):
        entries = ok(clients[admin].get("/api/v1/audit", params={"limit": 500}))
        text = json.dumps(entries)
        assert "SECRET-" not in text, admin  # no content, ever
        shown = set(re.findall(r"[\w-]+", text))
        if admin == "admin":  # an alliance body: REL TO JPN is not for it
            assert not (telltales & shown), telltales & shown
        else:  # a Japanese administrator may read the records, and sees the entries about them
            assert {e["action"] for e in entries} >= {"consultation.minutes.save", "intel.read"}
    shown_to_admin = len(ok(clients["admin"].get("/api/v1/audit", params={"limit": 500})))
    session.rollback()
    assert (session.scalar(select(func.count()).select_from(AuditEntry)) or 0) > shown_to_admin
    session.rollback()


def test_a_status_resource_is_for_its_requester_only(clients: dict[str, httpx.Client], taxii_collection: str) -> None:
    headers = {"Accept": TAXII, "Content-Type": TAXII}
    posted = clients["analyst-jp"].post(
        f"/taxii2/hub/collections/{taxii_collection}/objects/",
        json={"objects": [indicator("192.0.2.210")]},
        headers=headers,
    )
    status_url = f"/taxii2/hub/status/{ok(posted, 202)['id']}/"
    assert clients["analyst-jp"].get(status_url, headers={"Accept": TAXII}).status_code == 200
    assert clients["admin"].get(status_url, headers={"Accept": TAXII}).status_code == 404


def test_only_the_owner_re_marks_a_meeting_and_the_change_is_audited(
    clients: dict[str, httpx.Client], session: Session
) -> None:
    _, meetings = scheduled(clients["analyst-jp"], series_body("Cyber", AP4_BEL, PARTICIPANTS))
    url = f"/api/v1/consultations/meetings/{meetings[0]}"
    lowered = clients["analyst-au"].patch(url, json={"marking": {"tlp": "clear"}})
    assert lowered.status_code == 403
    assert "owns" in lowered.json()["detail"]
    assert ok(clients["analyst-au"].patch(url, json={"location": "Canberra"}))["location"] == "Canberra"
    assert ok(clients["reader-kr"].get(url))["meeting"]["marking"]["tlp"] == "amber"
    remarked = ok(clients["analyst-jp"].patch(url, json={"marking": JAPAN_ONLY}))
    assert remarked["marking"]["owner"] == "JPN-NCC"
    assert clients["reader-kr"].get(url).status_code == 404
    session.rollback()
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "consultation.meeting.remark")).one()
    assert entry.details["marking_from"].endswith("REL TO AP4, BEL")
    assert entry.details["marking"].endswith("REL TO JPN")


def test_nobody_writes_above_their_clearance(clients: dict[str, httpx.Client], session: Session) -> None:
    australian = clients["analyst-au"]  # cleared NR
    secret = series_body("Above", {"tlp": "amber", "classification": "NS", "releasable_to": ["AP4"]}, ["AUS-CSC"])
    refused = australian.post("/api/v1/consultations/series", json=secret)
    assert refused.status_code == 403
    assert "above your clearance" in refused.json()["detail"]
    _, meetings = scheduled(clients["analyst-jp"], series_body("Cyber", AP4_BEL, PARTICIPANTS))
    minutes = {"body": "x", "marking": {"tlp": "amber", "classification": "NS", "releasable_to": ["AP4"]}}
    assert australian.put(f"/api/v1/consultations/meetings/{meetings[0]}/minutes", json=minutes).status_code == 403
    session.rollback()
    assert (
        session.scalar(select(func.count()).select_from(ConsultationSeries).where(ConsultationSeries.title == "Above"))
        == 0
    )
    assert session.scalar(select(func.count()).select_from(Minutes)) == 0


def test_numbers_and_positions_count_only_what_the_reader_may_see(clients: dict[str, httpx.Client]) -> None:
    japan = clients["analyst-jp"]
    series_id, meetings = scheduled(japan, series_body("Cyber", AP4_BEL, PARTICIPANTS))
    assert series_id >= RANDOM_ID_FLOOR
    assert all(m >= RANDOM_ID_FLOOR for m in meetings)
    url = f"/api/v1/consultations/meetings/{meetings[0]}"
    for text, marking in (("first", None), ("japan only", JAPAN_ONLY), ("third", None)):
        body = {"text": text} | ({"marking": marking} if marking else {})
        ok(japan.post(f"{url}/decisions", json=body), 201)
        ok(japan.post(f"{url}/agenda", json={"title": text} | ({"marking": marking} if marking else {})), 201)
    korean = ok(clients["reader-kr"].get(url))
    assert [(d["number"], d["text"]) for d in korean["decisions"]] == [(1, "first"), (2, "third")]
    assert [(a["position"], a["title"]) for a in korean["agenda"]] == [(1, "first"), (2, "third")]
    japanese = ok(japan.get(url))
    assert [d["number"] for d in japanese["decisions"]] == [1, 2, 3]
    action = {"title": "Act on it", "owner": "KOR-NCSC", "due_on": "2027-12-31", "decision_number": 2}
    linked = ok(japan.post(f"{url}/actions", json=action), 201)
    assert linked["decision_number"] == 2  # the writer's number 2: "japan only"
    (as_korea,) = [a for a in ok(clients["reader-kr"].get(url))["actions"] if a["id"] == linked["id"]]
    assert as_korea["decision_number"] is None  # a decision the reader may not see is neither named nor numbered
