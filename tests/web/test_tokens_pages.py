"""My API tokens page: a token is shown once, works on the API, and can be revoked by its owner only."""

from __future__ import annotations

import re

import httpx
from sqlalchemy.orm import Session

from liaison_hub.directory import repository as repo
from tests.conftest import LiveServer
from tests.web.conftest import csrf_from, post_form, sign_in

NEW_TOKEN = re.compile(r'<code class="secret" id="new-token">(lh_[^<]+)</code>')


def _create(client: httpx.Client, **form: object) -> httpx.Response:
    return post_form(client, "/me/tokens", "/me/tokens", {"name": "TAXII client", "scopes": ["read"]} | form)


def test_token_is_shown_once_and_works_until_revoked(live_server: LiveServer, analyst_web: httpx.Client) -> None:
    created = _create(analyst_web, scopes=["read", "write"])
    assert created.status_code == 201
    token = NEW_TOKEN.search(created.text)
    assert token is not None
    with live_server.client(token.group(1)) as api:
        assert api.get("/api/v1/me").json()["scopes"] == ["read", "write"]
        listing = analyst_web.get("/me/tokens").text
        assert token.group(1) not in listing
        assert "TAXII client" in listing
        token_id = re.findall(r'action="/me/tokens/(\d+)/revoke"', listing)[-1]
        revoked = analyst_web.post(f"/me/tokens/{token_id}/revoke", data={"csrf_token": csrf_from(listing)})
        assert revoked.status_code == 303
        assert api.get("/api/v1/me").status_code == 401
    assert "revoked" in analyst_web.get("/me/tokens").text


def test_token_scopes_are_limited_by_roles(web: httpx.Client, session: Session) -> None:
    sign_in(web, "reader-kr")
    page = web.get("/me/tokens").text
    assert 'value="write"' not in page
    refused = _create(web, scopes=["read", "write"])
    no_scope = _create(web, scopes=[])
    assert refused.status_code == 403
    assert "do not allow the scopes: write" in refused.text
    assert no_scope.status_code == 422
    account = repo.get_user(session, "reader-kr")
    assert account is not None
    assert repo.list_tokens(session, account.id) == []


def test_nobody_revokes_someone_elses_token_from_their_page(admin_web: httpx.Client, session: Session) -> None:
    analyst = repo.get_user(session, "analyst-jp")
    assert analyst is not None
    seeded = repo.list_tokens(session, analyst.id)[0]
    session.commit()  # end the read transaction: SQLite's writer lock must be free for the server
    page = admin_web.get("/me/tokens").text
    response = admin_web.post(f"/me/tokens/{seeded.id}/revoke", data={"csrf_token": csrf_from(page)})
    missing = admin_web.post("/me/tokens/999999/revoke", data={"csrf_token": csrf_from(page)})
    assert response.status_code == 404
    assert missing.status_code == 404
    assert "not found" in response.text.lower()
    still = repo.get_token(session, seeded.id)
    assert still is not None
    assert still.revoked_at is None
