"""``liaison`` starts without loading what only its commands need: the help of every command group is answered
with none of the heavy libraries (STIX validation, the ORM and its tables, the web server, text extraction,
language detection) in memory. A check of what is loaded, not a timed test (figures: docs/benchmarks.md)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = (
    "stix2",
    "fastapi",
    "starlette",
    "uvicorn",
    "trafilatura",
    "lingua",
    "sqlalchemy",
    "sqlalchemy.orm",
    "alembic",
    "liaison_hub.models",
    "pytaxonomies",
)
PROBE = """
import json, sys
from liaison_hub.cli.main import app
sys.argv = ["liaison", *sys.argv[1:]]
try:
    app()
except SystemExit as exc:
    code = exc.code
print(json.dumps({"code": code, "loaded": sorted(m for m in sys.modules if m in HEAVY)}), file=sys.stderr)
"""


def _help(*args: str, env: dict[str, str] | None = None) -> tuple[int, list[str], str]:
    """Run the CLI entry point in a fresh interpreter; its exit code, the heavy modules loaded, its output."""
    probe = f"HEAVY = {HEAVY!r}\n{PROBE}"
    done = subprocess.run(
        [sys.executable, "-c", probe, *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=os.environ | (env or {}),
    )
    report = json.loads(done.stderr.strip().splitlines()[-1])
    return int(report["code"] or 0), report["loaded"], done.stdout


@pytest.mark.parametrize(
    "args",
    [("--help",), ("intel", "--help"), ("intel", "import", "--help"), ("fimi", "--help"), ("consult", "--help")],
)
def test_help_loads_no_heavy_module(args: tuple[str, ...]) -> None:
    code, loaded, out = _help(*args)
    assert code == 0
    assert "Usage" in out
    assert loaded == []


def test_a_command_loads_what_it_needs(tmp_path: Path) -> None:
    """The probe can fail: a command that runs (here against an empty database) loads the ORM and migrations."""
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    code, loaded, _ = _help("db", "current", env={"LIAISON_DATABASE_URL": url, "LIAISON_DATA_DIR": str(tmp_path)})
    assert code == 1
    assert {"sqlalchemy", "sqlalchemy.orm", "alembic"} <= set(loaded)


def test_the_installed_script_prints_the_commands() -> None:
    script = subprocess.run(
        [Path(sys.executable).with_name("liaison"), "--help"], capture_output=True, text=True, timeout=120
    )
    assert script.returncode == 0
    for group in ("intel", "fimi", "consult", "user", "db"):
        assert group in script.stdout
