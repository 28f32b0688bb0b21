"""Every malformed or unauthorised request gets a TAXII error resource with the right status, and stores nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import orjson
import pytest

from tests.intel.stixgen import indicator, malware, tlp
from tests.taxii.conftest import TAXII, TaxiiHub

ENVELOPE = orjson.dumps({"objects": [indicator("192.0.2.1", markings=(tlp("green"),))]})


def stored_count(hub: TaxiiHub) -> int:
    with hub.http("admin") as client:
        body = client.get(f"{hub.collection_url}manifest/", params={"match[version]": "all", "limit": 50}).json()
    return len(body.get("objects", []))


def assert_taxii_error(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == TAXII
    body: dict[str, Any] = response.json()
    assert body["http_status"] == str(status)
    assert body["title"]
    return body


@pytest.fixture
def hub(taxii_hub: TaxiiHub) -> Iterator[TaxiiHub]:
    before = stored_count(taxii_hub)
    yield taxii_hub
    assert stored_count(taxii_hub) == before, "a refused request stored something"


def test_unauthenticated_and_bad_credentials_are_401(hub: TaxiiHub) -> None:
    for headers in ({}, {"Authorization": "Bearer lh_not-a-real-token-0000000000"}, {"Authorization": "Basic !!"}):
        with httpx.Client(base_url=hub.server.url, headers={"Accept": TAXII, **headers}) as client:
            response = client.post(hub.collection_url + "objects/", content=ENVELOPE, headers={"Content-Type": TAXII})
            assert_taxii_error(response, 401)
            assert "Basic" in response.headers["www-authenticate"]
            assert_taxii_error(client.get("/taxii2/"), 401)


def test_a_reader_cannot_write_403(hub: TaxiiHub) -> None:
    with hub.http("reader-kr") as client:
        response = client.post(hub.collection_url + "objects/", content=ENVELOPE, headers={"Content-Type": TAXII})
        assert_taxii_error(response, 403)


@pytest.mark.parametrize(
    "path",
    [
        "/taxii2/nowhere/",
        "/taxii2/hub/collections/unknown/",
        "/taxii2/hub/collections/unknown/objects/",
        "/taxii2/hub/collections/unknown/manifest/",
        "/taxii2/hub/status/unknown/",
        "/taxii2/hub/no/such/path/",
    ],
)
def test_unknown_things_are_404(hub: TaxiiHub, path: str) -> None:
    with hub.http("analyst-jp") as client:
        assert_taxii_error(client.get(path), 404)


def test_posting_to_an_unknown_collection_is_404(hub: TaxiiHub) -> None:
    with hub.http("analyst-jp") as client:
        response = client.post(
            "/taxii2/hub/collections/unknown/objects/", content=ENVELOPE, headers={"Content-Type": TAXII}
        )
        assert_taxii_error(response, 404)


def test_wrong_method_is_405(hub: TaxiiHub) -> None:
    with hub.http("analyst-jp") as client:
        assert_taxii_error(client.put(hub.collection_url + "objects/", content=ENVELOPE), 405)
        assert_taxii_error(client.post("/taxii2/"), 405)


@pytest.mark.parametrize("accept", ["application/json", "application/taxii+json;version=2.0", "text/html"])
def test_unacceptable_media_types_are_406(hub: TaxiiHub, accept: str) -> None:
    with hub.http("analyst-jp") as client:
        assert_taxii_error(client.get(hub.collection_url + "objects/", headers={"Accept": accept}), 406)


@pytest.mark.parametrize("accept", ["application/taxii+json", TAXII, "*/*", "application/taxii+json; version=2.1"])
def test_acceptable_media_types(hub: TaxiiHub, accept: str) -> None:
    with hub.http("analyst-jp") as client:
        response = client.get(hub.collection_url, headers={"Accept": accept})
        assert response.status_code == 200
        assert response.headers["content-type"] == TAXII


@pytest.mark.parametrize("content_type", ["application/json", "text/plain", "application/taxii+json;version=2.0", ""])
def test_wrong_content_types_are_415(hub: TaxiiHub, content_type: str) -> None:
    with hub.http("analyst-jp") as client:
        response = client.post(
            hub.collection_url + "objects/", content=ENVELOPE, headers={"Content-Type": content_type}
        )
        assert_taxii_error(response, 415)


def test_bodies_over_max_content_length_are_413(hub: TaxiiHub) -> None:
    limit = hub.settings.taxii_max_content_length
    big = orjson.dumps({"objects": [malware("x" * 1000) for _ in range(limit // 900)]})
    assert len(big) > limit
    with hub.http("analyst-jp") as client:
        sized = client.post(hub.collection_url + "objects/", content=big, headers={"Content-Type": TAXII})
        assert_taxii_error(sized, 413)
        chunked = client.post(
            hub.collection_url + "objects/", content=iter([big[:1000], big[1000:]]), headers={"Content-Type": TAXII}
        )
        assert_taxii_error(chunked, 413)


@pytest.mark.parametrize(
    ("body", "status"), [(b"{not json", 400), (b"", 400), (b"[1, 2]", 422), (b'{"objects": {}}', 422), (b'"text"', 422)]
)
def test_malformed_envelopes(hub: TaxiiHub, body: bytes, status: int) -> None:
    with hub.http("analyst-jp") as client:
        response = client.post(hub.collection_url + "objects/", content=body, headers={"Content-Type": TAXII})
        assert_taxii_error(response, status)


@pytest.mark.parametrize(
    "params",
    [
        {"added_after": "yesterday"},
        {"added_after": "2024-01-01T00:00:00+01:00"},
        {"match[version]": "newest"},
        {"limit": "many"},
        {"limit": "0"},
        {"limit": "-3"},
        {"next": "forged.cursor"},
        {"match[colour]": "red"},
        {"added_after": ["2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z"]},
    ],
)
def test_bad_filters_are_400_not_500(hub: TaxiiHub, params: dict[str, Any]) -> None:
    with hub.http("analyst-jp") as client:
        for endpoint in ("objects/", "manifest/"):
            assert_taxii_error(client.get(hub.collection_url + endpoint, params=params), 400)


def test_a_next_cursor_is_bound_to_its_query(hub: TaxiiHub) -> None:
    with hub.http("analyst-jp") as client:
        first = client.get(hub.collection_url + "objects/", params={"limit": 2}).json()
        assert first["more"] is True
        again = client.get(hub.collection_url + "objects/", params={"limit": 2, "next": first["next"]})
        assert again.status_code == 200
        other = client.get(
            hub.collection_url + "objects/", params={"limit": 2, "next": first["next"], "match[type]": "identity"}
        )
        assert_taxii_error(other, 400)
        tampered = first["next"][:-3] + ("AAA" if not first["next"].endswith("AAA") else "BBB")
        assert_taxii_error(client.get(hub.collection_url + "objects/", params={"limit": 2, "next": tampered}), 400)


def test_the_json_api_keeps_its_own_error_format(hub: TaxiiHub) -> None:
    with httpx.Client(base_url=hub.server.url) as client:
        response = client.get("/api/v1/me")
        assert response.status_code == 401
        assert response.headers["content-type"].startswith("application/json")
        assert "error" in response.json()
