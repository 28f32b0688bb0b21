"""``liaison intel import`` on what real files do: TAXII envelopes, refusals grouped by kind with a report of every
id, the exit status of a run that refused anything."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from liaison_hub.cli.import_report import OWN_ID, grouped
from liaison_hub.intel.ingest import CONFLICT, CONFLICT_SENT
from liaison_hub.intel.schemas import ObjectOutcome
from tests.conftest import Database
from tests.intel_extras.conftest import STAMP, indicator, make_collection
from tests.intel_extras.test_cli import _bundle, _stored, run


@pytest.fixture
def shared(session: Session) -> str:
    alias = make_collection(session)
    session.commit()
    return alias


def _campaign(number: int) -> dict[str, Any]:
    """A campaign last seen before it was first seen."""
    return {
        "type": "campaign",
        "spec_version": "2.1",
        "id": f"campaign--8e2e2d2b-17d4-4cbf-938f-{number:012d}",
        "created": STAMP,
        "modified": STAMP,
        "name": f"campaign {number}",
        "first_seen": "2021-01-01T00:00:00Z",
        "last_seen": "2020-01-01T00:00:00Z",
    }


def _report(path: Path) -> list[dict[str, str]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_a_taxii_envelope_is_read_like_a_bundle(
    database: Database, session: Session, tmp_path: Path, shared: str
) -> None:
    objects = [indicator("[ipv4-addr:value = '192.0.2.30']"), indicator("[ipv4-addr:value = '192.0.2.31']")]
    path = tmp_path / "envelope.json"
    path.write_text(json.dumps({"more": False, "objects": objects}))
    lines = tmp_path / "envelopes.jsonl"
    more = indicator("[ipv4-addr:value = '192.0.2.32']")
    lines.write_text(json.dumps({"objects": [more]}) + "\n")
    code, out, _ = run(database, tmp_path, "intel", "import", str(path), str(lines), "-c", shared, "--as", "analyst-jp")
    assert code == 0, out
    assert {o["id"] for o in [*objects, more]} <= {i for i, _ in _stored(session)}


def test_refusals_are_grouped_by_kind_and_every_id_is_in_the_report(
    database: Database, session: Session, tmp_path: Path, shared: str
) -> None:
    bad = [_campaign(n) for n in range(46)]
    good = indicator("[ipv4-addr:value = '192.0.2.33']")
    path = tmp_path / "mixed.json"
    path.write_text(json.dumps(_bundle([*bad, good])))
    report = tmp_path / "refused.jsonl"
    args = ("intel", "import", str(path), "-c", shared, "--as", "analyst-jp", "--report", str(report))
    code, out, _ = run(database, tmp_path, *args)
    assert code == 1, out
    assert "46 object(s) refused and 0 held" in out
    kinds = [line for line in out.splitlines() if "'first_seen'" in line]
    assert len(kinds) == 1, out
    assert kinds[0].split()[0] == "46"
    assert f"e.g. {bad[0]['id']}, {bad[1]['id']}, {bad[2]['id']} and 43 more" in out
    listed = _report(report)
    assert [r["id"] for r in listed] == [o["id"] for o in bad]
    assert {(r["outcome"], r["file"], r["version"]) for r in listed} == {("refused", str(path), STAMP)}
    assert {r["reason"] for r in listed} == {kinds[0].split(maxsplit=1)[1]}
    assert good["id"] in {i for i, _ in _stored(session)}


def test_same_id_and_modified_with_other_content_names_the_object_and_the_version_kept(
    database: Database, session: Session, tmp_path: Path, shared: str
) -> None:
    first = indicator("[ipv4-addr:value = '192.0.2.34']", "first")
    path = tmp_path / "first.json"
    path.write_text(json.dumps(_bundle([first, {**first, "name": "sent second"}])))
    report = tmp_path / "report.jsonl"
    code, out, _ = run(
        database, tmp_path, "intel", "import", str(path), "-c", shared, "--as", "analyst-jp", "--report", str(report)
    )
    assert code == 1, out
    assert "the first one sent is kept" in out
    assert f"e.g. {first['id']}" in out
    assert _report(report) == [
        {"file": str(path), "id": first["id"], "version": STAMP, "outcome": "refused", "reason": CONFLICT_SENT}
    ]
    again = tmp_path / "again.json"
    again.write_text(json.dumps(_bundle([{**first, "name": "edited later"}])))
    code, out, _ = run(database, tmp_path, "intel", "import", str(again), "-c", shared, "--as", "analyst-jp")
    assert code == 1, out
    assert "the stored version is kept" in out
    assert f"e.g. {first['id']}" in out
    assert CONFLICT.startswith("a different object with this id and modified is already stored")


def test_grouping_strips_only_the_objects_own_id() -> None:
    outcomes = [
        ObjectOutcome(f"campaign--{n}", "v", f"ValueError: campaign--{n} 'last_seen' is early") for n in range(3)
    ] + [ObjectOutcome("indicator--1", "v", "references marking-definition--9 (unknown)")]
    assert grouped(outcomes) == [
        (f"ValueError: {OWN_ID} 'last_seen' is early", ["campaign--0", "campaign--1", "campaign--2"]),
        ("references marking-definition--9 (unknown)", ["indicator--1"]),
    ]
