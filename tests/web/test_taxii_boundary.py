"""TAXII and the web interface share a server but not a way in: TAXII takes Basic or Bearer credentials only."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from liaison_hub.app import TaxiiFirst
from tests.conftest import LiveServer

TAXII_ACCEPT = {"Accept": "application/taxii+json;version=2.1"}


def test_a_signed_in_browser_session_is_not_a_taxii_credential(
    admin_web: httpx.Client, live_server: LiveServer
) -> None:
    assert admin_web.get("/intel").status_code == 200  # the cookie works for the web interface
    answer = admin_web.get("/taxii2/", headers=TAXII_ACCEPT)
    assert answer.status_code == 401
    assert answer.headers["content-type"].startswith("application/taxii+json")
    assert answer.json()["http_status"] == "401"
    with live_server.client() as anonymous:
        assert anonymous.get("/taxii2/", headers=TAXII_ACCEPT).status_code == 401


def _dispatch(path: str, root_path: str = "") -> tuple[str, dict[str, Any]]:
    """Which application TaxiiFirst hands a request to, and the scope it hands over."""
    seen: list[tuple[str, dict[str, Any]]] = []

    def recorder(name: str) -> Any:
        async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
            seen.append((name, scope))

        return app

    dispatch = TaxiiFirst(recorder("web"), taxii=recorder("taxii"))
    asyncio.run(dispatch({"type": "http", "path": path, "root_path": root_path}, None, None))  # type: ignore[arg-type]
    assert len(seen) == 1
    return seen[0]


def test_taxii_paths_go_to_the_taxii_application_with_its_root_path() -> None:
    name, scope = _dispatch("/taxii2/api/collections/")
    assert (name, scope["root_path"], scope["path"]) == ("taxii", "/taxii2", "/taxii2/api/collections/")
    assert _dispatch("/taxii2")[0] == "taxii"
    behind_proxy = _dispatch("/hub/taxii2/", root_path="/hub")
    assert (behind_proxy[0], behind_proxy[1]["root_path"]) == ("taxii", "/hub/taxii2")


def test_other_paths_stay_with_the_web_application() -> None:
    for path in ("/", "/taxii2x", "/api/v1/intel/collections", "/intel/taxii2/"):
        assert _dispatch(path)[0] == "web", path
