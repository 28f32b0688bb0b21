"""``liaison consult ...`` against a real database: create, propose and apply, upcoming in a zone, actions, export;
bad input gives a clear message, a non-zero exit, and saves nothing."""

from __future__ import annotations

from pathlib import Path

import recurring_ical_events
from icalendar import Calendar
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from liaison_hub.cli.main import app as cli
from liaison_hub.models.consultations import ActionItem, ConsultationSeries, Meeting
from tests.conftest import TEST_SECRET, Database

CREATE = [
    "consult", "create", "--user", "analyst-jp", "--title", "Cyber consultation",
    "--rule", "FREQ=MONTHLY;INTERVAL=3;BYDAY=WE;BYSETPOS=2;COUNT=4", "--first", "2027-01-01", "--anchor", "Asia/Tokyo",
    "--participant", "BEL-CCB", "--participant", "JPN-NCC", "--participant", "AUS-CSC",
    "--participant", "KOR-NCSC", "--participant", "NZL-NCSC=Pacific/Auckland@08:30-17:30",
    "--rel", "BEL", "--rel", "AP4",
]  # fmt: skip


def run(database: Database, tmp_path: Path, *args: str) -> tuple[int, str]:
    env = {
        "LIAISON_DATABASE_URL": database.url,
        "LIAISON_DATA_DIR": str(tmp_path),
        "LIAISON_SECRET_KEY": TEST_SECRET,
        "LIAISON_ACCREDITATION": "NS",
        "LIAISON_ENVIRONMENT": "development",
        "COLUMNS": "200",
    }
    result = CliRunner().invoke(cli, list(args), env=env)
    return result.exit_code, result.output


def _count(session: Session, table: type[object]) -> int:
    """Count rows, then end the transaction at once (SQLite transactions here take the write lock)."""
    session.rollback()
    count = int(session.scalar(select(func.count()).select_from(table)) or 0)  # type: ignore[call-overload]
    session.rollback()
    return count


def test_create_propose_apply_upcoming_and_export(database: Database, session: Session, tmp_path: Path) -> None:
    session.commit()
    code, out = run(database, tmp_path, *CREATE)
    assert code == 0, out
    series_id = out.split("created series ")[1].split()[0]
    code, out = run(database, tmp_path, "consult", "propose", series_id, "--user", "analyst-jp", "--apply")
    assert code == 0, out
    assert "NZL-NCSC" in out
    assert "worst-off cost" in out
    assert "scheduled" in out
    code, out = run(database, tmp_path, "consult", "upcoming", "--user", "analyst-nz", "--zone", "Pacific/Auckland")
    assert code == 0, out
    assert out.count("Cyber consultation") == 4
    target = tmp_path / "series.ics"
    code, out = run(database, tmp_path, "consult", "export-ics", series_id, "--user", "analyst-au", "-o", str(target))
    assert code == 0, out
    events = recurring_ical_events.of(Calendar.from_ical(target.read_bytes())).all()
    assert len(list(events)) == 4


def _first_meeting(session: Session) -> str:
    """The id of the earliest meeting (ids are random: they say nothing of how many records exist); the
    transaction ends at once, as in ``_count``."""
    session.rollback()
    found = str(session.scalar(select(Meeting.id).order_by(Meeting.starts_at).limit(1)))
    session.rollback()
    return found


def test_actions_add_and_close(database: Database, session: Session, tmp_path: Path) -> None:
    session.commit()
    series_id = run(database, tmp_path, *CREATE)[1].split("created series ")[1].split()[0]
    run(database, tmp_path, "consult", "propose", series_id, "--user", "analyst-jp", "--apply")
    meeting_id = _first_meeting(session)
    code, out = run(database, tmp_path, "consult", "action", "add", meeting_id, "--user", "analyst-jp",
                    "--title", "Send indicators", "--owner", "JPN-NCC", "--due", "2027-03-01")  # fmt: skip
    assert code == 0, out
    action_id = out.split("action ")[1].split()[0]
    code, out = run(database, tmp_path, "consult", "action", "mine", "--user", "analyst-jp")
    assert "Send indicators" in out
    code, out = run(database, tmp_path, "consult", "action", "close", action_id, "--user", "analyst-jp")
    assert code == 0, out
    assert "done" in out


def test_bad_input_exits_non_zero_with_a_message_and_saves_nothing(
    database: Database, session: Session, tmp_path: Path
) -> None:
    session.commit()
    bad_zone = [*CREATE[:-4], "--participant", "JPN-MOFA=Asia/Edo"]
    code, out = run(database, tmp_path, *bad_zone)
    assert code == 1
    assert "zone: 'Asia/Edo' is not a time zone name" in out
    bad_rule = [a if "FREQ" not in a else "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30" for a in CREATE]
    code, out = run(database, tmp_path, *bad_rule)
    assert code == 1
    assert "impossible recurrence rule" in out
    narrow = [*CREATE[:-4], "--rel", "JPN"]
    code, out = run(database, tmp_path, *narrow)
    assert code == 1
    assert "outside the releasability" in out
    assert _count(session, ConsultationSeries) == 0
    series_id = run(database, tmp_path, *CREATE)[1].split("created series ")[1].split()[0]
    run(database, tmp_path, "consult", "propose", series_id, "--user", "analyst-jp", "--apply")
    code, out = run(database, tmp_path, "consult", "action", "add", _first_meeting(session), "--user", "analyst-jp",
                    "--title", "Late", "--owner", "JPN-NCC", "--due", "2026-01-01")  # fmt: skip
    assert code == 1
    assert "before the meeting" in out
    code, out = run(database, tmp_path, "consult", "upcoming", "--user", "analyst-jp", "--zone", "Nowhere/City")
    assert code == 1
    assert _count(session, ActionItem) == 0
