"""The raw limit on PostgreSQL: a bare psycopg script that stores and pages the same objects with no server in between.

The same work as ``raw_sqlite``: parse each object, store its JSON as sent with the columns a TAXII filter needs (id,
type, version, a unique increasing ``date_added``) under the same three indexes, one transaction per batch, with
COPY (the fastest way in); then read everything back in keyset pages and parse each object again.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

import orjson
import psycopg
from sqlalchemy.engine import make_url

from bench.raw_sqlite import RawResult
from bench.stixgen import read_lines
from bench.timing import paused_gc

SCHEMA = (
    "DROP TABLE IF EXISTS raw_stix_object",
    "CREATE TABLE raw_stix_object (pk BIGSERIAL PRIMARY KEY, id TEXT NOT NULL, type TEXT NOT NULL, "
    "spec_version TEXT NOT NULL, modified TEXT NOT NULL, date_added BIGINT NOT NULL, object TEXT NOT NULL)",
    "CREATE INDEX ix_raw_stix_object_id ON raw_stix_object (id, modified)",
    "CREATE INDEX ix_raw_stix_object_type ON raw_stix_object (type, date_added)",
    "CREATE UNIQUE INDEX ix_raw_stix_object_date_added ON raw_stix_object (date_added)",
)
COPY = "COPY raw_stix_object (id, type, spec_version, modified, date_added, object) FROM STDIN"
PAGE = "SELECT date_added, object FROM raw_stix_object WHERE date_added > %s ORDER BY date_added LIMIT %s"


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _rows(lines: Iterator[bytes]) -> Iterator[tuple[str, str, str, str, int, str]]:
    start = time.time_ns() // 1000
    for index, line in enumerate(lines):
        obj = orjson.loads(line)
        version = obj.get("modified") or obj.get("created") or ""
        yield obj["id"], obj["type"], obj.get("spec_version", "2.1"), version, start + index, line.decode()


def insert(jsonl: Path, url: str, batch: int = 1000) -> RawResult:
    """COPY every object of ``jsonl``, ``batch`` rows per transaction, into a fresh table with three indexes."""
    with psycopg.connect(_libpq(url)) as conn:
        for statement in SCHEMA:
            conn.execute(statement)
        conn.commit()
        count, started = 0, time.perf_counter()
        rows = _rows(read_lines(jsonl))
        with paused_gc():
            while chunk := list(islice(rows, batch)):
                with conn.cursor().copy(COPY) as copy:
                    for row in chunk:
                        copy.write_row(row)
                conn.commit()
                count += len(chunk)
        elapsed = time.perf_counter() - started
        conn.execute("ANALYZE raw_stix_object")
        conn.commit()
    return RawResult(count, elapsed)


def read(url: str, limit: int = 1000) -> RawResult:
    """Read everything back in keyset pages of ``limit`` and parse each object, as a client would."""
    with psycopg.connect(_libpq(url), autocommit=True) as conn:
        count, cursor = 0, -1
        started = time.perf_counter()
        with paused_gc():
            while page := conn.execute(PAGE, (cursor, limit)).fetchall():
                count += len([orjson.loads(row[1]) for row in page])
                cursor = page[-1][0]
        elapsed = time.perf_counter() - started
    return RawResult(count, elapsed)


def drop(url: str) -> None:
    with psycopg.connect(_libpq(url), autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS raw_stix_object")
