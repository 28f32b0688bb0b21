"""EDT's JSON API over real HTTP: technologies, history, signals and promotion, projects and milestones, the radar
in every format; bad input refused with 422 and a clear message and nothing saved; 404 alike for missing and
hidden; 403 for readers and markings above clearance."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from sqlalchemy.orm import Session

from tests.conftest import LiveServer
from tests.factories import make_token

SHARED = {"tlp": "green", "releasable_to": ["ALLIANCE", "AP4"]}
KOREA = {"tlp": "amber", "releasable_to": ["KOR"]}


def _tokens(session: Session, *users: str) -> dict[str, str]:
    tokens = {u: make_token(session, u) for u in users}
    session.commit()
    return tokens


def _technology(**extra: object) -> dict[str, object]:
    values: dict[str, object] = {
        "name": "Quantum sensing",
        "areas": ["quantum"],
        "readiness": 4,
        "ring": "assess",
        "effective_on": "2025-01-15",
        "marking": SHARED,
    }
    return values | extra


def test_technologies_history_and_the_radar(session: Session, live_server: LiveServer) -> None:
    tokens = _tokens(session, "liaison", "reader-kr", "analyst-au")
    with live_server.client(tokens["liaison"]) as api:
        created = api.post("/api/v1/edt/technologies", json=_technology())
        assert created.status_code == 201, created.text
        tech = created.json()
        korean = api.post(
            "/api/v1/edt/technologies", json=_technology(name="Korean 6G", areas=["networks"], marking=KOREA)
        )
        assert korean.status_code == 201
        moved = api.post(
            f"/api/v1/edt/technologies/{tech['id']}/history",
            json={"effective_on": "2025-04-01", "readiness": 6, "ring": "trial", "reason": "field trial"},
        )
        assert moved.status_code == 201, moved.text
        assert moved.json()["recorded_by"] == "liaison"
    with live_server.client(tokens["analyst-au"]) as api:
        view = api.get("/api/v1/edt/radar", params={"at": "2025-06-01", "since": "2025-03-01"}).json()
        assert [(e["name"], e["ring"], e["moved"]) for e in view["entries"]] == [("Quantum sensing", "trial", 1)]
        assert api.get(f"/api/v1/edt/technologies/{korean.json()['id']}").status_code == 404
        assert api.get("/api/v1/edt/technologies/1").status_code == 404
        listed = api.get("/api/v1/edt/technologies").json()
        assert [(t["name"], t["readiness"]) for t in listed] == [("Quantum sensing", 6)]
        assert api.get("/api/v1/edt/technologies", params={"area": "quantum"}).json() == listed
        assert api.get("/api/v1/edt/technologies", params={"area": "networks"}).json() == []
        assert api.get("/api/v1/edt/technologies", params={"area": "alchemy"}).status_code == 422
        svg = api.get("/api/v1/edt/radar.svg", params={"since": "2025-03-01"})
        assert svg.headers["content-type"].startswith("image/svg+xml")
        assert "Quantum sensing" in svg.text
        assert "Korean 6G" not in svg.text
        zalando = api.get("/api/v1/edt/radar/tech-radar.json", params={"since": "2025-03-01"}).json()
        assert [(e["label"], e["quadrant"], e["ring"], e["moved"]) for e in zalando["entries"]] == [
            ("Quantum sensing", 2, 1, 1)
        ]
        byor = api.get("/api/v1/edt/radar/byor.csv")
        assert byor.headers["content-type"].startswith("text/csv")
        assert [r["name"] for r in csv.DictReader(io.StringIO(byor.text))] == ["Quantum sensing"]
        chart = api.get(f"/api/v1/edt/technologies/{tech['id']}/readiness.svg")
        assert chart.status_code == 200
        assert chart.text.count('class="point"') == 2
    with live_server.client(tokens["reader-kr"]) as api:
        names = {e["name"] for e in api.get("/api/v1/edt/radar").json()["entries"]}
        assert names == {"Quantum sensing", "Korean 6G"}
        refused = api.post("/api/v1/edt/technologies", json=_technology())
        assert refused.status_code == 403


def test_bad_input_is_refused_with_a_clear_message_and_nothing_saved(session: Session, live_server: LiveServer) -> None:
    tokens = _tokens(session, "liaison", "analyst-au")
    future = (date.today() + timedelta(days=5)).isoformat()
    with live_server.client(tokens["liaison"]) as api:
        cases = [
            (_technology(areas=["alchemy"]), "unknown area 'alchemy'"),
            (_technology(readiness=10), "readiness 10 is outside 1-9"),
            (_technology(ring="embrace"), "unknown ring 'embrace'"),
            (_technology(effective_on=future), "is in the future"),
        ]
        for body, message in cases:
            response = api.post("/api/v1/edt/technologies", json=body)
            assert response.status_code == 422, response.text
            assert message in response.json()["detail"]
        assert api.get("/api/v1/edt/technologies").json() == []
        tech = api.post("/api/v1/edt/technologies", json=_technology()).json()
        early = api.post(
            f"/api/v1/edt/technologies/{tech['id']}/history",
            json={"effective_on": "2024-12-31", "readiness": 5, "ring": "trial", "reason": "x"},
        )
        assert early.status_code == 422
        assert "before the technology's first entry" in early.json()["detail"]
        project = {
            "name": "Trial",
            "starts_on": "2025-01-01",
            "ends_on": "2025-12-31",
            "milestones": [{"title": "Late", "due_on": "2026-02-01"}],
            "marking": SHARED,
        }
        late = api.post("/api/v1/edt/projects", json=project)
        assert late.status_code == 422
        assert "outside the project's dates" in late.json()["detail"]
        assert api.get("/api/v1/edt/projects").json() == []
        assert len(api.get(f"/api/v1/edt/technologies/{tech['id']}").json()["history"]) == 1
    with live_server.client(tokens["analyst-au"]) as api:
        secret = api.post(
            "/api/v1/edt/technologies", json=_technology(marking={"tlp": "amber", "classification": "NS"})
        )
        assert secret.status_code == 403
        assert "above your clearance" in secret.json()["detail"]


def test_signals_promotion_and_projects(session: Session, live_server: LiveServer) -> None:
    tokens = _tokens(session, "liaison", "analyst-au")
    with live_server.client(tokens["liaison"]) as api:
        tech = api.post("/api/v1/edt/technologies", json=_technology()).json()
        signal = api.post(
            "/api/v1/edt/signals",
            json={
                "kind": "weak_signal",
                "title": "Drone gravimeter",
                "observed_on": "2025-03-01",
                "confidence": 70,
                "technologies": [tech["id"]],
                "marking": SHARED,
            },
        )
        assert signal.status_code == 201, signal.text
        sid = signal.json()["id"]
        assert [s["id"] for s in api.get("/api/v1/edt/signals", params={"status": "new"}).json()] == [sid]
        promoted = api.post(
            f"/api/v1/edt/signals/{sid}/promote", json={"technology_id": tech["id"], "readiness": 5, "reason": "flew"}
        )
        assert promoted.status_code == 201, promoted.text
        assert (promoted.json()["signal_id"], promoted.json()["readiness"]) == (sid, 5)
        assert api.get("/api/v1/edt/signals", params={"status": "new"}).json() == []
        project = api.post(
            "/api/v1/edt/projects",
            json={
                "name": "Navigation trial",
                "starts_on": "2025-01-01",
                "ends_on": "2026-12-31",
                "organisations": ["JPN-NCC", "AUS-CSC"],
                "nations": ["JPN", "AUS"],
                "milestones": [{"title": "Sea trial", "due_on": "2026-06-30"}],
                "technologies": [tech["id"]],
                "marking": SHARED,
            },
        )
        assert project.status_code == 201, project.text
        body = project.json()
        stone = body["milestones"][0]["id"]
        done = api.put(f"/api/v1/edt/projects/{body['id']}/milestones/{stone}", params={"done": "true"})
        assert done.status_code == 200
        assert done.json()["milestones"][0]["done"] is True
    with live_server.client(tokens["analyst-au"]) as api:
        assert (
            api.put(f"/api/v1/edt/projects/{body['id']}/milestones/{stone}", params={"done": "false"}).status_code
            == 403
        )
        assert api.get(f"/api/v1/edt/projects/{body['id']}").json()["technologies"][0]["title"] == "Quantum sensing"
        assert api.get("/api/v1/edt/areas").json()["quadrants"][3] == "Life sciences"


def test_stix_export_and_import(session: Session, live_server: LiveServer) -> None:
    tokens = _tokens(session, "liaison", "analyst-au")
    with live_server.client(tokens["liaison"]) as api:
        assert api.post("/api/v1/edt/technologies", json=_technology()).status_code == 201
        korean = _technology(name="Korean 6G", areas=["networks"], marking=KOREA)
        assert api.post("/api/v1/edt/technologies", json=korean).status_code == 201
        bundle = api.get("/api/v1/edt/stix")
        assert bundle.headers["content-type"].startswith("application/stix+json")
        again = api.post("/api/v1/edt/import", json=bundle.json())
        assert again.status_code == 409
        assert api.post("/api/v1/edt/import", json={"type": "nope"}).status_code == 422
        assert api.post("/api/v1/edt/share", params={"collection": "missing"}).status_code == 404
    with live_server.client(tokens["analyst-au"]) as api:
        names = {o.get("name") for o in api.get("/api/v1/edt/stix").json()["objects"] if o["type"] == "grouping"}
        assert names == {"Quantum sensing"}
