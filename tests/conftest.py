"""Test harness: real databases (a SQLite file, and a PostgreSQL server when one is reachable), built by
running the migrations, isolated per test; a real HTTP server on loopback for API tests."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from stix2.registry import STIX2_OBJ_MAPS

from liaison_hub.app import create_app
from liaison_hub.config import Settings
from liaison_hub.db.engine import create_db_engine, make_session_factory, session_scope
from liaison_hub.db.migrate import upgrade
from liaison_hub.directory.seed import seed_demo, seed_reference_data
from liaison_hub.policy.principal import SYSTEM, Actor

TEST_SECRET = "test-secret-key-that-is-long-enough-to-pass-0123456789"
DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/test"
PG_URL = os.environ.get("LIAISON_TEST_POSTGRES_URL", DEFAULT_PG_URL)
REQUIRE_PG = os.environ.get("LIAISON_TEST_REQUIRE_POSTGRES") == "1"
SYSTEM_ACTOR = Actor(SYSTEM, source="test")

_notices: dict[str, str] = {}


def _postgres_problem() -> str | None:
    try:
        engine = create_engine(make_url(PG_URL).set(drivername="postgresql+psycopg"))
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
        return None
    except Exception as exc:  # any failure to connect means "no PostgreSQL here"
        return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"


POSTGRES_PROBLEM = _postgres_problem()


def pytest_sessionstart(session: pytest.Session) -> None:
    if POSTGRES_PROBLEM and REQUIRE_PG:
        raise pytest.UsageError(
            f"LIAISON_TEST_REQUIRE_POSTGRES=1 but PostgreSQL at {PG_URL} cannot be used: {POSTGRES_PROBLEM}"
        )


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if POSTGRES_PROBLEM:
        _notices["postgres"] = (
            f"PostgreSQL half SKIPPED: no server usable at {PG_URL} ({POSTGRES_PROBLEM}). "
            "Only the SQLite half ran. Start PostgreSQL or set LIAISON_TEST_POSTGRES_URL to run it."
        )
    for notice in _notices.values():
        terminalreporter.write_sep("!", notice, yellow=True, bold=True)


def add_notice(key: str, message: str) -> None:
    _notices[key] = message


def seed(url: str) -> None:
    engine = create_db_engine(url)
    with session_scope(make_session_factory(engine)) as session:
        seed_reference_data(session, SYSTEM_ACTOR)
        seed_demo(session, SYSTEM_ACTOR, secret_key=TEST_SECRET)
    engine.dispose()


@dataclass
class Database:
    """A migrated, seeded database for one test."""

    kind: str
    url: str

    def settings(self, tmp_path: Path, **overrides: object) -> Settings:
        values: dict[str, object] = {
            "database_url": self.url,
            "data_dir": tmp_path,
            "secret_key": TEST_SECRET,
            "accreditation": "NS",
            # A thread starts at once: the index worker's own process is tested in tests/intel_extras.
            "index_worker": "thread",
        }
        values.update(overrides)
        return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    url = f"sqlite:///{path}"
    upgrade(url)
    seed(url)  # disposing its engine closes the last connection, which checkpoints the WAL into the file
    return path


def _pg_admin() -> object:
    return create_engine(make_url(PG_URL).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    if POSTGRES_PROBLEM:
        pytest.skip(f"PostgreSQL half skipped: {POSTGRES_PROBLEM}")
    name = f"liaison_tmpl_{uuid.uuid4().hex[:8]}"
    admin = _pg_admin()
    with admin.connect() as conn:  # type: ignore[attr-defined]
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    upgrade(url)
    seed(url)
    yield name
    with admin.connect() as conn:  # type: ignore[attr-defined]
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()  # type: ignore[attr-defined]


def _fresh_postgres(template: str) -> Iterator[str]:
    name = f"liaison_t_{uuid.uuid4().hex[:10]}"
    admin = _pg_admin()
    with admin.connect() as conn:  # type: ignore[attr-defined]
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:  # type: ignore[attr-defined]
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()  # type: ignore[attr-defined]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A fresh database per test, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        path = tmp_path / "hub.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield Database("sqlite", f"sqlite:///{path}")
        return
    template = request.getfixturevalue("postgres_template")
    yield from (Database("postgresql", url) for url in _fresh_postgres(template))


@pytest.fixture
def settings(database: Database, tmp_path: Path) -> Settings:
    return database.settings(tmp_path)


@pytest.fixture
def session(database: Database) -> Iterator[Session]:
    """A session in one transaction, committed at the end of the test if nothing raised."""
    engine = create_db_engine(database.url)
    with session_scope(make_session_factory(engine)) as db_session:
        yield db_session
    engine.dispose()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveServer:
    """The hub served by uvicorn in a thread, reached over real HTTP on loopback."""

    def __init__(self, settings: Settings) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)

    def client(self, token: str | None = None, **kwargs: object) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=30, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def live_server(settings: Settings) -> Iterator[LiveServer]:
    with LiveServer(settings) as server:
        yield server


@pytest.fixture(autouse=True)
def stix2_registry_unchanged() -> Iterator[None]:
    """stix2's registry of types is global: a test that registers custom types must remove them again, or every
    later test that walks the registry (the validation differential tests) sees them."""
    before = {kind: dict(classes) for kind, classes in STIX2_OBJ_MAPS["2.1"].items() if isinstance(classes, dict)}
    yield
    after = {kind: dict(classes) for kind, classes in STIX2_OBJ_MAPS["2.1"].items() if isinstance(classes, dict)}
    assert after == before, "a test left custom types registered with stix2"
