"""Entry point of the ``liaison`` command."""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING, Annotated

import typer

from liaison_hub.cli.common import (
    add_row,
    cli_actor,
    console,
    database_errors,
    fail,
    load_settings,
    say,
    table,
    transaction,
    warn,
)
from liaison_hub.cli.consultations import consult_app
from liaison_hub.cli.directory import grouping_app, nation_app, org_app, token_app, user_app
from liaison_hub.cli.edt import edt_app
from liaison_hub.cli.fimi import fimi_app
from liaison_hub.cli.intel import intel_app
from liaison_hub.cli.lazy import lazy
from liaison_hub.errors import HubError
from liaison_hub.policy.levels import parse_classification

if TYPE_CHECKING:
    from liaison_hub import config
    from liaison_hub.audit import service as audit
    from liaison_hub.config import Settings
    from liaison_hub.consultations import sample as consultations_sample
    from liaison_hub.db import engine as db_engine
    from liaison_hub.db import migrate, types
    from liaison_hub.directory import seed
    from liaison_hub.edt import sample as edt_sample
    from liaison_hub.fimi import sample as fimi_sample
    from liaison_hub.intel import sample as intel_sample
else:
    config = lazy("liaison_hub.config")
    audit = lazy("liaison_hub.audit.service")
    consultations_sample = lazy("liaison_hub.consultations.sample")
    db_engine, migrate, types = (
        lazy("liaison_hub.db.engine"),
        lazy("liaison_hub.db.migrate"),
        lazy("liaison_hub.db.types"),
    )
    seed = lazy("liaison_hub.directory.seed")
    fimi_sample, intel_sample = lazy("liaison_hub.fimi.sample"), lazy("liaison_hub.intel.sample")
    edt_sample = lazy("liaison_hub.edt.sample")

app = typer.Typer(
    name="liaison",
    help="Liaison Hub: marked sharing, TAXII 2.1 and consultations.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
audit_app = typer.Typer(help="The hash-chained audit trail.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(nation_app, name="nation")
app.add_typer(grouping_app, name="grouping")
app.add_typer(org_app, name="org")
app.add_typer(user_app, name="user")
app.add_typer(token_app, name="token")
app.add_typer(audit_app, name="audit")
app.add_typer(consult_app, name="consult")
app.add_typer(intel_app, name="intel")
app.add_typer(fimi_app, name="fimi")
app.add_typer(edt_app, name="edt")


def _upgrade(settings: Settings) -> None:
    from sqlalchemy.exc import OperationalError

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    try:
        migrate.upgrade(settings.effective_database_url)
    except OperationalError as exc:
        fail(f"cannot reach the database: {exc.orig}")


def _initialise(settings: Settings, *, demo: bool) -> str | None:
    """Bring the schema up to date and load reference data (and the demo office); returns a demo token."""
    _upgrade(settings)
    engine = db_engine.create_db_engine(settings.effective_database_url)
    try:
        with db_engine.session_scope(db_engine.make_session_factory(engine)) as session:
            actor = cli_actor()
            seed.seed_reference_data(session, actor)
            token = seed.seed_demo(session, actor, secret_key=settings.secret_key) if demo else None
            if demo:
                accreditation = parse_classification(settings.accreditation)
                intel_sample.load_sample(session, accreditation=accreditation)
                consultations_sample.load_sample(session, accreditation=accreditation, today=types.utcnow().date())
                fimi_sample.load_sample(session, accreditation=accreditation)
                edt_sample.load_sample(session, accreditation=accreditation, today=types.utcnow().date())
            return token
    except HubError as exc:
        fail(exc.message)
    finally:
        engine.dispose()


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply every pending migration."""
    settings = load_settings()
    _upgrade(settings)
    say(f"database at {', '.join(sorted(migrate.heads(settings.effective_database_url)))}")


@db_app.command("current")
def db_current() -> None:
    """Show the database's schema revision and whether it is up to date."""
    settings = load_settings()
    engine = db_engine.create_db_engine(settings.effective_database_url)
    with database_errors():
        have, want = migrate.current(engine), migrate.heads(settings.effective_database_url)
    engine.dispose()
    say(f"database: {', '.join(sorted(have)) or '(empty)'}; code: {', '.join(sorted(want))}")
    if have != want:
        fail("the database is not up to date: run 'liaison db upgrade'")


@app.command()
def init(demo: Annotated[bool, typer.Option(help="Also create the demo liaison office.")] = False) -> None:
    """Create or upgrade the database and load reference data (nations, ALLIANCE, AP4)."""
    settings = load_settings()
    token = _initialise(settings, demo=demo)
    say(f"hub ready at {settings.effective_database_url}")
    if token:
        say(f"demo API token for analyst-jp: {token}")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes (PostgreSQL only).")] = 1,
    access_log: Annotated[
        bool | None, typer.Option("--access-log/--no-access-log", help="Log each request [default: LIAISON_ACCESS_LOG]")
    ] = None,
) -> None:
    """Serve the hub (the database must be up to date)."""
    settings = load_settings()
    _serve(settings, host=host, port=port, workers=workers, access_log=access_log)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_secret(settings: Settings, host: str) -> None:
    """The placeholder secret is public: with it anyone can forge session cookies and cursors. Refused on any address
    other machines can reach; on loopback (development) a warning that cannot be missed."""
    if settings.secret_key != config.PLACEHOLDER_SECRET:
        return
    if not is_loopback(host):
        fail(
            f"refusing to serve on {host} with the placeholder LIAISON_SECRET_KEY: anyone could forge sessions. "
            "Set LIAISON_SECRET_KEY to a random value (python -c 'import secrets; print(secrets.token_urlsafe(48))')"
        )
    warn(
        "LIAISON_SECRET_KEY is the public placeholder: sessions and cursors can be forged. "
        "Fine for a demo on this machine only; set it before serving anyone else."
    )


def _serve(settings: Settings, *, host: str, port: int, workers: int = 1, access_log: bool | None = None) -> None:
    """Run the server; ``access_log`` overrides the setting."""
    check_secret(settings, host)
    log_requests = settings.access_log if access_log is None else access_log
    from sqlalchemy.exc import OperationalError

    from liaison_hub.app import create_app
    from liaison_hub.runtime import server

    try:
        application = create_app(settings)
    except HubError as exc:
        fail(exc.message)
    except OperationalError as exc:
        fail(f"cannot use the database: {exc.orig}")
    if workers > 1:
        if settings.effective_database_url.startswith("sqlite"):
            fail("several worker processes need PostgreSQL; SQLite serves one process")
        server.serve_workers(settings, host=host, port=port, workers=workers, access_log=log_requests)
        return
    server.serve(application, host=host, port=port, access_log=log_requests)


@app.command()
def demo(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Set up the demo liaison office on the embedded database and serve it."""
    settings = load_settings()
    token = _initialise(settings, demo=True)
    url = f"http://{host}:{port}"
    console.rule("[bold]Liaison Hub demo")
    say(f"web interface:  {url}/")
    say(f"API docs:       {url}/api/v1/docs")
    say(f"sign in as any of: {', '.join(u.username for u in seed.DEMO_USERS)}")
    say(f"password:       {seed.DEMO_PASSWORD}")
    say(f"TAXII 2.1:      {url}/taxii2/ (discovery; sample data in collection '{intel_sample.COLLECTION}')")
    if token:
        say(f"API token:      {token}  (analyst-jp; a new one each start)", soft_wrap=True)
        say(f"TAXII client:   user analyst-jp, password {token}", soft_wrap=True)
    console.rule()
    _serve(settings, host=host, port=port, access_log=True)  # a newcomer sees their TAXII client arrive


@audit_app.command("verify")
def audit_verify() -> None:
    """Check the hash chain; exits non-zero and names the first bad entry if any row was changed."""
    with transaction() as ctx:
        result = audit.verify(ctx.session)
    if not result.ok:
        fail(
            f"audit chain broken at entry {result.first_bad_seq}: {result.reason} "
            f"({result.checked} entries verified before it)"
        )
    say(f"audit chain intact: {result.checked} entries")


@audit_app.command("log")
def audit_log(limit: Annotated[int, typer.Option(min=1, max=1000)] = 20) -> None:
    """Show the newest audit entries."""
    with transaction() as ctx:
        output = table("seq", "at (UTC)", "actor", "action", "entity", "source")
        for e in audit.entries(ctx.session, ctx.actor, limit=limit):
            add_row(
                output,
                e.seq,
                f"{e.at:%Y-%m-%d %H:%M:%S}",
                e.actor,
                e.action,
                f"{e.entity_type}:{e.entity_id}",
                e.source,
            )
        console.print(output)
