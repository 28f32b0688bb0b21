"""A background WAL checkpointer for the server's SQLite database.

In WAL mode every commit appends its pages to the ``-wal`` file; a checkpoint copies them back into the database
file and syncs it. By default SQLite checkpoints inside whichever commit pushes the WAL past 1,000 pages, so every
few TAXII POSTs one of them also pays for copying and syncing a few megabytes. The server instead checkpoints from
a thread of its own with its own connection, every ``CHECK_EVERY_S`` when the WAL changed in between:
``PRAGMA wal_checkpoint(PASSIVE)`` neither waits for nor blocks writers and readers, and runs inside SQLite with
the GIL released, on another core. The server's connections keep an automatic checkpoint only as a backstop, at
``BACKSTOP_PAGES``, for when this thread falls behind.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from sqlalchemy import Engine

from liaison_hub.runtime.threads import ServerThread

log = logging.getLogger(__name__)

CHECK_EVERY_S = 0.25  # a few TAXII POSTs of 1,000 objects; the few writes of a paged read, 4 times a second
BACKSTOP_PAGES = 16_000  # 64 MiB of 4 KiB pages


class WalCheckpointer(ServerThread):
    """Checkpoints the WAL of one SQLite database file within ``every_s`` of each change to it."""

    name = "sqlite-wal-checkpointer"
    join_timeout_s = 2.0

    def __init__(self, database: Path, *, every_s: float = CHECK_EVERY_S) -> None:
        super().__init__()
        self.database, self.wal, self.every_s = database, Path(f"{database}-wal"), every_s
        self.checkpoints = 0

    @classmethod
    def for_engine(cls, engine: Engine) -> WalCheckpointer | None:
        """A checkpointer for the engine's database file; None for PostgreSQL and in-memory SQLite."""
        database = engine.url.database
        if engine.dialect.name != "sqlite" or not database or database == ":memory:":
            return None
        return cls(Path(database))

    def _wal_changed_at(self) -> int:
        try:
            return self.wal.stat().st_mtime_ns
        except FileNotFoundError:
            return 0

    def run(self) -> None:
        connection = sqlite3.connect(self.database, check_same_thread=False, isolation_level=None)
        try:
            connection.execute("PRAGMA busy_timeout=1000")
            seen = -1  # whatever the WAL holds when the server starts is checkpointed at once
            while not self.stopping.wait(self.every_s):
                changed = self._wal_changed_at()
                if changed == seen:
                    continue
                try:
                    connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                except sqlite3.Error as exc:  # a locked or vanished file: try again at the next change
                    log.warning("WAL checkpoint failed: %s", exc)
                    continue
                self.checkpoints += 1
                seen = changed
        finally:
            connection.close()
