"""EDT pages over HTTP on both databases: the radar, a technology with its chart, the signal inbox and projects
show what the viewer may read (and the banner says the highest marking); writers add technologies, readiness,
signals and projects through the forms; bad input keeps the form with the message (422) and saves nothing."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy.orm import Session

from tests.edt.helpers import FIRST, KOREA_ONLY, add_history, make_project, make_signal, make_technology
from tests.web.conftest import csrf_from, sign_in, web  # noqa: F401  (the web tests' fixtures)

SECRET = {"tlp": "green", "classification": "NC", "releasable_to": ["ALLIANCE", "AP4"]}


def _world(session: Session) -> dict[str, int]:
    shared = make_technology(session, name="Quantum sensing")
    korean = make_technology(session, name="Korean 6G", areas=["networks"], marking=KOREA_ONLY.model_dump())
    add_history(session, shared, FIRST + timedelta(days=30), ring="trial", readiness=6)
    signal = make_signal(session, technologies=[shared.id])
    project = make_project(session, technologies=[shared.id, korean.id])
    session.commit()
    return {"shared": shared.id, "korean": korean.id, "signal": signal.id, "project": project.id}


def test_pages_show_what_the_viewer_may_read(session: Session, web: httpx.Client) -> None:  # noqa: F811
    ids = _world(session)
    assert sign_in(web, "analyst-au").status_code == 303
    radar = web.get("/edt", params={"since": "2025-01-20"})
    assert radar.status_code == 200
    assert "Quantum sensing" in radar.text
    assert "Korean 6G" not in radar.text
    assert "moved in from assess" in radar.text
    assert 'class="edt-radar"' in radar.text
    assert "TLP:GREEN" in radar.text.split("<main")[0]
    tech = web.get(f"/edt/technologies/{ids['shared']}")
    assert tech.status_code == 200
    assert tech.text.count('class="point"') == 2
    assert "Joint quantum navigation trial" in tech.text
    assert web.get(f"/edt/technologies/{ids['korean']}").status_code == 404
    inbox = web.get("/edt/signals")
    assert "Cold-atom gravimeter" in inbox.text
    assert "Promote" in inbox.text
    projects = web.get("/edt/projects")
    assert "Sea trial" in projects.text
    assert "Korean 6G" not in projects.text
    bad_date = web.get("/edt", params={"at": "yesterday"})
    assert bad_date.status_code == 422
    assert "is not a date" in bad_date.text


def test_readers_see_no_forms(session: Session, web: httpx.Client) -> None:  # noqa: F811
    ids = _world(session)
    assert sign_in(web, "reader-kr").status_code == 303
    assert "Korean 6G" in web.get("/edt").text
    assert 'id="technology-form"' not in web.get("/edt").text
    assert 'id="history-form"' not in web.get(f"/edt/technologies/{ids['shared']}").text
    assert "Promote" not in web.get("/edt/signals").text


def test_writers_use_the_forms_and_bad_input_keeps_them(session: Session, web: httpx.Client) -> None:  # noqa: F811
    ids = _world(session)
    assert sign_in(web, "liaison").status_code == 303
    token = csrf_from(web.get("/edt").text)
    form = {
        "csrf_token": token,
        "name": "Solid-state batteries",
        "area": ["energy"],
        "readiness": "5",
        "ring": "trial",
        "effective_on": "2025-02-01",
        "tlp": "green",
        "releasable_to": "ALLIANCE, AP4",
    }
    bad = web.post("/edt/technologies", data=form | {"readiness": "12"})
    assert bad.status_code == 422
    assert "readiness 12 is outside 1-9" in bad.text
    assert "Solid-state batteries" in bad.text  # the form keeps what was typed
    unknown = web.post("/edt/technologies", data=form | {"area": ["alchemy"]})
    assert unknown.status_code == 422
    assert "unknown area" in unknown.text
    assert "Solid-state batteries" not in web.get("/edt").text.split('id="technology-form"')[0]
    created = web.post("/edt/technologies", data=form)
    assert created.status_code == 303
    page = web.get(created.headers["location"])
    assert "Solid-state batteries" in page.text
    path = created.headers["location"]
    early = {"csrf_token": token, "effective_on": "2025-01-01", "readiness": "6", "ring": "trial", "reason": "x"}
    refused = web.post(f"{path}/history", data=early)
    assert refused.status_code == 422
    assert "before the technology&#39;s first entry" in refused.text
    moved = web.post(f"{path}/history", data=early | {"effective_on": "2025-03-01"})
    assert moved.status_code == 303
    promote = {"csrf_token": token, "technology": str(ids["shared"]), "ring": "adopt", "reason": "flown"}
    assert web.post(f"/edt/signals/{ids['signal']}/promote", data=promote).status_code == 303
    assert "No signal you may read" in web.get("/edt/signals").text
    project = {
        "csrf_token": token,
        "name": "Battery pilot",
        "starts_on": "2025-01-01",
        "ends_on": "2025-12-31",
        "milestones": "2026-03-01 | Too late",
        "tlp": "green",
    }
    late = web.post("/edt/projects", data=project)
    assert late.status_code == 422
    assert "outside the project" in late.text
    assert web.post("/edt/projects", data=project | {"milestones": "2025-06-01 | Pilot"}).status_code == 303
    assert "Battery pilot" in web.get("/edt/projects").text
