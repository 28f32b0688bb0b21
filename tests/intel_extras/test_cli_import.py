"""``liaison intel import`` on what real files do: marking-definitions placed last (ATT&CK) or in the middle (CAPEC),
a reference to a definition that does not exist (the OASIS examples), TAXII envelopes, refusals grouped by kind with
a report of every id, the exit status of a run that refused or held anything. The published files are read from
``../shared/corpus/`` (tests/corpus_files.py); the tests that need them skip where it is absent."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from liaison_hub.cli.import_report import OWN_ID, grouped
from liaison_hub.intel.ingest import CONFLICT, CONFLICT_SENT
from liaison_hub.intel.schemas import ObjectOutcome
from liaison_hub.models import Audience
from liaison_hub.models.intel import StixObject
from tests.conftest import TEST_SECRET, Database
from tests.corpus_files import corpus_file
from tests.intel.stixgen import hub_marking
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


def _script(database: Database, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The installed ``liaison`` console script, as a user runs it."""
    env = os.environ | {"LIAISON_DATABASE_URL": database.url, "LIAISON_DATA_DIR": str(tmp_path), "COLUMNS": "250"}
    env |= {"LIAISON_SECRET_KEY": TEST_SECRET, "LIAISON_ACCREDITATION": "NS"}
    script = Path(sys.executable).with_name("liaison")
    return subprocess.run([script, *args], env=env, capture_output=True, text=True, timeout=600)


def _marking_of_each(session: Session, ids: set[str]) -> dict[bool, int]:
    """How many of these objects are held (owner-only) and how many are not."""
    session.rollback()
    stmt = (
        select(Audience.owner_only, func.count())
        .join(StixObject, StixObject.audience_id == Audience.id)
        .where(StixObject.stix_id.in_(ids))
        .group_by(Audience.owner_only)
    )
    found = {bool(owner_only): int(count) for owner_only, count in session.execute(stmt)}
    session.rollback()
    return found


@pytest.mark.parametrize(("name", "position"), [("attack-mobile-17.1.json", "last"), ("capec.json", "1,500th")])
def test_a_published_bundle_whose_definition_comes_late_is_stored_whole_and_marked(
    database: Database, session: Session, tmp_path: Path, shared: str, name: str, position: str
) -> None:
    path = corpus_file(name)
    objects = json.loads(path.read_bytes())["objects"]
    definitions = [i for i, o in enumerate(objects) if o["type"] == "marking-definition"]
    assert definitions, position
    assert definitions[0] > 1000  # past the first batch: the case the issue reported
    report = tmp_path / "report.jsonl"
    args = ("intel", "import", str(path), "-c", shared, "--as", "analyst-au", "--report", str(report))
    done = _script(database, tmp_path, *args)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"│ {len(objects)} " in done.stdout
    assert report.read_text() == ""
    ids = {o["id"] for o in objects}
    assert _marking_of_each(session, ids) == {False: len(objects)}
    jp = _script(database, tmp_path, "intel", "export", "--as", "analyst-jp", "-c", shared)
    assert ids <= {o["id"] for o in json.loads(jp.stdout)["objects"]}  # AMBER, REL TO ALLIANCE and AP4 by default


def test_an_object_whose_definition_never_comes_is_held_and_the_run_says_so(
    database: Database, session: Session, tmp_path: Path, shared: str
) -> None:
    path = corpus_file("oasis-examples.json")
    objects = json.loads(path.read_bytes())["objects"]
    typo = "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ec"  # TLP:RED's id, mistyped by the publisher
    waiting = [o["id"] for o in objects if typo in o.get("object_marking_refs", ())]
    report = tmp_path / "report.jsonl"
    args = ("intel", "import", str(path), "-c", shared, "--as", "analyst-au", "--report", str(report))
    done = _script(database, tmp_path, *args)
    assert done.returncode == 1
    assert f"0 object(s) refused and {len(waiting)} held" in " ".join(done.stderr.split())
    assert "held, readable only by your organisation" in done.stdout
    assert typo in done.stdout
    assert [(r["id"], r["outcome"]) for r in _report(report)] == [(i, "held") for i in waiting]
    assert _marking_of_each(session, set(waiting)) == {True: len(waiting)}
    jp = _script(database, tmp_path, "intel", "export", "--as", "analyst-jp", "-c", shared)
    assert not set(waiting) & {o["id"] for o in json.loads(jp.stdout)["objects"]}


def test_a_definition_in_a_later_file_or_run_releases_what_was_left_held(
    database: Database, session: Session, tmp_path: Path, shared: str
) -> None:
    def files(definition: dict[str, Any], first_octet: int) -> tuple[Path, Path, set[str]]:
        refs = [definition["id"]]
        objects = [
            indicator(f"[ipv4-addr:value = '192.0.2.{first_octet + n}']", object_marking_refs=refs) for n in range(3)
        ]
        first, second = tmp_path / f"{first_octet}-objects.json", tmp_path / f"{first_octet}-definition.json"
        first.write_text(json.dumps(_bundle(objects)))
        second.write_text(json.dumps(_bundle([definition])))
        return first, second, {o["id"] for o in objects}

    first, second, ids = files(hub_marking("NR", ("AP4",)), 80)
    code, out, _ = run(
        database, tmp_path, "intel", "import", str(first), str(second), "-c", shared, "--as", "analyst-jp"
    )
    assert code == 0, out  # held by the first file, released by the second: nothing is held at the end
    assert "3 held object(s) released" in out
    assert _marking_of_each(session, ids) == {False: 3}
    first, second, ids = files(hub_marking("NC", ("JPN",)), 90)
    code, out, _ = run(database, tmp_path, "intel", "import", str(first), "-c", shared, "--as", "analyst-jp")
    assert code == 1, out
    assert "0 object(s) refused and 3 held" in " ".join(out.split())
    assert _marking_of_each(session, ids) == {True: 3}
    code, out, _ = run(database, tmp_path, "intel", "import", str(second), "-c", shared, "--as", "analyst-jp")
    assert code == 0, out
    assert "3 held object(s) released" in out
    assert _marking_of_each(session, ids) == {False: 3}
