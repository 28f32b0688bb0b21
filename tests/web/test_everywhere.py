"""What every page and interface shares: API docs that work air-gapped, a favicon, GET /logout, readable validation
messages naming every field at once, and the OpenAPI document saying what the fuzzer's three operations accept."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.conftest import LiveServer
from tests.web.conftest import post_form

pytestmark = pytest.mark.parametrize("database", ["sqlite"], indirect=True)


def test_api_docs_are_served_by_the_hub_alone(live_server: LiveServer) -> None:
    with live_server.client() as client:
        docs = client.get("/api/v1/docs")
        assert docs.status_code == 200
        assets = re.findall(r"""(?:src|href)=['"]([^'"]+)['"]""", docs.text)
        assert assets
        for asset in assets:
            assert asset.startswith("/"), asset  # nothing from a CDN or any other host
            assert client.get(asset).status_code == 200, asset
        assert "swagger-ui-bundle.js" in docs.text


def test_favicon_and_logout_by_get(web: httpx.Client) -> None:
    assert web.get("/favicon.ico").headers["content-type"].startswith("image/svg+xml")
    anonymous = web.get("/logout")
    assert anonymous.status_code == 303
    assert anonymous.headers["location"] == "/login"


def test_a_refused_form_names_every_field_at_once_in_words(admin_web: httpx.Client) -> None:
    form = {"username": "Bad Name", "display_name": "", "organisation": "HQ", "roles": "reader", "password": "short"}
    refused = post_form(admin_web, "/directory/users", "/directory/users", form)
    assert refused.status_code == 422
    problems = refused.text.split('role="alert"')[1].split("</div>")[0]
    assert "<strong>username</strong>: use 2-64 lower-case letters" in problems
    assert "<strong>display name</strong>: must not be empty" in problems
    assert "<strong>password</strong>: needs at least 12 characters" in problems
    assert "pattern" not in problems
    assert 'value="Bad Name"' in refused.text  # what was typed stays


def test_openapi_says_what_series_action_and_upload_accept(live_server: LiveServer) -> None:
    with live_server.client() as client:
        schema = client.get("/api/v1/openapi.json").json()
    parts = schema["components"]["schemas"]
    participant = parts["ParticipantIn"]["properties"]
    assert participant["earliest"]["pattern"].startswith("^([01]")
    assert "Asia/Tokyo" in participant["zone"]["anyOf"][0]["enum"]
    series = parts["SeriesCreate"]["properties"]
    assert series["rule"]["pattern"].startswith("^(RRULE:)?FREQ=")
    assert "Pacific/Auckland" in series["anchor_zone"]["enum"]
    assert parts["ActionCreate"]["properties"]["decision_number"]["anyOf"][0]["minimum"] == 1
    upload = schema["paths"]["/api/v1/intel/collections/{ref}/upload"]["post"]
    body = upload["requestBody"]["content"]["multipart/form-data"]["schema"]["$ref"].rsplit("/", 1)[1]
    fields = parts[body]["properties"]
    assert "STIX 2.1 bundle" in fields["file"]["description"]
    assert set(fields) >= {"file", "tlp", "classification", "releasable_to", "recipients"}
    assert "422" in upload["responses"]
