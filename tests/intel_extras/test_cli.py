"""``liaison intel ...`` on both databases: import of bundles, JSON lines, directories and standard input; broken
files (non-zero exit, nothing stored); export as different principals gives exactly what each may read; search."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from liaison_hub.cli.main import app as cli
from liaison_hub.models import Audience
from liaison_hub.models.intel import IntelIndexQueue, StixObject
from liaison_hub.models.intel_correlation import IntelObservable
from liaison_hub.policy import marking_of
from liaison_hub.policy.reference import may_read
from tests.conftest import TEST_SECRET, Database
from tests.factories import principal
from tests.intel_extras.conftest import READERS, indicator, make_collection, marked, sco
from tests.intel_extras.test_correlation import MARKINGS, _directory


def run(database: Database, tmp_path: Path, *args: str, stdin: bytes | None = None) -> tuple[int, str, bytes]:
    env = {
        "LIAISON_DATABASE_URL": database.url,
        "LIAISON_DATA_DIR": str(tmp_path),
        "LIAISON_SECRET_KEY": TEST_SECRET,
        "LIAISON_ACCREDITATION": "NS",
        "COLUMNS": "250",
    }
    result = CliRunner().invoke(cli, list(args), env=env, input=stdin)
    return result.exit_code, result.output, result.stdout_bytes


def _stored(session: Session) -> set[tuple[str, int]]:
    """Stored (id, version) pairs, read in a fresh transaction (the CLI wrote in its own)."""
    session.rollback()
    found = {(r[0], r[1]) for r in session.execute(select(StixObject.stix_id, StixObject.version))}
    session.rollback()
    return found


def _bundle(objects: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "bundle", "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d", "objects": objects}


def _sample() -> list[dict[str, Any]]:
    """Ten marked indicators (every marking of the property test) and an address, all mentioning 192.0.2.10."""
    objects: list[dict[str, Any]] = []
    for i, marking in enumerate(MARKINGS):
        objects += marked(indicator("[ipv4-addr:value = '192.0.2.10']", f"m{i}"), **marking)
    return [*objects, sco("ipv4-addr", "192.0.2.10")]


def _import_sample(database: Database, tmp_path: Path, collection: str) -> None:
    """The sample, as a bundle file imported by the Japanese analyst."""
    bundle = tmp_path / "sample.json"
    bundle.write_text(json.dumps(_bundle(_sample())))
    assert run(database, tmp_path, "intel", "import", str(bundle), "-c", collection, "--as", "analyst-jp")[0] == 0


@pytest.fixture
def shared(session: Session) -> str:
    alias = make_collection(session)
    session.commit()
    return alias


def test_import_a_bundle_then_json_lines_then_stdin(
    database: Database, session: Session, tmp_path: Path, shared: str
) -> None:
    objects = _sample()
    bundle = tmp_path / "sample.json"
    bundle.write_text(json.dumps(_bundle(objects), indent=2))
    before = _stored(session)
    code, out, _ = run(database, tmp_path, "intel", "import", str(bundle), "-c", shared, "--as", "analyst-jp")
    assert code == 0, out
    wanted = [o for o in objects if o["type"] != "marking-definition"]
    assert {o["id"] for o in wanted} <= {i for i, _ in _stored(session)}
    assert "sample.json" in out
    assert f"│ {len(objects)}" in out
    lines = tmp_path / "more.jsonl"
    extra = [indicator("[domain-name:value = 'lines.example']", f"line {i}") for i in range(3)]
    broken_object = {"type": "indicator", "id": "indicator--not-a-uuid"}
    lines.write_text("\n".join(json.dumps(o) for o in [*extra, broken_object]) + "\n\n")
    code, out, _ = run(database, tmp_path, "intel", "import", str(lines), "-c", shared, "--as", "analyst-au")
    assert code == 1, out
    assert "1 object(s) refused and 0 held" in out
    assert "refused, by reason:" in out
    assert "RFC 4122 UUID" in out
    assert {o["id"] for o in extra} <= {i for i, _ in _stored(session)}
    piped = indicator("[url:value = 'http://stdin.example/']", "from stdin")
    code, out, _ = run(database, tmp_path, "intel", "import", "-", "-c", shared, stdin=json.dumps(piped).encode())
    assert code == 0, out
    new_ids = {i for i, _ in _stored(session) - before}
    assert new_ids == {o["id"] for o in [*objects, *extra, piped]}
    session.expire_all()  # the import indexed what it stored: nothing is left queued, the values are in the index
    assert session.scalar(select(func.count()).select_from(IntelIndexQueue)) == 0
    indexed = set(session.scalars(select(IntelObservable.stix_id)))
    assert {o["id"] for o in [*extra, piped]} <= indexed


def test_import_a_directory_of_files(database: Database, session: Session, tmp_path: Path, shared: str) -> None:
    folder = tmp_path / "feeds"
    (folder / "nested").mkdir(parents=True)
    first, second = indicator("[ipv4-addr:value = '192.0.2.1']"), indicator("[ipv4-addr:value = '192.0.2.2']")
    (folder / "a.json").write_text(json.dumps(_bundle([first])))
    (folder / "nested" / "b.ndjson").write_text(json.dumps(second) + "\n")
    (folder / "notes.txt").write_text("not STIX")
    code, out, _ = run(database, tmp_path, "intel", "import", str(folder), "-c", shared, "--as", "analyst-jp")
    assert code == 0, out
    assert {first["id"], second["id"]} <= {i for i, _ in _stored(session)}
    assert "notes.txt" not in out


GOOD = json.dumps(indicator("[ipv4-addr:value = '192.0.2.3']")).encode()
BROKEN = [
    (b'{"type": "bundle", "objects": [' + GOOD + b", {", "not valid JSON"),
    (b'{"type": "report", "objects": [' + GOOD + b"]}", "must be a STIX bundle"),
    (b'{"objects": [' + GOOD + b'], "type": "collection"}', "must be a STIX bundle"),
    (b"[1, 2, 3]", "expected a STIX bundle or a STIX object"),
    (b"", "empty"),
    (GOOD + b"\n{not json}\n", "line 2: not valid JSON"),
]


@pytest.mark.parametrize(("content", "message"), BROKEN)
def test_a_broken_file_stores_nothing_and_exits_non_zero(
    database: Database, session: Session, tmp_path: Path, shared: str, content: bytes, message: str
) -> None:
    path = tmp_path / "broken.json"
    path.write_bytes(content)
    before = _stored(session)
    code, out, _ = run(database, tmp_path, "intel", "import", str(path), "-c", shared, "--as", "analyst-jp")
    assert code == 1, out
    assert message in out
    assert "nothing of it was stored" in out
    assert _stored(session) == before


def test_unknown_collection_user_or_file_is_a_clear_error(
    database: Database, session: Session, tmp_path: Path, shared: str
) -> None:
    path = tmp_path / "one.json"
    path.write_text(json.dumps(indicator("[ipv4-addr:value = '192.0.2.4']")))
    for args, message in (
        (["-c", "nowhere", "--as", "analyst-jp"], "no collection 'nowhere'"),
        (["-c", shared, "--as", "nobody"], "unknown user 'nobody'"),
        (["-c", shared, "--as", "reader-kr"], "you may not write"),
    ):
        code, out, _ = run(database, tmp_path, "intel", "import", str(path), *args)
        assert (code, message in out) == (1, True), out
    code, out, _ = run(database, tmp_path, "intel", "import", str(tmp_path / "missing.json"), "-c", shared)
    assert (code, "no such file" in out) == (1, True)
    code, out, _ = run(database, tmp_path, "intel", "export", "--as", "analyst-jp", "-c", "nowhere")
    assert (code, "no collection 'nowhere'" in out) == (1, True)


def test_export_gives_each_principal_exactly_what_it_may_read(
    database: Database, session: Session, tmp_path: Path, shared: str
) -> None:
    _import_sample(database, tmp_path, shared)
    session.rollback()
    view = _directory(session)
    rows = session.execute(select(StixObject.stix_id, StixObject.version, Audience).join(Audience)).all()
    for username in READERS:
        who = principal(session, username)
        expected = {
            (stix_id, version) for stix_id, version, audience in rows if may_read(marking_of(audience), who, view)
        }
        out_file = tmp_path / f"{username}.json"
        session.rollback()  # SQLite transactions here take the write lock; the export audits its reads
        code, out, _ = run(database, tmp_path, "intel", "export", "--as", username, "-o", str(out_file))
        assert code == 0, out
        exported = json.loads(out_file.read_text())
        assert exported["type"] == "bundle"
        got = [(o["id"], o.get("modified") or o.get("created")) for o in exported["objects"]]
        assert len(got) == len(expected)
        assert {i for i, _ in got} == {i for i, _ in expected}
    code, _, stdout = run(database, tmp_path, "intel", "export", "--as", "reader-kr", "--latest", "-c", shared)
    assert code == 0
    kinds = {o["type"] for o in json.loads(stdout)["objects"]}
    assert "indicator" in kinds
    session.rollback()
    assert int(session.scalar(select(func.count()).select_from(StixObject)) or 0) == len(rows)


def test_search_and_collections(database: Database, session: Session, tmp_path: Path, shared: str) -> None:
    _import_sample(database, tmp_path, shared)
    code, out, _ = run(database, tmp_path, "intel", "search", "192.0.2.10", "--as", "reader-kr")
    assert code == 0, out
    assert "record(s) readable by reader-kr" in out
    assert "m7" not in out  # TLP:RED for JPN-NCC only
    code, out, _ = run(database, tmp_path, "intel", "search", "not a value!", "--as", "reader-kr")
    assert (code, "is not an IP address" in out) == (1, True)
    code, out, _ = run(database, tmp_path, "intel", "collection", "create", "Partner feed", "--alias", "feed",
                       "--tlp", "green", "--releasable-to", "AP4")  # fmt: skip
    assert code == 0, out
    code, out, _ = run(database, tmp_path, "intel", "collections", "--as", "reader-kr")
    assert code == 0, out
    assert "Partner feed" in out
    assert "REL TO AP4" in out
    code, out, _ = run(database, tmp_path, "intel", "collection", "create", "Again", "--alias", "feed")
    assert (code, "already exists" in out) == (1, True)


def test_collection_delete_asks_first_and_counts_what_went(
    database: Database, session: Session, tmp_path: Path, shared: str
) -> None:
    _import_sample(database, tmp_path, shared)
    held = len(_stored(session))
    assert held
    code, out, _ = run(database, tmp_path, "intel", "collection", "delete", shared, stdin=b"n\n")
    assert code != 0
    assert "nothing deleted" in out
    assert len(_stored(session)) == held
    code, out, _ = run(database, tmp_path, "intel", "collection", "delete", "no-such-collection", "--yes")
    assert code != 0
    assert "no collection" in out
    code, out, _ = run(database, tmp_path, "intel", "collection", "delete", shared, "--yes")
    assert code == 0, out
    assert f"its {held} stored versions" in out
    assert _stored(session) == set()
    code, out, _ = run(database, tmp_path, "intel", "collections")
    assert shared not in out
