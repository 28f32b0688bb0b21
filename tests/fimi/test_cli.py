"""``liaison fimi ...`` on both databases: import with refusals and reasons (non-zero exit when nothing could be
stored), reports and narratives as a user sees them, term sets and their CSV chart, incidents in and out as STIX."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from liaison_hub.cli.main import app as cli
from liaison_hub.models.fimi import FimiReport
from tests.conftest import TEST_SECRET, Database
from tests.fimi.helpers import incident_data
from tests.fimi.helpers import report as item


def run(database: Database, tmp_path: Path, *args: str) -> tuple[int, str]:
    env = {
        "LIAISON_DATABASE_URL": database.url,
        "LIAISON_DATA_DIR": str(tmp_path),
        "LIAISON_SECRET_KEY": TEST_SECRET,
        "LIAISON_ACCREDITATION": "NS",
        "COLUMNS": "250",
    }
    result = CliRunner().invoke(cli, list(args), env=env)
    return result.exit_code, result.output


def _reports(session: Session) -> int:
    session.rollback()
    count = int(session.scalar(select(func.count()).select_from(FimiReport)) or 0)
    session.rollback()
    return count


def test_import_list_terms_and_incidents(database: Database, tmp_path: Path, session: Session) -> None:
    rel = ("--tlp", "green", "--rel", "ALLIANCE", "--rel", "AP4")
    lines = tmp_path / "reports.jsonl"
    lines.write_bytes(
        b"\n".join(
            orjson.dumps(item(days=d, outlet=f"Outlet {d}", text=f"Text {d} on the Indo-Pacific.")) for d in range(3)
        )
        + b'\n{"outlet": "X"}\n'
    )
    code, out = run(database, tmp_path, "fimi", "import", str(lines), "--as", "liaison", *rel)
    assert code == 0, out
    assert "stored 3" in out
    assert "refused 1" in out
    assert "published_at" in out
    code, out = run(database, tmp_path, "fimi", "import", str(tmp_path / "missing.jsonl"), "--as", "liaison")
    assert code == 1
    bad = tmp_path / "bad.xml"
    bad.write_bytes(b"<note/>")
    code, out = run(database, tmp_path, "fimi", "import", str(bad), "--as", "liaison", *rel)
    assert (code, "not an RSS or Atom feed" in out) == (1, True)
    code, out = run(database, tmp_path, "fimi", "import", str(lines), "--as", "analyst-au", "--classification", "NS")
    assert (code, "clearance" in out) == (1, True)
    assert _reports(session) == 3
    code, out = run(database, tmp_path, "fimi", "reports", "--as", "reader-kr")
    assert code == 0
    assert out.count("Outlet ") == 3
    code, out = run(
        database,
        tmp_path,
        "fimi",
        "terms",
        "add",
        "--as",
        "liaison",
        "--name",
        "Region",
        "--term",
        "Indo-Pacific=印太|インド太平洋",
        "--term",
        "Asia-Pacific=亚太",
        *rel,
    )
    assert code == 0, out
    term_set = out.split()[2]
    code, out = run(database, tmp_path, "fimi", "terms", "chart", term_set, "--as", "reader-kr", "--by", "outlet")
    assert code == 0, out
    assert out.splitlines()[0] == "week,term,outlet,count"
    assert len(out.splitlines()) == 4
    spec = tmp_path / "incident.json"
    spec.write_text(json.dumps(incident_data().model_dump(mode="json")))
    code, out = run(database, tmp_path, "fimi", "incident", "create", str(spec), "--as", "liaison")
    assert code == 0, out
    incident = out.split()[1]
    code, out = run(database, tmp_path, "fimi", "incident", "show", incident, "--as", "analyst-jp")
    assert json.loads(out)["techniques"][0]["disarm_id"] == "T0003"
    code, out = run(database, tmp_path, "fimi", "incident", "export", incident, "--as", "liaison")
    assert code == 0
    assert any(o["type"] == "incident" for o in json.loads(out)["objects"])
    spec.write_text(json.dumps(incident_data(techniques=[{"disarm_id": "T0000.999"}]).model_dump(mode="json")))
    code, out = run(database, tmp_path, "fimi", "incident", "create", str(spec), "--as", "liaison")
    assert (code, "unknown DISARM id" in out) == (1, True)
    code, out = run(database, tmp_path, "fimi", "incident", "show", incident, "--as", "analyst-be")
    assert code == 0
    code, out = run(
        database,
        tmp_path,
        "fimi",
        "narratives",
        "add",
        "--as",
        "liaison",
        "--title",
        "T",
        "--statement",
        "A statement.",
        "--tlp",
        "green",
    )
    assert code == 0, out
