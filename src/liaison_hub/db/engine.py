"""Engine and session factory; SQLite gets WAL, foreign keys and a busy timeout on every connection."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from liaison_hub.db.bulk import refuse_nul

SQLITE_BUSY_TIMEOUT_MS = 10_000
SQLITE_CACHE_KIB = 64 * 1024


def _json_text(value: Any) -> str:
    """JSON columns (status resources, audit details, markings) written with orjson, and read with it: a TAXII
    status lists every object of its envelope, and the standard library's encoder took a visible share of an
    ingest; every request reads a token's scopes and a collection's write roles."""
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


def _refuse_nul_text(*event: Any) -> None:
    refuse_nul(event[3])


def _sqlite_pragmas(dbapi_connection: Any, _record: Any, *, autocheckpoint: int | None = None) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # A 64 MiB page cache (default 2 MiB): index inserts with random keys (ids, observable values) stay in memory.
    cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
    cursor.execute("PRAGMA temp_store=MEMORY")
    if autocheckpoint is not None:  # a background checkpointer does the work (db.checkpoint)
        cursor.execute(f"PRAGMA wal_autocheckpoint={int(autocheckpoint)}")
    cursor.close()


def _sqlite_begin(conn: Any, *, statement: str) -> None:
    # On the driver's connection: SQLAlchemy's statement execution (events, execution context, result) cost more
    # than SQLite's BEGIN itself, once per transaction of every request.
    if conn.engine.echo:
        conn.engine.logger.info(statement)
    conn.connection.dbapi_connection.execute(statement)


# Take the write lock at BEGIN: a deferred transaction that reads then writes can fail with SQLITE_BUSY_SNAPSHOT
# under WAL when another writer commits in between.
_sqlite_begin_immediate = partial(_sqlite_begin, statement="BEGIN IMMEDIATE")
# A read transaction: a WAL snapshot that neither waits for nor blocks the writers.
_sqlite_begin_read = partial(_sqlite_begin, statement="BEGIN")


def _sqlite_query_only(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.execute("PRAGMA query_only=ON")


def create_db_engine(
    url: str, *, echo: bool = False, sqlite_autocheckpoint: int | None = None, read_only: bool = False
) -> Engine:
    """Create an engine for a SQLite file or a PostgreSQL server; ``sqlite_autocheckpoint`` sets the WAL pages
    after which a commit checkpoints (SQLite's default, 1,000, when None). A ``read_only`` engine's SQLite
    transactions take no write lock and refuse to write."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            echo=echo,
            json_serializer=_json_text,
            json_deserializer=orjson.loads,
            connect_args={"check_same_thread": False},
        )
        event.listen(engine, "connect", partial(_sqlite_pragmas, autocheckpoint=sqlite_autocheckpoint))

        @event.listens_for(engine, "connect")
        def _no_pysqlite_begin(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None

        if read_only:
            event.listen(engine, "connect", _sqlite_query_only)
        event.listen(engine, "begin", _sqlite_begin_read if read_only else _sqlite_begin_immediate)
        event.listen(engine, "before_cursor_execute", _refuse_nul_text)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    # No JIT: the hub's queries are short keyset pages, but correlated access subqueries inflate their estimated
    # cost past jit_above_cost, and compiling them took ~0.5 s per page on a million STIX objects.
    # random_page_cost 1.1 (default 4, for spinning disks): the hub's working set is in memory or on SSD, where
    # walking an ordered index to fill a page is cheaper than PostgreSQL's default costs assume.
    # No server-side prepared statements: a generic plan made while a table was small (a seq scan) stays in use
    # as the table grows; planning each statement with its own parameters keeps the index plans.
    engine = create_engine(
        url,
        echo=echo,
        json_serializer=_json_text,
        json_deserializer=orjson.loads,
        pool_pre_ping=True,
        connect_args={"options": "-c jit=off -c random_page_cost=1.1", "prepare_threshold": None},
        execution_options={"postgresql_readonly": True} if read_only else {},
    )
    event.listen(engine, "before_cursor_execute", _refuse_nul_text)
    return engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One transaction: commit on success, roll back on any error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"
