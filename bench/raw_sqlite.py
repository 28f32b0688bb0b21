"""The raw limit: a bare sqlite3 script that stores and pages the same objects with no server in between.

It does what any TAXII store must do at the least: parse each object, store its JSON as sent with the columns a
TAXII filter needs (id, type, version, a unique increasing ``date_added``), and read everything back with keyset
paging. Same durability as the hub (WAL, ``synchronous=NORMAL``), one transaction per batch.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

import orjson

from bench.stixgen import read_lines
from bench.timing import paused_gc

SCHEMA = (
    "CREATE TABLE stix_object (pk INTEGER PRIMARY KEY, id TEXT NOT NULL, type TEXT NOT NULL, "
    "spec_version TEXT NOT NULL, modified TEXT NOT NULL, date_added INTEGER NOT NULL, object TEXT NOT NULL)",
    "CREATE INDEX ix_stix_object_id ON stix_object (id, modified)",
    "CREATE INDEX ix_stix_object_type ON stix_object (type, date_added)",
    "CREATE UNIQUE INDEX ix_stix_object_date_added ON stix_object (date_added)",
)
INSERT = "INSERT INTO stix_object (id, type, spec_version, modified, date_added, object) VALUES (?, ?, ?, ?, ?, ?)"
PAGE = "SELECT date_added, object FROM stix_object WHERE date_added > ? ORDER BY date_added LIMIT ?"


@dataclass(frozen=True)
class RawResult:
    objects: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.objects / self.seconds if self.seconds else 0.0


def connect(db_path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    return conn


def create(db_path: Path) -> None:
    """A fresh database file with the table and its three indexes."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    conn = connect(db_path)
    for statement in SCHEMA:
        conn.execute(statement)
    conn.close()


def _rows(lines: Iterator[bytes]) -> Iterator[tuple[str, str, str, str, int, str]]:
    """Parse each object and give it a unique, increasing date_added (microseconds since the epoch)."""
    start = time.time_ns() // 1000
    for index, line in enumerate(lines):
        obj = orjson.loads(line)
        version = obj.get("modified") or obj.get("created") or ""
        yield obj["id"], obj["type"], obj.get("spec_version", "2.1"), version, start + index, line.decode()


def insert(jsonl: Path, db_path: Path, batch: int = 1000) -> RawResult:
    """Insert every object of ``jsonl`` with executemany, ``batch`` rows per transaction."""
    create(db_path)
    conn = connect(db_path)
    count = 0
    started = time.perf_counter()
    rows = _rows(read_lines(jsonl))
    with paused_gc():
        while chunk := list(islice(rows, batch)):
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany(INSERT, chunk)
            conn.execute("COMMIT")
            count += len(chunk)
    elapsed = time.perf_counter() - started
    conn.close()
    return RawResult(count, elapsed)


def read(db_path: Path, limit: int = 1000) -> RawResult:
    """Read everything back in keyset pages of ``limit`` and parse each object, as a client would."""
    conn = connect(db_path)
    count, cursor = 0, -1
    started = time.perf_counter()
    with paused_gc():
        while page := conn.execute(PAGE, (cursor, limit)).fetchall():
            count += len([orjson.loads(row[1]) for row in page])
            cursor = page[-1][0]
    elapsed = time.perf_counter() - started
    conn.close()
    return RawResult(count, elapsed)
