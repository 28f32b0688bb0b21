"""The hash-chained audit trail: every write leaves an entry; any edit or deletion is found and named, by the
service and by ``liaison audit verify``; concurrent appends never fork the chain."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, bindparam, func, select, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from liaison_hub.audit import bookkeeping as audit_bookkeeping
from liaison_hub.audit import service as audit
from liaison_hub.cli.main import app as cli
from liaison_hub.db.engine import create_db_engine, make_session_factory, session_scope
from liaison_hub.db.types import JSONDocument
from liaison_hub.directory import service
from liaison_hub.directory.schemas import (
    GroupingCreate,
    GroupingUpdate,
    NationStatus,
    OrganisationCreate,
    OrganisationUpdate,
    TokenCreate,
    UserCreate,
    UserUpdate,
)
from liaison_hub.models import ApiToken, AuditEntry, Organisation
from liaison_hub.policy import Actor
from tests.conftest import TEST_SECRET, Database, LiveServer
from tests.factories import make_organisation, make_token, principal

Write = Callable[[Session, Actor], object]


def _token_id(session: Session) -> int:
    row, _ = service.create_token(
        session, Actor(principal(session, "admin")), username="reader-kr", data=TokenCreate(), secret_key=TEST_SECRET
    )
    return row.id


WRITES: dict[str, tuple[Write, str, str, str]] = {
    "nation status": (
        lambda s, a: service.set_nation_status(s, a, code="JPN", status=NationStatus.member),
        "nation.status",
        "nation",
        "JPN",
    ),
    "grouping create": (
        lambda s, a: service.create_grouping(s, a, data=GroupingCreate(code="QUAD", name="Quad", members=["JPN"])),
        "grouping.create",
        "grouping",
        "QUAD",
    ),
    "grouping update": (
        lambda s, a: service.update_grouping(s, a, code="AP4", data=GroupingUpdate(name="Asia-Pacific four")),
        "grouping.update",
        "grouping",
        "AP4",
    ),
    "grouping members": (
        lambda s, a: service.change_grouping_members(s, a, code="AP4", add=["BEL"]),
        "grouping.members",
        "grouping",
        "AP4",
    ),
    "organisation create": (
        lambda s, a: service.create_organisation(
            s, a, data=OrganisationCreate(name="Korea MOFA", short_name="KOR-MOFA", nation_code="KOR")
        ),
        "organisation.create",
        "organisation",
        "KOR-MOFA",
    ),
    "organisation update": (
        lambda s, a: service.update_organisation(s, a, ref="JPN-NCC", data=OrganisationUpdate(name="NISC")),
        "organisation.update",
        "organisation",
        "JPN-NCC",
    ),
    "user create": (
        lambda s, a: service.create_user(
            s, a, data=UserCreate(username="newcomer", display_name="N", organisation="HQ")
        ),
        "user.create",
        "user",
        "newcomer",
    ),
    "user update": (
        lambda s, a: service.update_user(s, a, username="reader-kr", data=UserUpdate(clearance="NR")),
        "user.update",
        "user",
        "reader-kr",
    ),
    "token create": (
        lambda s, a: service.create_token(s, a, username="reader-kr", data=TokenCreate(), secret_key=TEST_SECRET),
        "token.create",
        "api_token",
        "newest",
    ),
    "token revoke": (
        lambda s, a: service.revoke_token(s, a, token_id=_token_id(s)),
        "token.revoke",
        "api_token",
        "newest",
    ),
}


def newest(session: Session) -> AuditEntry:
    entry = session.scalar(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1))
    assert entry is not None
    return entry


def entry_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(AuditEntry)) or 0


def _entity_id(session: Session, entity_type: str, expected: str) -> str:
    """Organisations and tokens are audited by id; the table names them so it reads without ids."""
    if entity_type == "organisation":
        return str(session.scalar(select(Organisation.id).where(Organisation.short_name == expected)))
    if entity_type == "api_token":
        return str(session.scalar(select(func.max(ApiToken.id))))
    return expected


@pytest.mark.parametrize("name", list(WRITES))
def test_every_service_write_is_audited(session: Session, name: str) -> None:
    write, action, entity_type, entity_id = WRITES[name]
    actor = Actor(principal(session, "admin"), source="203.0.113.7")
    before = newest(session).seq
    write(session, actor)
    entry = newest(session)
    assert entry.seq > before
    assert entry.action == action
    assert entry.entity_type == entity_type
    assert entry.entity_id == _entity_id(session, entity_type, entity_id)
    assert (entry.actor, entry.source) == ("admin", "203.0.113.7")
    assert audit.verify(session).ok


def test_api_write_records_user_and_client_address(live_server: LiveServer, session: Session) -> None:
    token = make_token(session, "admin")
    session.commit()
    with live_server.client(token) as client:
        created = client.post("/api/v1/organisations", json={"name": "Korea MOFA", "short_name": "KOR-MOFA"})
    assert created.status_code == 201
    session.commit()
    entry = newest(session)
    assert (entry.actor, entry.action, entry.source) == ("admin", "organisation.create", "127.0.0.1")
    assert entry.entity_id == str(created.json()["id"])


def append(session: Session, count: int, *, actor: str = "writer") -> None:
    for n in range(count):
        audit.record(
            session,
            Actor(principal(session, "admin"), source=actor),
            action="test.write",
            entity_type="test",
            entity_id=n,
            details={"n": n, "text": "ünïcode ✓", "nested": {"b": [1, 2.5, None], "a": True}},
        )


def test_chain_is_intact_after_many_writes_across_batches(
    database: Database, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    for _ in range(5):
        append(session, 60)
        session.commit()
    monkeypatch.setattr(audit_bookkeeping, "VERIFY_BATCH", 7)
    result = fresh_verify(database)
    assert result.ok, result
    assert result.checked == entry_count(session) >= 300


@pytest.fixture
def engine(database: Database) -> Iterator[Engine]:
    engine = create_db_engine(database.url)
    yield engine
    engine.dispose()


def fresh_verify(database: Database) -> audit.Verification:
    engine = create_db_engine(database.url)
    with session_scope(make_session_factory(engine)) as session:
        result = audit.verify(session)
    engine.dispose()
    return result


def tamper(engine: Engine, sql: str, **params: object) -> None:
    statement = text(sql)
    if "details" in params:
        statement = statement.bindparams(bindparam("details", type_=JSONDocument))
    with engine.begin() as conn:
        assert conn.execute(statement, params).rowcount == 1


TAMPERING: dict[str, tuple[str, dict[str, object]]] = {
    "details edited": ("UPDATE audit_entry SET details = :details WHERE seq = :seq", {"details": {"n": -1}}),
    "actor edited": ("UPDATE audit_entry SET actor = :actor WHERE seq = :seq", {"actor": "someone-else"}),
    "action edited": ("UPDATE audit_entry SET action = :action WHERE seq = :seq", {"action": "test.read"}),
    "time edited": ("UPDATE audit_entry SET at = :at WHERE seq = :seq", {"at": datetime(2020, 1, 1, tzinfo=UTC)}),
    "hash rewritten": ("UPDATE audit_entry SET hash = :hash WHERE seq = :seq", {"hash": "f" * 64}),
    "middle row deleted": ("DELETE FROM audit_entry WHERE seq = :seq", {}),
}


@pytest.mark.parametrize("case", list(TAMPERING))
def test_verify_names_the_first_bad_entry(database: Database, session: Session, engine: Engine, case: str) -> None:
    append(session, 20)
    target = newest(session).seq - 10
    session.commit()  # on SQLite an open transaction holds the write lock
    sql, params = TAMPERING[case]
    tamper(engine, sql, seq=target, **params)
    result = fresh_verify(database)
    assert not result.ok
    assert result.first_bad_seq == target
    assert result.checked == target - 1


def test_verify_finds_the_last_entry_deleted(database: Database, session: Session, engine: Engine) -> None:
    append(session, 3)
    last = newest(session).seq
    session.commit()
    tamper(engine, "DELETE FROM audit_entry WHERE seq = :seq", seq=last)
    result = fresh_verify(database)
    assert (result.ok, result.first_bad_seq, result.checked) == (False, last, last - 1)


def test_verify_finds_the_chain_head_deleted(database: Database, session: Session, engine: Engine) -> None:
    last = newest(session).seq
    session.commit()
    tamper(engine, "DELETE FROM audit_head WHERE id = 1")
    tamper(engine, "DELETE FROM audit_entry WHERE seq = :seq", seq=last)
    result = fresh_verify(database)
    assert not result.ok
    assert result.first_bad_seq == last


def test_verify_reads_the_database_not_the_sessions_copies(session: Session, engine: Engine) -> None:
    actor = Actor(principal(session, "admin"), source="test")
    for n in range(5):
        audit.record(session, actor, action="test.write", entity_type="test", entity_id=n)
    kept = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(5)).all()[::-1]
    target = kept[2].seq
    session.commit()  # the kept entries stay loaded in this session (expire_on_commit is off)
    tamper(engine, "UPDATE audit_entry SET actor = :actor WHERE seq = :seq", actor="someone-else", seq=target)
    result = audit.verify(session)
    assert (result.ok, result.first_bad_seq) == (False, target)


def test_verify_leaves_the_callers_objects_attached(session: Session) -> None:
    org = make_organisation(session, "KOR-MOFA", "KOR")
    assert audit.verify(session).ok
    org.name = "Korea Ministry of Foreign Affairs"
    session.flush()
    stored = session.scalar(select(Organisation.name).where(Organisation.id == org.id))
    assert stored == "Korea Ministry of Foreign Affairs"


def test_concurrent_appends_are_serialised_by_the_head_row(database: Database, engine: Engine) -> None:
    """Writer A appends and holds its transaction open; writer B's append must wait for A's commit and
    chain onto A's entry."""
    factory = make_session_factory(engine)
    a_appended, a_committed_at, b_appended_at = threading.Event(), [0.0], [0.0]

    def writer_a() -> None:
        with session_scope(factory) as session:
            append(session, 1, actor="a")
            session.flush()
            a_appended.set()
            time.sleep(0.5)
            a_committed_at[0] = time.monotonic()

    def writer_b() -> None:
        assert a_appended.wait(10)
        with session_scope(factory) as session:
            append(session, 1, actor="b")
            session.flush()
            b_appended_at[0] = time.monotonic()

    run_threads(writer_a, writer_b)
    assert b_appended_at[0] >= a_committed_at[0]
    with session_scope(factory) as session:
        last_two = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(2)).all()
        assert [e.source for e in last_two] == ["b", "a"]
        assert last_two[0].prev_hash == last_two[1].hash
    assert fresh_verify(database).ok


def test_first_appends_on_an_empty_chain_race_safely(database: Database, engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_entry"))
        conn.execute(text("DELETE FROM audit_head"))
    factory = make_session_factory(engine)
    a_appended = threading.Event()

    def writer_a() -> None:
        with session_scope(factory) as session:
            append(session, 1, actor="a")
            session.flush()
            a_appended.set()
            time.sleep(0.5)

    def writer_b() -> None:
        assert a_appended.wait(10)
        with session_scope(factory) as session:
            append(session, 1, actor="b")

    run_threads(writer_a, writer_b)
    result = fresh_verify(database)
    assert (result.ok, result.checked) == (True, 2)


def test_many_concurrent_writers_keep_one_chain(database: Database, engine: Engine) -> None:
    factory = make_session_factory(engine)
    start = threading.Barrier(4)

    def writer(name: str) -> Callable[[], None]:
        def run() -> None:
            start.wait()
            for _ in range(15):
                with session_scope(factory) as session:
                    append(session, 2, actor=name)

        return run

    with session_scope(factory) as session:
        before = entry_count(session)
    run_threads(*(writer(f"w{n}") for n in range(4)))
    result = fresh_verify(database)
    assert result.ok, result
    assert result.checked == before + 4 * 15 * 2


def run_threads(*targets: Callable[[], None]) -> None:
    """Run the targets in threads and re-raise the first failure in the test."""
    failures: list[BaseException] = []

    def guard(target: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            try:
                target()
            except BaseException as exc:
                failures.append(exc)

        return run

    threads = [threading.Thread(target=guard(t)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not any(t.is_alive() for t in threads), "a writer hung"
    if failures:
        raise failures[0]


def cli_env(database: Database, tmp_path: Path) -> dict[str, str]:
    return {
        "LIAISON_DATABASE_URL": database.url,
        "LIAISON_DATA_DIR": str(tmp_path),
        "LIAISON_SECRET_KEY": TEST_SECRET,
        "LIAISON_ENVIRONMENT": "development",
    }


def test_cli_verify_exits_zero_on_an_intact_chain(database: Database, session: Session, tmp_path: Path) -> None:
    count = entry_count(session)
    session.commit()
    result = CliRunner().invoke(cli, ["audit", "verify"], env=cli_env(database, tmp_path))
    assert result.exit_code == 0, result.output
    assert f"audit chain intact: {count} entries" in result.stdout


@pytest.mark.parametrize("case", ["details edited", "middle row deleted"])
def test_cli_verify_fails_naming_the_entry(
    database: Database, session: Session, engine: Engine, tmp_path: Path, case: str
) -> None:
    append(session, 5)
    target = newest(session).seq - 2
    session.commit()
    sql, params = TAMPERING[case]
    tamper(engine, sql, seq=target, **params)
    result = CliRunner().invoke(cli, ["audit", "verify"], env=cli_env(database, tmp_path))
    assert result.exit_code == 1
    assert f"audit chain broken at entry {target}" in " ".join(result.stderr.split())


def test_cli_verify_fails_when_the_last_entry_is_deleted(
    database: Database, session: Session, engine: Engine, tmp_path: Path
) -> None:
    last = newest(session).seq
    session.commit()
    tamper(engine, "DELETE FROM audit_entry WHERE seq = :seq", seq=last)
    result = CliRunner().invoke(cli, ["audit", "verify"], env=cli_env(database, tmp_path))
    assert result.exit_code == 1
    assert f"audit chain broken at entry {last}" in " ".join(result.stderr.split())
