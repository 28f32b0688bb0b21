"""``liaison edt ...`` on both databases: technologies, history, signals, projects and the radar in every format as
a user may read them; bad input refused with the message and a non-zero exit, nothing saved."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from liaison_hub.cli.main import app as cli
from liaison_hub.models.edt import EdtHistory, EdtTechnology
from tests.conftest import TEST_SECRET, Database

SHARED = ("--tlp", "green", "--rel", "ALLIANCE", "--rel", "AP4")


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


def _count(session: Session, model: type[EdtTechnology] | type[EdtHistory]) -> int:
    session.rollback()
    count = int(session.scalar(select(func.count()).select_from(model)) or 0)
    session.rollback()
    return count


def _add(database: Database, tmp_path: Path, *extra: str) -> tuple[int, str]:
    base = ("edt", "tech", "add", "--as", "liaison", "--name", "Quantum sensing", "--area", "quantum")
    return run(database, tmp_path, *base, "--readiness", "4", "--ring", "assess", "--on", "2025-01-15", *SHARED, *extra)


def test_the_watch_from_the_command_line(database: Database, tmp_path: Path, session: Session) -> None:
    code, out = _add(database, tmp_path, "--interest", "JPN:lead")
    assert code == 0, out
    tech_id = out.split()[1]
    move = ("edt", "tech", "move", tech_id, "--as", "analyst-jp", "--readiness", "6", "--ring", "trial")
    code, out = run(database, tmp_path, *move, "--on", "2025-04-01", "--reason", "sea trial")
    assert code == 0, out
    signal = ("edt", "signal", "add", "--as", "liaison", "--kind", "trend", "--title", "Cheaper cold atoms")
    code, out = run(database, tmp_path, *signal, "--on", "2025-05-01", "--confidence", "50", "--tech", tech_id, *SHARED)
    assert code == 0, out
    signal_id = out.split()[1]
    code, out = run(database, tmp_path, "edt", "signal", "list", "--as", "reader-kr", "--inbox")
    assert code == 0
    assert "Cheaper cold atoms" in out
    promote = ("edt", "signal", "promote", signal_id, "--as", "liaison", "--tech", tech_id)
    code, out = run(database, tmp_path, *promote, "--readiness", "7", "--reason", "cost fell")
    assert code == 0, out
    code, out = run(database, tmp_path, "edt", "tech", "show", tech_id, "--as", "analyst-au")
    assert code == 0
    assert "readiness 7, trial" in out
    assert "sea trial" in out
    project = tmp_path / "project.json"
    project.write_text(
        json.dumps(
            {
                "name": "Navigation trial",
                "starts_on": "2025-01-01",
                "ends_on": "2025-12-31",
                "nations": ["JPN", "AUS"],
                "milestones": [{"title": "Sea trial", "due_on": "2025-09-30"}],
                "technologies": [int(tech_id)],
                "marking": {"tlp": "green", "releasable_to": ["ALLIANCE", "AP4"]},
            }
        )
    )
    code, out = run(database, tmp_path, "edt", "project", "add", str(project), "--as", "liaison")
    assert code == 0, out
    code, out = run(database, tmp_path, "edt", "project", "list", "--as", "analyst-au")
    assert "Navigation trial" in out
    assert "[ ] 2025-09-30  Sea trial" in out
    since = ("--since", "2025-03-01", "--at", "2025-06-01")
    code, out = run(database, tmp_path, "edt", "radar", "--as", "reader-kr", *since)
    assert code == 0
    assert "Quantum sensing" in out
    assert "moved in" in out
    code, out = run(database, tmp_path, "edt", "radar", "--as", "reader-kr", *since, "--format", "tech-radar")
    assert json.loads(out)["entries"][0]["moved"] == 1
    code, out = run(database, tmp_path, "edt", "radar", "--as", "reader-kr", *since, "--format", "byor")
    assert [r["ring"] for r in csv.DictReader(io.StringIO(out))] == ["Trial"]
    code, out = run(database, tmp_path, "edt", "radar", "--as", "reader-kr", "--format", "svg")
    assert out.startswith("<svg")
    assert "Quantum sensing" in out
    code, out = run(database, tmp_path, "edt", "radar", "--as", "reader-kr", "--format", "png")
    assert code != 0
    assert "unknown format" in out


def test_bad_input_exits_non_zero_with_the_reason_and_saves_nothing(
    database: Database, tmp_path: Path, session: Session
) -> None:
    for extra, message in (
        (("--area", "alchemy"), "unknown area 'alchemy'"),
        (("--readiness", "10"), "readiness 10 is outside 1-9"),
        (("--ring", "embrace"), "unknown ring 'embrace'"),
        (("--on", "2999-01-01"), "is in the future"),
    ):
        code, out = _add(database, tmp_path, *extra)
        assert code == 1, out
        assert message in out
    code, out = _add(database, tmp_path, "--as", "analyst-au", "--classification", "NS")
    assert code == 1
    assert "above your clearance" in out
    assert _count(session, EdtTechnology) == 0
    code, out = _add(database, tmp_path)
    assert code == 0, out
    tech_id = out.split()[1]
    move = ("edt", "tech", "move", tech_id, "--as", "liaison", "--readiness", "5", "--ring", "trial", "--reason", "x")
    code, out = run(database, tmp_path, *move, "--on", "2024-01-01")
    assert code == 1
    assert "before the technology's first entry" in out
    code, out = run(database, tmp_path, "edt", "tech", "show", tech_id, "--as", "analyst-be")
    assert code == 0
    assert _count(session, EdtHistory) == 1


def test_stix_export_and_refused_imports(database: Database, tmp_path: Path, session: Session) -> None:
    assert _add(database, tmp_path)[0] == 0
    code, out = run(database, tmp_path, "edt", "export", "--as", "reader-kr")
    assert code == 0
    bundle = json.loads(out)
    assert [o["name"] for o in bundle["objects"] if o["type"] == "grouping"] == ["Quantum sensing"]
    path = tmp_path / "bundle.json"
    path.write_text(out)
    code, out = run(database, tmp_path, "edt", "import", str(path), "--as", "liaison")
    assert code == 1
    assert "already in this hub" in out
    path.write_text('{"type": "bundle"}')
    code, out = run(database, tmp_path, "edt", "import", str(path), "--as", "liaison")
    assert code == 1
    assert "expected a STIX bundle" in out
    assert _count(session, EdtTechnology) == 1
