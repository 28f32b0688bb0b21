"""Sign-in, sign-out, CSRF, redirects and error pages of the web interface, over real HTTP on loopback."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import LiveServer
from tests.web.conftest import csrf_from, post_form, sign_in

BANNER_TOP = 'data-banner="top"'
BANNER_BOTTOM = 'data-banner="bottom"'


@pytest.mark.parametrize("path", ["/", "/directory/nations", "/directory/users", "/me/tokens"])
def test_anonymous_visitor_is_sent_to_sign_in(web: httpx.Client, path: str) -> None:
    response = web.get(path)
    assert response.status_code == 303
    expected = "/login" if path == "/" else f"/login?next={path.replace('/', '%2F')}"
    assert response.headers["location"] == expected


def test_sign_in_with_wrong_password_fails_and_grants_nothing(web: httpx.Client) -> None:
    refused = sign_in(web, "admin", "not-the-password")
    unknown = sign_in(web, "nobody", "not-the-password")
    assert refused.status_code == 401
    assert "Unknown username or wrong password." in refused.text
    assert unknown.status_code == 401
    assert unknown.text.count("Unknown username or wrong password.") == 1
    assert web.get("/").status_code == 303


def test_sign_in_then_home_shows_who_i_am(web: httpx.Client) -> None:
    assert sign_in(web, "analyst-jp").headers["location"] == "/"
    home = web.get("/")
    assert home.status_code == 200
    for fact in ("Kenji Analyst", "Japan National Cyber Coordination Centre", "Japan (JPN)", "NATO CONFIDENTIAL"):
        assert fact in home.text
    assert "analyst" in home.text
    assert 'href="/directory"' in home.text


def test_sign_in_goes_back_to_the_page_asked_for_but_never_off_site(web: httpx.Client) -> None:
    token = csrf_from(web.get("/login?next=/directory/groupings").text)
    form = {"csrf_token": token, "username": "reader-kr", "password": "liaison-demo-2026"}
    assert (
        web.post("/login", data=form | {"next": "/directory/groupings"}).headers["location"] == "/directory/groupings"
    )
    token = csrf_from(web.get("/").text)
    web.post("/logout", data={"csrf_token": token})
    token = csrf_from(web.get("/login").text)
    off_site = web.post("/login", data=form | {"csrf_token": token, "next": "//evil.example/x"})
    assert off_site.headers["location"] == "/"


def test_sign_in_without_or_with_a_wrong_csrf_token_is_refused(web: httpx.Client) -> None:
    form = {"username": "admin", "password": "liaison-demo-2026"}
    missing = web.post("/login", data=form)
    web.get("/login")  # the visitor now holds a pre-session token, but not this one
    forged = web.post("/login", data=form | {"csrf_token": "forged"})
    assert missing.status_code == 403
    assert forged.status_code == 403
    assert "text/html" in forged.headers["content-type"]
    assert web.get("/").status_code == 303


def test_sign_in_issues_a_fresh_csrf_token(web: httpx.Client) -> None:
    before = csrf_from(web.get("/login").text)
    sign_in(web, "admin")
    after = csrf_from(web.get("/").text)
    assert before != after
    refused = web.post("/logout", data={"csrf_token": before})
    assert refused.status_code == 403


def test_sign_out_needs_post_with_csrf_and_ends_the_session(admin_web: httpx.Client) -> None:
    asked = admin_web.get("/logout")  # a link followed: asked to confirm, never signed out by a GET
    assert asked.status_code == 200
    assert 'action="/logout"' in asked.text
    assert admin_web.post("/logout", data={}).status_code == 403
    assert admin_web.get("/").status_code == 200
    out = post_form(admin_web, "/", "/logout", {})
    assert out.status_code == 303
    assert out.headers["location"] == "/login"
    assert admin_web.get("/").status_code == 303
    again = admin_web.get("/logout")
    assert again.status_code == 303
    assert again.headers["location"] == "/login"


def test_every_page_has_the_banner_top_and_bottom(admin_web: httpx.Client) -> None:
    for path in ("/", "/directory/nations", "/directory/groupings", "/directory/organisations", "/me/tokens"):
        html = admin_web.get(path).text
        top, bottom = html.find(BANNER_TOP), html.rfind(BANNER_BOTTOM)
        assert 0 < top < html.find("<main") < html.find("</main>") < bottom, path
        assert html.count("NATO UNCLASSIFIED") >= 2
        assert html.count("TLP:CLEAR") >= 2
        assert 'class="banner banner--nu"' in html


def test_unknown_web_path_is_an_html_page_but_the_api_keeps_json(
    live_server: LiveServer, admin_web: httpx.Client
) -> None:
    page = admin_web.get("/no/such/page")
    api = admin_web.get("/api/v1/no-such-thing")
    api_anonymous = httpx.get(f"{live_server.url}/api/v1/me")
    assert page.status_code == 404
    assert "text/html" in page.headers["content-type"]
    assert BANNER_TOP in page.text
    assert BANNER_BOTTOM in page.text
    assert api.status_code == 404
    assert api.json()["error"] == "http_error"
    assert api_anonymous.status_code == 401
    assert api_anonymous.json()["error"] == "unauthenticated"


def test_pages_refuse_framing_and_are_not_cached(admin_web: httpx.Client) -> None:
    response = admin_web.get("/")
    assert response.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["cache-control"] == "no-store"


def test_a_disabled_account_loses_its_session(live_server: LiveServer, admin_web: httpx.Client) -> None:
    with live_server.client(follow_redirects=False) as other:
        assert sign_in(other, "analyst-au").status_code == 303
        forged = admin_web.patch("/api/v1/users/analyst-au", json={"is_active": False})
        assert forged.status_code == 403  # a cookie alone is what a forged cross-site request carries
        assert "X-CSRF-Token" in forged.json()["detail"]
        token = csrf_from(admin_web.get("/directory/users").text)
        off = admin_web.patch("/api/v1/users/analyst-au", json={"is_active": False}, headers={"X-CSRF-Token": token})
        assert off.status_code == 200
        assert other.get("/").status_code == 303
