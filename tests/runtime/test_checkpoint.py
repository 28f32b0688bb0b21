"""The server's background WAL checkpointer: commits no longer checkpoint, yet their pages reach the database file."""

from __future__ import annotations

import shutil
import sqlite3
import time
from pathlib import Path

from sqlalchemy import text

from liaison_hub.db.engine import create_db_engine
from liaison_hub.runtime.checkpoint import BACKSTOP_PAGES, WalCheckpointer


def _rows_in_file_alone(database: Path, copy: Path) -> int:
    """Rows a reader finds in the database file without its WAL (what has been checkpointed)."""
    shutil.copyfile(database, copy)
    with sqlite3.connect(copy) as connection:
        if connection.execute("SELECT count(*) FROM sqlite_master WHERE name = 'item'").fetchone()[0] == 0:
            return 0
        return int(connection.execute("SELECT count(*) FROM item").fetchone()[0])


def test_commits_reach_the_database_file_through_the_background_checkpointer(tmp_path: Path) -> None:
    database = tmp_path / "hub.db"
    engine = create_db_engine(f"sqlite:///{database}", sqlite_autocheckpoint=BACKSTOP_PAGES)
    with engine.begin() as connection:
        assert connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == BACKSTOP_PAGES
        connection.execute(text("CREATE TABLE item (id INTEGER PRIMARY KEY, body TEXT)"))
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO item (body) VALUES (:body)"), [{"body": "x" * 500}] * 2000)
    assert _rows_in_file_alone(database, tmp_path / "before.db") == 0  # still only in the WAL: no commit checkpointed

    checkpointer = WalCheckpointer.for_engine(engine)
    assert checkpointer is not None
    checkpointer.start()
    try:
        deadline = time.monotonic() + 10
        while checkpointer.checkpoints == 0 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert _rows_in_file_alone(database, tmp_path / "after.db") == 2000
        with engine.begin() as connection:  # later commits are picked up too
            connection.execute(text("INSERT INTO item (body) VALUES ('one more')"))
        deadline = time.monotonic() + 10
        while _rows_in_file_alone(database, tmp_path / "later.db") != 2001 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert _rows_in_file_alone(database, tmp_path / "later.db") == 2001
    finally:
        checkpointer.stop()
        engine.dispose()


def test_only_sqlite_files_get_a_checkpointer(tmp_path: Path) -> None:
    assert WalCheckpointer.for_engine(create_db_engine("sqlite://")) is None
    assert WalCheckpointer.for_engine(create_db_engine("postgresql://nobody@127.0.0.1:1/none")) is None
    assert WalCheckpointer.for_engine(create_db_engine(f"sqlite:///{tmp_path / 'a.db'}")) is not None


def test_a_plain_engine_keeps_sqlite_default_checkpoints(tmp_path: Path) -> None:
    engine = create_db_engine(f"sqlite:///{tmp_path / 'plain.db'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 1000
    engine.dispose()
