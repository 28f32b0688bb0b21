"""The ``liaison`` command line against real databases: set-up, schema state, directory commands, tokens, and
clear errors that change nothing."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from typer.testing import CliRunner, Result

from liaison_hub.app import create_app
from liaison_hub.cli.main import app as cli
from liaison_hub.config import Settings
from liaison_hub.db.engine import create_db_engine, make_session_factory, session_scope
from liaison_hub.db.migrate import heads, upgrade
from liaison_hub.directory import repository as repo
from liaison_hub.directory.auth import authenticate_token
from liaison_hub.directory.security import token_digest
from liaison_hub.errors import OutdatedDatabase
from liaison_hub.models import ApiToken, AuditEntry, Grouping, Nation, Organisation, User
from liaison_hub.policy import parse_classification
from tests.conftest import PG_URL, POSTGRES_PROBLEM, TEST_SECRET, Database, LiveServer, free_port

NS = parse_classification("NS")


def run(url: str, tmp_path: Path, *args: str, stdin: str | None = None) -> Result:
    env = {
        "LIAISON_DATABASE_URL": url,
        "LIAISON_DATA_DIR": str(tmp_path),
        "LIAISON_SECRET_KEY": TEST_SECRET,
        "LIAISON_ACCREDITATION": "NS",
        "LIAISON_ENVIRONMENT": "development",
    }
    return CliRunner().invoke(cli, list(args), env=env, input=stdin)


def said(result: Result) -> str:
    """Everything the command printed, with Rich's line wrapping undone."""
    return " ".join(result.output.split())


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with no tables at all, as on a fresh machine."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh' / 'hub.db'}"
        return
    if POSTGRES_PROBLEM:
        pytest.skip(f"PostgreSQL half skipped: {POSTGRES_PROBLEM}")
    name = f"liaison_empty_{uuid.uuid4().hex[:10]}"
    admin = create_engine(make_url(PG_URL).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def counts(url: str) -> dict[str, int]:
    """Rows per directory and audit table, to show that a refused command wrote nothing."""
    engine = create_db_engine(url)
    with session_scope(make_session_factory(engine)) as session:
        found = {
            model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0
            for model in (Nation, Grouping, Organisation, User, ApiToken, AuditEntry)
        }
        found["alliance"] = len(repo.grouping_members(session)["ALLIANCE"])
    engine.dispose()
    return found


def members(url: str, code: str) -> list[str]:
    engine = create_db_engine(url)
    with session_scope(make_session_factory(engine)) as session:
        found = sorted(repo.grouping_members(session).get(code, frozenset()))
    engine.dispose()
    return found


def test_init_sets_up_a_fresh_database_once(empty_url: str, tmp_path: Path) -> None:
    first = run(empty_url, tmp_path, "init")
    assert first.exit_code == 0, first.output
    assert "hub ready" in first.stdout
    loaded = counts(empty_url)
    assert (loaded["nation"], loaded["grouping"], loaded["alliance"]) == (249, 2, 32)
    assert members(empty_url, "AP4") == ["AUS", "JPN", "KOR", "NZL"]
    again = run(empty_url, tmp_path, "init")
    assert again.exit_code == 0, again.output
    assert counts(empty_url) == loaded
    assert run(empty_url, tmp_path, "audit", "verify").exit_code == 0


def test_init_demo_prints_a_working_token(empty_url: str, tmp_path: Path) -> None:
    result = run(empty_url, tmp_path, "init", "--demo")
    assert result.exit_code == 0, result.output
    token = said(result).split("demo API token for analyst-jp: ")[1].split()[0]
    engine = create_db_engine(empty_url)
    with session_scope(make_session_factory(engine)) as session:
        found = authenticate_token(session, token, secret_key=TEST_SECRET, accreditation=NS)
        assert found.username == "analyst-jp"
        assert repo.get_organisation(session, "LO-TYO") is not None
    engine.dispose()


def test_db_upgrade_then_current(empty_url: str, tmp_path: Path) -> None:
    upgraded = run(empty_url, tmp_path, "db", "upgrade")
    assert upgraded.exit_code == 0, upgraded.output
    assert all(head in upgraded.stdout for head in heads(empty_url))
    current = run(empty_url, tmp_path, "db", "current")
    assert current.exit_code == 0, current.output
    assert "not up to date" not in said(current)


def test_db_current_on_an_empty_database_says_to_upgrade(empty_url: str, tmp_path: Path) -> None:
    result = run(empty_url, tmp_path, "db", "current")
    assert result.exit_code == 1
    assert "(empty)" in said(result)
    assert "run 'liaison db upgrade'" in " ".join(result.stderr.split())


def test_db_current_on_an_outdated_database_says_to_upgrade(empty_url: str, tmp_path: Path) -> None:
    assert heads(empty_url) != {"0001"}, "needs a revision after the foundation to stay behind"
    upgrade(empty_url, "0001")
    result = run(empty_url, tmp_path, "db", "current")
    assert result.exit_code == 1
    assert "database: 0001;" in said(result)
    assert "run 'liaison db upgrade'" in " ".join(result.stderr.split())
    with pytest.raises(OutdatedDatabase, match="at 0001"):
        create_app(Settings(database_url=empty_url, data_dir=tmp_path, secret_key=TEST_SECRET))


def test_create_app_on_an_empty_database_says_what_to_run(empty_url: str, tmp_path: Path) -> None:
    with pytest.raises(OutdatedDatabase, match=r"the database is empty.*run 'liaison db upgrade'"):
        create_app(Settings(database_url=empty_url, data_dir=tmp_path, secret_key=TEST_SECRET))


def test_serve_on_an_empty_database_exits_with_the_advice(empty_url: str, tmp_path: Path) -> None:
    result = run(empty_url, tmp_path, "serve", "--port", "1")
    assert result.exit_code == 1
    assert "run 'liaison db upgrade'" in " ".join(result.stderr.split())


def test_commands_refuse_an_outdated_database(empty_url: str, tmp_path: Path) -> None:
    result = run(empty_url, tmp_path, "org", "list")
    assert result.exit_code == 1
    assert "liaison db upgrade" in " ".join(result.stderr.split())


def test_nation_set_status_member_joins_the_alliance(database: Database, tmp_path: Path) -> None:
    joined = run(database.url, tmp_path, "nation", "set-status", "JPN", "member")
    assert joined.exit_code == 0, joined.output
    assert "JPN" in members(database.url, "ALLIANCE")
    engine = create_db_engine(database.url)
    with session_scope(make_session_factory(engine)) as session:
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
        assert entry is not None
        assert (entry.action, entry.entity_id, entry.source) == ("nation.status", "JPN", "cli")
        assert entry.actor.startswith("cli:")
    engine.dispose()
    left = run(database.url, tmp_path, "nation", "set-status", "JPN", "partner")
    assert left.exit_code == 0, left.output
    assert "JPN" not in members(database.url, "ALLIANCE")
    assert len(members(database.url, "ALLIANCE")) == 32


def test_nation_set_status_refuses_unknown_nation_and_status(database: Database, tmp_path: Path) -> None:
    before = counts(database.url)
    unknown = run(database.url, tmp_path, "nation", "set-status", "XXX", "member")
    assert unknown.exit_code == 1
    assert "unknown nation code 'XXX'" in said(unknown)
    bad_status = run(database.url, tmp_path, "nation", "set-status", "JPN", "ally")
    assert bad_status.exit_code == 2
    assert counts(database.url) == before


def test_grouping_create_add_remove(database: Database, tmp_path: Path) -> None:
    created = run(database.url, tmp_path, "grouping", "create", "QUAD", "The Quad", "-m", "JPN", "-m", "aus")
    assert created.exit_code == 0, created.output
    assert members(database.url, "QUAD") == ["AUS", "JPN"]
    assert run(database.url, tmp_path, "grouping", "add", "QUAD", "IND", "USA").exit_code == 0
    assert members(database.url, "QUAD") == ["AUS", "IND", "JPN", "USA"]
    assert run(database.url, tmp_path, "grouping", "remove", "QUAD", "AUS").exit_code == 0
    assert members(database.url, "QUAD") == ["IND", "JPN", "USA"]
    listed = run(database.url, tmp_path, "grouping", "list")
    assert "QUAD" in listed.stdout


def test_grouping_commands_refuse_bad_input_and_write_nothing(database: Database, tmp_path: Path) -> None:
    assert run(database.url, tmp_path, "grouping", "create", "QUAD", "The Quad", "-m", "JPN").exit_code == 0
    before = counts(database.url)
    cases = {
        ("grouping", "add", "NOPE", "JPN"): "unknown grouping 'NOPE'",
        ("grouping", "remove", "NOPE", "JPN"): "unknown grouping 'NOPE'",
        ("grouping", "add", "QUAD", "IND", "XXX"): "unknown nation codes: XXX",
        ("grouping", "create", "QUAD", "Again"): "grouping QUAD already exists",
        ("grouping", "create", "JPN", "Japan"): "JPN is a nation code",
        ("grouping", "create", "PACIFIC", "Pacific", "-m", "XXX"): "unknown nation codes: XXX",
        ("grouping", "create", "bad code", "Bad"): "code",
    }
    for args, message in cases.items():
        result = run(database.url, tmp_path, *args)
        assert result.exit_code == 1, args
        assert message in said(result), (args, result.output)
        assert "pattern" not in said(result)
    assert counts(database.url) == before
    assert members(database.url, "QUAD") == ["JPN"]


def test_org_add_and_duplicate_refused(database: Database, tmp_path: Path) -> None:
    added = run(database.url, tmp_path, "org", "add", "--name", "Korea MOFA", "--short", "KOR-MOFA", "--nation", "kor")
    assert added.exit_code == 0, added.output
    body = run(database.url, tmp_path, "org", "add", "--name", "Alliance Agency", "--short", "AGENCY")
    assert body.exit_code == 0, body.output
    engine = create_db_engine(database.url)
    with session_scope(make_session_factory(engine)) as session:
        nations = {o.short_name: o.nation_code for o in repo.list_organisations(session)}
        assert (nations["KOR-MOFA"], nations["AGENCY"]) == ("KOR", None)
    engine.dispose()
    before = counts(database.url)
    for args in (
        ("--name", "Korea MOFA", "--short", "KOR-MOFA", "--nation", "KOR"),
        ("--name", "Korea MOFA", "--short", "OTHER"),
        ("--name", "Another name", "--short", "KOR-MOFA"),
    ):
        duplicate = run(database.url, tmp_path, "org", "add", *args)
        assert duplicate.exit_code == 1
        assert "already exists" in said(duplicate)
        assert "Traceback" not in duplicate.output
    unknown = run(database.url, tmp_path, "org", "add", "--name", "Nowhere", "--short", "NOWHERE", "--nation", "XXX")
    assert unknown.exit_code == 1
    assert "unknown nation codes: XXX" in said(unknown)
    assert counts(database.url) == before


def test_user_add(database: Database, tmp_path: Path) -> None:
    args = ("user", "add", "kim", "--name", "Kim Analyst", "--org", "KOR-NCSC", "--role", "analyst")
    added = run(
        database.url,
        tmp_path,
        *args,
        "--clearance",
        "NR",
        "--timezone",
        "Asia/Seoul",
        "--password",
        stdin="a-long-password\na-long-password\n",
    )
    assert added.exit_code == 0, added.output
    engine = create_db_engine(database.url)
    with session_scope(make_session_factory(engine)) as session:
        user = repo.get_user(session, "kim")
        assert user is not None
        assert (user.organisation.short_name, user.roles, user.clearance) == ("KOR-NCSC", ["analyst"], "NR")
        assert user.password_hash is not None
        assert user.password_hash.startswith("$argon2")
    engine.dispose()


def test_user_add_refuses_bad_input_and_writes_nothing(database: Database, tmp_path: Path) -> None:
    before = counts(database.url)
    cases = {
        ("kim", "--name", "Kim", "--org", "NOWHERE"): "unknown organisation 'NOWHERE'",
        ("kim", "--name", "Kim", "--org", "HQ", "--clearance", "ULTRA"): "unknown classification 'ULTRA'",
        (
            "kim",
            "--name",
            "Kim",
            "--org",
            "HQ",
            "--timezone",
            "Mars/Olympus",
        ): "timezone: 'Mars/Olympus' is not a time zone name",
        ("analyst-jp", "--name", "Again", "--org", "HQ"): "user 'analyst-jp' already exists",
        ("Bad Name", "--name", "Bad", "--org", "HQ"): "username: use 2-64 lower-case letters, digits, '.', '_' or '-'",
        ("[x]", "--name", "Bad", "--org", "HQ"): "username: use 2-64",
    }
    for args, message in cases.items():
        result = run(database.url, tmp_path, "user", "add", *args)
        assert result.exit_code == 1, args
        assert message in said(result), (args, result.output)
        assert "pattern" not in said(result)
    assert counts(database.url) == before


def test_token_create_prints_it_once_and_it_authenticates_until_revoked(
    database: Database, settings: Settings, tmp_path: Path
) -> None:
    created = run(
        database.url, tmp_path, "token", "create", "--user", "analyst-jp", "--scope", "read", "--scope", "write"
    )
    assert created.exit_code == 0, created.output
    token = created.stdout.strip().splitlines()[-1]
    assert token.startswith("lh_")
    assert created.output.count(token) == 1
    token_id = said(created).split("token ")[1].split()[0]
    listed = run(database.url, tmp_path, "token", "list", "--user", "analyst-jp")
    assert listed.exit_code == 0
    assert token not in listed.output
    with LiveServer(settings) as server, server.client(token) as client:
        me = client.get("/api/v1/me")
        assert me.status_code == 200
        assert (me.json()["username"], me.json()["scopes"]) == ("analyst-jp", ["read", "write"])
        revoked = run(database.url, tmp_path, "token", "revoke", token_id)
        assert revoked.exit_code == 0, revoked.output
        assert client.get("/api/v1/me").status_code == 401


def test_token_commands_refuse_bad_input_and_write_nothing(database: Database, tmp_path: Path) -> None:
    before = counts(database.url)
    cases = {
        ("create", "--user", "nobody"): "unknown user 'nobody'",
        ("create", "--user", "reader-kr", "--scope", "admin"): "do not allow the scopes: admin",
        ("create", "--user", "reader-kr", "--expires-days", "0"): "expires in days: must be 1 or more",
        ("revoke", "999999"): "unknown token 999999",
    }
    for args, message in cases.items():
        result = run(database.url, tmp_path, "token", *args)
        assert result.exit_code == 1, args
        assert message in said(result), (args, result.output)
        assert "pattern" not in said(result)
    assert counts(database.url) == before


def test_token_is_stored_only_as_a_hash(database: Database, tmp_path: Path, session: Session) -> None:
    created = run(database.url, tmp_path, "token", "create", "--user", "reader-kr")
    token = created.stdout.strip().splitlines()[-1]
    row = session.scalars(select(ApiToken).order_by(ApiToken.id.desc())).first()
    assert row is not None
    assert token not in {row.token_hash, row.prefix, row.name}
    assert row.token_hash == token_digest(token, TEST_SECRET)


UNREACHABLE = "postgresql://postgres@127.0.0.1:1/test"


@pytest.mark.parametrize("args", [("org", "list"), ("db", "current"), ("db", "upgrade"), ("init",), ("serve",)])
def test_unreachable_database_is_a_message_not_a_traceback(tmp_path: Path, args: tuple[str, ...]) -> None:
    result = run(UNREACHABLE, tmp_path, *args)
    assert result.exit_code == 1
    assert re.search(r"cannot (reach|use) the database: connection failed", said(result)), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_installed_console_script_verifies_the_audit_chain(database: Database, tmp_path: Path) -> None:
    env = os.environ | {"LIAISON_DATABASE_URL": database.url, "LIAISON_DATA_DIR": str(tmp_path)}
    env["LIAISON_SECRET_KEY"] = TEST_SECRET
    script = Path(sys.executable).with_name("liaison")
    intact = subprocess.run([script, "audit", "verify"], env=env, capture_output=True, text=True, timeout=120)
    assert intact.returncode == 0, intact.stderr
    assert "audit chain intact" in intact.stdout
    engine = create_db_engine(database.url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_entry SET actor = 'mallory' WHERE seq = 2"))
    engine.dispose()
    broken = subprocess.run([script, "audit", "verify"], env=env, capture_output=True, text=True, timeout=120)
    assert broken.returncode == 1
    assert "audit chain broken at entry 2" in " ".join(broken.stderr.split())
    assert "Traceback" not in broken.stderr


def _served_lines(database: Database, tmp_path: Path, *flags: str) -> str:
    """What ``liaison serve`` (the installed console script) wrote while answering one request."""
    env = os.environ | {"LIAISON_DATABASE_URL": database.url, "LIAISON_DATA_DIR": str(tmp_path)}
    env["LIAISON_SECRET_KEY"] = TEST_SECRET
    env["LIAISON_INDEX_WORKER"] = "thread"
    port = free_port()
    script = Path(sys.executable).with_name("liaison")
    server = subprocess.Popen(
        [script, "serve", "--port", str(port), *flags],
        env=env,
        stderr=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                assert httpx.get(f"http://127.0.0.1:{port}/taxii2/", timeout=5).status_code == 401
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.1)
    finally:
        server.terminate()
        out, err = server.communicate(timeout=30)
    return out + err


def test_serve_logs_requests_only_when_asked(database: Database, tmp_path: Path) -> None:
    request_line = '"GET /taxii2/ HTTP/1.1" 401'
    assert request_line not in _served_lines(database, tmp_path)
    assert request_line in _served_lines(database, tmp_path, "--access-log")


def test_square_brackets_in_names_and_messages_are_printed_as_typed(database: Database, tmp_path: Path) -> None:
    assert run(database.url, tmp_path, "org", "add", "--name", "[bold]Unit[/bold]", "--short", "[X]").exit_code == 0
    listed = run(database.url, tmp_path, "org", "list")
    assert "[bold]Unit[/bold]" in listed.output
    assert "[X]" in listed.output
    refused = run(database.url, tmp_path, "user", "add", "kim", "--name", "Kim", "--org", "[nowhere]")
    assert "unknown organisation '[nowhere]'" in said(refused)
