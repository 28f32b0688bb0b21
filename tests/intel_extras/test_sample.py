"""The demo's STIX sample: marked as promised, loaded once, correlating across partners; and ``liaison demo``
prints a TAXII discovery URL and a credential that the OASIS TAXII client can use at once."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from taxii2client.v21 import Server
from typer.testing import CliRunner

from liaison_hub.cli import main
from liaison_hub.config import Settings
from liaison_hub.intel.correlation import service as correlation
from liaison_hub.intel.sample import COLLECTION, IP, load_sample
from liaison_hub.models import Audience
from liaison_hub.models.intel import StixObject
from liaison_hub.policy.levels import parse_classification
from tests.conftest import TEST_SECRET, LiveServer
from tests.factories import principal
from tests.test_cli import empty_url  # noqa: F401  (fixture: a database with no tables)

NS = parse_classification("NS")


def test_sample_is_marked_loaded_once_and_correlates(session: Session) -> None:
    assert load_sample(session, accreditation=NS) is True
    assert load_sample(session, accreditation=NS) is False
    rows = session.execute(select(StixObject.type, Audience.tlp, Audience.classification).join(Audience)).all()
    markings = {(tlp, level) for kind, tlp, level in rows if kind not in ("marking-definition", "extension-definition")}
    assert {("clear", "NU"), ("green", "NU"), ("amber", "NU"), ("amber+strict", "NU"), ("amber", "NR")} <= markings
    assert {"indicator", "malware", "identity", "relationship", "sighting", "ipv4-addr"} <= {r[0] for r in rows}
    seen = {
        user: correlation.search(session, principal(session, user), value=IP).count
        for user in ("analyst-jp", "analyst-be", "reader-kr")
    }
    assert seen == {"analyst-jp": 3, "analyst-be": 3, "reader-kr": 2}  # reader-kr is not cleared for NR


def test_demo_prints_taxii_discovery_and_a_ready_credential(
    empty_url: str,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    served: list[tuple[int, bool | None]] = []
    monkeypatch.setattr(main, "_serve", lambda settings, host, port, access_log: served.append((port, access_log)))
    env = {
        "LIAISON_DATABASE_URL": empty_url,
        "LIAISON_DATA_DIR": str(tmp_path),
        "LIAISON_SECRET_KEY": TEST_SECRET,
        "COLUMNS": "250",
    }
    result = CliRunner().invoke(main.app, ["demo", "--port", "18123"], env=env)
    assert result.exit_code == 0, result.output
    assert served == [(18123, True)], "the demo serves on the asked port and logs each request"
    assert "http://127.0.0.1:18123/taxii2/" in result.output
    token = result.output.split("TAXII client:   user analyst-jp, password ")[1].split()[0]
    settings = Settings(database_url=empty_url, data_dir=tmp_path, secret_key=TEST_SECRET)  # type: ignore[call-arg]
    with LiveServer(settings) as server:
        discovery = Server(f"{server.url}/taxii2/", user="analyst-jp", password=token)
        [api_root] = discovery.api_roots
        titles = {c.title: c for c in api_root.collections}
        demo = next(c for title, c in titles.items() if title.startswith("Demo"))
        assert demo.can_read
        objects = demo.get_objects()["objects"]
        assert any(o.get("name") == "ShadowLantern beacon" for o in objects)
    assert COLLECTION == "demo"
