"""Directory pages over real HTTP: lists and filters for everyone signed in, forms for admins only."""

from __future__ import annotations

import re

import httpx
from sqlalchemy.orm import Session

from liaison_hub.directory import repository as repo
from tests.conftest import LiveServer
from tests.web.conftest import csrf_from, post_form, sign_in

NEW_ORG = {"name": "Korea Ministry of Foreign Affairs", "short_name": "KOR-MOFA", "nation_code": "kor"}


def _codes(html: str) -> set[str]:
    return set(re.findall(r"<td><code>([A-Z]{3})</code></td>", html))


def test_nations_filter_by_status_and_name(analyst_web: httpx.Client) -> None:
    partners = _codes(analyst_web.get("/directory/nations", params={"status": "partner"}).text)
    members = _codes(analyst_web.get("/directory/nations", params={"status": "member", "q": ""}).text)
    search = _codes(analyst_web.get("/directory/nations", params={"q": "zealand"}).text)
    assert partners == {"AUS", "JPN", "KOR", "NZL"}
    assert len(members) == 32
    assert "BEL" in members
    assert "JPN" not in members
    assert search == {"NZL"}
    assert len(_codes(analyst_web.get("/directory/nations").text)) == 249


def test_nations_with_an_unknown_status_is_an_html_422(analyst_web: httpx.Client) -> None:
    response = analyst_web.get("/directory/nations", params={"status": "ally"})
    assert response.status_code == 422
    assert "text/html" in response.headers["content-type"]
    assert "unknown status" in response.text


def test_admin_adds_an_organisation_through_the_form(admin_web: httpx.Client, session: Session) -> None:
    added = post_form(admin_web, "/directory/organisations", "/directory/organisations", NEW_ORG)
    assert added.status_code == 303
    assert added.headers["location"] == "/directory/organisations"
    listing = admin_web.get("/directory/organisations").text
    assert "Organisation KOR-MOFA added." in listing
    assert "Korea Ministry of Foreign Affairs" in listing
    org = repo.get_organisation(session, "KOR-MOFA")
    assert org is not None
    assert org.nation_code == "KOR"


def test_duplicate_or_bad_organisation_is_refused_with_the_form_kept(admin_web: httpx.Client, session: Session) -> None:
    post_form(admin_web, "/directory/organisations", "/directory/organisations", NEW_ORG)
    duplicate = post_form(admin_web, "/directory/organisations", "/directory/organisations", NEW_ORG)
    unknown_nation = post_form(
        admin_web,
        "/directory/organisations",
        "/directory/organisations",
        NEW_ORG | {"short_name": "X", "nation_code": "XXX"},
    )
    empty = post_form(admin_web, "/directory/organisations", "/directory/organisations", {})
    assert duplicate.status_code == 409
    assert "already exists" in duplicate.text
    assert 'value="Korea Ministry of Foreign Affairs"' in duplicate.text
    assert unknown_nation.status_code == 422
    assert "XXX" in unknown_nation.text
    assert empty.status_code == 422
    assert "short name" in empty.text
    assert [o.short_name for o in repo.list_organisations(session)].count("KOR-MOFA") == 1
    assert repo.get_organisation(session, "X") is None


def test_non_admin_cannot_add_and_sees_no_form(analyst_web: httpx.Client, session: Session) -> None:
    page = analyst_web.get("/directory/organisations").text
    refused = analyst_web.post("/directory/organisations", data={"csrf_token": csrf_from(page), **NEW_ORG})
    assert 'action="/directory/organisations"' not in page
    assert refused.status_code == 403
    assert "text/html" in refused.headers["content-type"]
    assert "only an administrator" in refused.text
    assert repo.get_organisation(session, "KOR-MOFA") is None


def test_admin_form_without_csrf_token_is_refused(admin_web: httpx.Client, session: Session) -> None:
    missing = admin_web.post("/directory/organisations", data=NEW_ORG)
    wrong = admin_web.post("/directory/organisations", data=NEW_ORG | {"csrf_token": "x" * 43})
    assert missing.status_code == 403
    assert wrong.status_code == 403
    assert repo.get_organisation(session, "KOR-MOFA") is None


def test_anonymous_post_goes_to_sign_in_and_changes_nothing(web: httpx.Client, session: Session) -> None:
    token = csrf_from(web.get("/login").text)
    response = web.post("/directory/organisations", data={"csrf_token": token, **NEW_ORG})
    assert response.status_code == 303
    assert response.headers["location"] == "/login"
    assert repo.get_organisation(session, "KOR-MOFA") is None


def test_admin_adds_a_user_who_can_then_sign_in(live_server: LiveServer, admin_web: httpx.Client) -> None:
    form = {
        "username": "akiko.sato",
        "display_name": "Akiko Sato",
        "organisation": "LO-TYO",
        "roles": ["liaison_officer", "analyst"],
        "clearance": "NC",
        "timezone": "Asia/Tokyo",
        "password": "a-long-enough-password",
    }
    assert post_form(admin_web, "/directory/users", "/directory/users", form).status_code == 303
    assert "Akiko Sato" in admin_web.get("/directory/users").text
    with live_server.client(follow_redirects=False) as newcomer:
        assert sign_in(newcomer, "akiko.sato", "a-long-enough-password").status_code == 303
        home = newcomer.get("/").text
    assert "Alliance Liaison Office Tokyo" in home
    assert "NATO CONFIDENTIAL" in home
    assert "liaison_officer" in home


def test_bad_user_form_is_refused_and_names_the_problem(admin_web: httpx.Client, session: Session) -> None:
    form = {"username": "bob", "display_name": "Bob", "organisation": "HQ", "roles": ["reader"], "password": "short"}
    short = post_form(admin_web, "/directory/users", "/directory/users", form)
    no_org = post_form(
        admin_web, "/directory/users", "/directory/users", form | {"password": "x" * 12, "organisation": "NOPE"}
    )
    duplicate = post_form(
        admin_web, "/directory/users", "/directory/users", form | {"username": "admin", "password": "x" * 12}
    )
    assert short.status_code == 422
    assert "password" in short.text
    assert no_org.status_code == 404
    assert "unknown organisation" in no_org.text
    assert duplicate.status_code == 409
    assert repo.get_user(session, "bob") is None


def test_groupings_list_members_for_everyone(analyst_web: httpx.Client) -> None:
    html = analyst_web.get("/directory/groupings").text
    ap4 = html[html.index('id="members-AP4"') :]
    assert [c for c in re.findall(r"<code>([A-Z]{3})</code>", ap4)][:4] == ["AUS", "JPN", "KOR", "NZL"]
    assert "/members/JPN/remove" not in html
    assert "Add nation" not in html


def test_admin_adds_and_removes_grouping_members_with_plain_forms(admin_web: httpx.Client, session: Session) -> None:
    added = post_form(admin_web, "/directory/groupings", "/directory/groupings/AP4/members", {"nation": "gbr"})
    assert added.status_code == 303
    assert added.headers["location"] == "/directory/groupings#grouping-AP4"
    assert "GBR is now a member of AP4." in admin_web.get("/directory/groupings").text
    removed = post_form(admin_web, "/directory/groupings", "/directory/groupings/AP4/members/JPN/remove", {})
    assert removed.status_code == 303
    group = repo.get_grouping(session, "AP4")
    assert group is not None
    assert sorted(m.nation_code for m in group.members) == ["AUS", "GBR", "KOR", "NZL"]


def test_htmx_member_change_answers_with_the_members_block_only(admin_web: httpx.Client) -> None:
    token = csrf_from(admin_web.get("/directory/groupings").text)
    htmx = {"HX-Request": "true"}
    response = admin_web.post(
        "/directory/groupings/AP4/members", data={"nation": "CAN"}, headers=htmx | {"X-CSRF-Token": token}
    )
    assert response.status_code == 200
    assert "<html" not in response.text
    assert response.text.lstrip().startswith('<div class="members" id="members-AP4">')
    assert "<code>CAN</code>" in response.text
    assert 'hx-swap-oob="true"' in response.text
    assert "CAN is now a member of AP4." in response.text
    bad = admin_web.post("/directory/groupings/AP4/members", data={"nation": "XXX", "csrf_token": token}, headers=htmx)
    assert bad.status_code == 422
    assert bad.headers["hx-retarget"] == "#flash-area"
    assert "unknown nation codes: XXX" in bad.text


def test_member_change_errors_and_refusals(admin_web: httpx.Client, live_server: LiveServer) -> None:
    unknown_grouping = post_form(
        admin_web, "/directory/groupings", "/directory/groupings/NOPE/members", {"nation": "JPN"}
    )
    assert unknown_grouping.status_code == 404
    assert "unknown grouping" in unknown_grouping.text
    with live_server.client(follow_redirects=False) as reader:
        sign_in(reader, "reader-kr")
        refused = post_form(reader, "/directory/groupings", "/directory/groupings/AP4/members/KOR/remove", {})
    assert refused.status_code == 403
    assert "<code>KOR</code>" in admin_web.get("/directory/groupings").text
