"""Directory pages people use daily: an organisation's and a nation's page (people, groupings, what they share with
the viewer, consultations they attend), and changing one's own password (other sessions end)."""

from __future__ import annotations

import httpx
from sqlalchemy.orm import Session

from liaison_hub.directory.seed import DEMO_PASSWORD
from tests.conftest import LiveServer
from tests.consultations.helpers import scheduled_series
from tests.intel_extras.conftest import indicator, make_collection, marked, store
from tests.web.conftest import post_form, sign_in


def _section(page: str, name: str) -> str:
    return page.split(f'id="{name}"')[1].split("</section>")[0]


def test_organisation_and_nation_pages_count_only_what_the_viewer_may_read(
    session: Session, web: httpx.Client, live_server: LiveServer
) -> None:
    make_collection(session)
    store(session, "analyst-jp", [indicator("[domain-name:value = 'a.example']", "open one")])
    store(session, "analyst-jp", marked(indicator("[domain-name:value = 'b.example']", "japan only"), releasable_to=()))
    scheduled_series(session, count=1)
    session.commit()
    assert sign_in(web, "analyst-au").status_code == 303
    page = web.get("/directory/organisations/JPN-NCC").text
    assert "Kenji Analyst" in _section(page, "members")
    assert "AP4" in _section(page, "groupings")
    assert "1 object<" in _section(page, "shared")
    assert "Alliance-AP4 cyber consultation" in _section(page, "consultations")
    nation = web.get("/directory/nations/JPN").text
    assert "JPN-NCC" in _section(nation, "organisations")
    assert "1 object<" in _section(nation, "shared")
    with live_server.client(follow_redirects=False) as japan:
        assert sign_in(japan, "analyst-jp").status_code == 303
        assert "2 objects" in _section(japan.get("/directory/organisations/JPN-NCC").text, "shared")
        assert "Nothing it shared" in _section(japan.get("/directory/organisations/LO-TYO").text, "shared")
    assert web.get("/directory/organisations/NOWHERE").status_code == 404


def test_changing_my_password_ends_my_other_sessions(web: httpx.Client, live_server: LiveServer) -> None:
    assert sign_in(web, "analyst-nz").status_code == 303
    with live_server.client(follow_redirects=False) as elsewhere:
        assert sign_in(elsewhere, "analyst-nz").status_code == 303
        wrong = post_form(web, "/me", "/me/password", {"current": "nope", "new": "x" * 14, "confirm": "x" * 14})
        assert wrong.status_code == 422
        assert "current password" in wrong.text
        differ = {"current": DEMO_PASSWORD, "new": "a-new-password-1", "confirm": "a-new-password-2"}
        assert "the two entries differ" in post_form(web, "/me", "/me/password", differ).text
        same = {"current": DEMO_PASSWORD, "new": "a-new-password-1", "confirm": "a-new-password-1"}
        changed = post_form(web, "/me", "/me/password", same)
        assert changed.status_code == 303
        assert web.get("/me").status_code == 200  # this browser keeps a fresh session
        assert elsewhere.get("/me").status_code == 303  # the other one is signed out
        assert sign_in(elsewhere, "analyst-nz").status_code == 401
        assert sign_in(elsewhere, "analyst-nz", "a-new-password-1").status_code == 303
