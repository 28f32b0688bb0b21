"""``liaison intel ...``: import STIX files with a progress bar, export what a user may read, search a value,
manage collections. Commands run ``--as`` a hub user apply that user's marking rights, as the API does."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, DownloadColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from liaison_hub.cli.common import add_row, cli_actor, console, errors, fail, load_settings, say, transaction
from liaison_hub.cli.import_report import print_summary, settle_held, write_report
from liaison_hub.cli.lazy import lazy
from liaison_hub.errors import HubError
from liaison_hub.intel.schemas import BATCH_SIZE, CollectionCreate, DefaultMarking, IngestResult
from liaison_hub.policy.levels import parse_classification
from liaison_hub.policy.principal import Actor, PrincipalKind

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker

    from liaison_hub.config import Settings
    from liaison_hub.db import engine as db_engine
    from liaison_hub.db import migrate
    from liaison_hub.directory import auth
    from liaison_hub.intel import exchange
    from liaison_hub.intel import service as intel
    from liaison_hub.intel.correlation import service as correlation
    from liaison_hub.runtime import heap, index_worker
else:
    db_engine, migrate, auth = (
        lazy("liaison_hub.db.engine"),
        lazy("liaison_hub.db.migrate"),
        lazy("liaison_hub.directory.auth"),
    )
    exchange, intel = lazy("liaison_hub.intel.exchange"), lazy("liaison_hub.intel.service")
    correlation = lazy("liaison_hub.intel.correlation.service")
    heap, index_worker = lazy("liaison_hub.runtime.heap"), lazy("liaison_hub.runtime.index_worker")

intel_app = typer.Typer(help="Intelligence: STIX 2.1 import/export, search, collections.", no_args_is_help=True)
collection_app = typer.Typer(help="Collections (admin).", no_args_is_help=True)
intel_app.add_typer(collection_app, name="collection")

AsUser = Annotated[str, typer.Option("--as", help="Act as this hub user: their marking rights apply.")]
STIX_SUFFIXES = (".json", ".jsonl", ".ndjson")


def _actor(session: Session, username: str, accreditation_code: str) -> Actor:
    accreditation = parse_classification(accreditation_code)
    return auth.acting_as(session, username, accreditation=accreditation, kind=PrincipalKind.cli, source="cli")


def _files(sources: list[str]) -> list[str]:
    """Each source as given; a directory stands for its .json/.jsonl/.ndjson files, in name order."""
    found: list[str] = []
    for source in sources:
        path = Path(source)
        if source == "-":
            found.append(source)
        elif path.is_dir():
            found += sorted(str(p) for p in path.rglob("*") if p.is_file() and p.suffix.lower() in STIX_SUFFIXES)
        elif path.is_file():
            found.append(source)
        else:
            fail(f"no such file or directory: {source}")
    if not found:
        fail("no STIX files (.json, .jsonl, .ndjson) found in the given directories")
    return found


def _open(source: str) -> AbstractContextManager[IO[bytes]]:
    if source == "-":
        return _stdin()
    return Path(source).open("rb")


class _stdin(AbstractContextManager[IO[bytes]]):  # noqa: N801 - used like open()
    def __enter__(self) -> IO[bytes]:
        return sys.stdin.buffer

    def __exit__(self, *_: object) -> None:
        return None


def _counted(objects: Iterator[object], progress: Progress, task: TaskID) -> Iterator[object]:
    count = 0
    for obj in objects:
        count += 1
        if count % 500 == 0:
            progress.update(task, objects=count)
        yield obj
    progress.update(task, objects=count)


def _importer(session: Session, username: str | None, settings: Settings) -> Actor:
    """The user the import acts as, or the CLI itself (which owns nothing: markings alone decide who reads)."""
    return _actor(session, username, settings.accreditation) if username else cli_actor()


def _import_one(
    factory: sessionmaker[Session],
    source: str,
    *,
    collection: str,
    username: str | None,
    batch_size: int,
    settings: Settings,
) -> IngestResult:
    """One file in one transaction: stored whole, or (bad file, refused collection) not at all."""
    size = Path(source).stat().st_size if source != "-" else None
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TextColumn("{task.fields[objects]} objects"),
    )
    with (
        Progress(*columns, TimeElapsedColumn(), console=errors, transient=False) as progress,
        db_engine.session_scope(factory) as session,
        _open(source) as stream,
    ):
        task = progress.add_task(escape(source) if source != "-" else "stdin", total=size, objects=0)
        actor = _importer(session, username, settings)
        objects = exchange.read_objects(stream, lambda n: progress.advance(task, n))
        return intel.ingest(
            session,
            actor,
            collection=collection,
            objects=_counted(objects, progress, task),
            accreditation=parse_classification(settings.accreditation),
            batch_size=batch_size,
        )


def _factory(settings: Settings) -> tuple[sessionmaker[Session], Engine]:
    engine = db_engine.create_db_engine(settings.effective_database_url)
    try:
        migrate.ensure_current(engine)
    except HubError as exc:
        engine.dispose()
        fail(exc.message)
    return db_engine.make_session_factory(engine), engine


@intel_app.command("import")
def import_files(
    sources: Annotated[list[str], typer.Argument(help="FILE, DIR or - (standard input); bundles or JSON lines.")],
    collection: Annotated[str, typer.Option("--collection", "-c", help="Collection alias or TAXII id.")],
    as_user: Annotated[
        str | None, typer.Option("--as", help="Import as this user: their organisation owns what is stored.")
    ] = None,
    batch_size: Annotated[int, typer.Option(min=1, max=100_000, help="Objects per batch.")] = BATCH_SIZE,
    report: Annotated[
        Path | None, typer.Option("--report", help="Write every refused or held id with its reason here (JSON lines).")
    ] = None,
) -> None:
    """Import STIX 2.1 bundles, TAXII envelopes or JSON lines, streamed; each file in one transaction. Exits non-zero
    when a file could not be read or any object was refused or is still held."""
    files = _files(sources)
    settings = load_settings()
    factory, engine = _factory(settings)
    results: dict[str, IngestResult] = {}
    broken: list[str] = []
    try:
        with db_engine.session_scope(factory) as session:
            intel.get_collection(session, _importer(session, as_user, settings).principal, collection)
        heap.settle_heap()
        for source in files:
            try:
                results[source] = _import_one(
                    factory, source, collection=collection, username=as_user, batch_size=batch_size, settings=settings
                )
            except exchange.BadFile as exc:
                broken.append(source)
                errors.print(f"[bold red]error:[/] {escape(f'{source}: {exc.message}')}; nothing of it was stored")
        if any(r.stored for r in results.values()):
            with errors.status("indexing the stored objects' observables for correlation"):
                index_worker.IndexWorker(factory, max_batches=10).drain()
    except HubError as exc:
        fail(exc.message)
    finally:
        engine.dispose()
    settle_held(results)
    print_summary(results)
    _finish(results, broken, report)


def _finish(results: dict[str, IngestResult], broken: list[str], report: Path | None) -> None:
    """Write the report, then exit non-zero if anything was not stored as sent."""
    if report is not None:
        written = write_report(report, results)
        errors.print(escape(f"{written} refused or held object(s) listed in {report}"), highlight=False)
    if broken:
        fail(f"{len(broken)} file(s) could not be read: {', '.join(broken)}")
    refused, held = sum(r.refused for r in results.values()), sum(len(r.held) for r in results.values())
    if refused or held:
        where = f" (every id in {report})" if report is not None else " (--report FILE lists every id)"
        fail(f"{refused} object(s) refused and {held} held{where}")


@intel_app.command("export")
def export(
    as_user: AsUser,
    collection: Annotated[list[str] | None, typer.Option("--collection", "-c", help="Only these; repeat.")] = None,
    latest: Annotated[bool, typer.Option("--latest", help="Only the newest readable version of each object.")] = False,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead of standard output.")
    ] = None,
) -> None:
    """Write one STIX bundle of exactly what the user may read (every version unless --latest), streamed."""
    settings = load_settings()
    factory, engine = _factory(settings)
    try:
        with db_engine.session_scope(factory) as session:
            principal = _actor(session, as_user, settings.accreditation).principal
            documents = exchange.export_documents(
                session,
                lambda: db_engine.session_scope(factory),
                principal,
                collections=collection,
                versions="last" if latest else "all",
            )
        with output.open("wb") if output else _stdout() as out:
            count = exchange.write_bundle(out, documents)
    except HubError as exc:
        fail(exc.message)
    finally:
        engine.dispose()
    errors.print(escape(f"exported {count} objects readable by {as_user}"), highlight=False)


class _stdout(AbstractContextManager[IO[bytes]]):  # noqa: N801 - used like open()
    def __enter__(self) -> IO[bytes]:
        return sys.stdout.buffer

    def __exit__(self, *_: object) -> None:
        sys.stdout.buffer.flush()


@intel_app.command("search")
def search(
    value: Annotated[str, typer.Argument(help="An IP address, domain, URL, e-mail address or file hash.")],
    as_user: AsUser,
    limit: Annotated[int, typer.Option(min=1, max=10_000, help="Records listed at most.")] = 100,
) -> None:
    """Which records the user may read mention this value."""
    with transaction() as ctx:
        principal = _actor(ctx.session, as_user, ctx.settings.accreditation).principal
        found = correlation.search(
            ctx.session, principal, value=value, limit=limit, correlation_limit=ctx.settings.correlation_limit
        )
        forms = ", ".join(f"{v.kind} {v.value}" for v in found.values)
        flag = f" (over-correlating: more than {found.limit})" if found.over_correlating else ""
        say(f"{found.count} record(s) readable by {as_user} mention {forms}{flag}")
        table = Table("collection", "type", "id", "name", "marking", header_style="bold")
        for r in found.records:
            add_row(table, r.collection, r.type, r.stix_id, r.name or "", r.marking.label)
        console.print(table)


@intel_app.command("collections")
def collections(as_user: Annotated[str | None, typer.Option("--as", help="As this user sees them.")] = None) -> None:
    """List collections (as a user sees them, with can_read / can_write)."""
    with transaction() as ctx:
        principal = (
            _actor(ctx.session, as_user, ctx.settings.accreditation).principal if as_user else ctx.actor.principal
        )
        table = Table("alias", "TAXII id", "title", "default marking", "read", "write", header_style="bold")
        for c in intel.list_collections(ctx.session, principal):
            add_row(
                table,
                c.alias or "",
                c.taxii_id,
                c.title,
                _marking_text(c.default_marking),
                "yes" if c.can_read else "no",
                "yes" if c.can_write else "no",
            )
        console.print(table)


def _marking_text(facets: dict[str, object]) -> str:
    parts = [f"TLP:{str(facets.get('tlp') or 'amber').upper()}", str(facets.get("classification") or "NU")]
    if facets.get("releasable_to"):
        parts.append("REL TO " + ", ".join(str(x) for x in facets["releasable_to"]))  # type: ignore[attr-defined]
    return " // ".join(parts)


@collection_app.command("create")
def collection_create(
    title: Annotated[str, typer.Argument(help="Title of the collection.")],
    alias: Annotated[str | None, typer.Option(help="Short name used in URLs and commands.")] = None,
    description: Annotated[str, typer.Option(help="What it holds.")] = "",
    tlp: Annotated[str, typer.Option(help="Default TLP of unmarked objects.")] = "amber",
    classification: Annotated[str, typer.Option(help="Default classification (NU, NR, NC, NS).")] = "NU",
    releasable_to: Annotated[list[str] | None, typer.Option("--releasable-to", help="Nation/grouping; repeat.")] = None,
    recipient: Annotated[list[str] | None, typer.Option("--recipient", help="Organisation short name; repeat.")] = None,
) -> None:
    """Create a collection with the default marking of objects that arrive unmarked."""
    with transaction() as ctx:
        marking = DefaultMarking(
            tlp=tlp, classification=classification, releasable_to=releasable_to or None, recipients=recipient or []
        )
        row = intel.create_collection(
            ctx.session,
            ctx.actor,
            data=CollectionCreate(title=title, alias=alias, description=description, default_marking=marking),
            accreditation=ctx.accreditation,
        )
        say(f"created collection {row.alias or row.taxii_id} (TAXII id {row.taxii_id})")


@collection_app.command("delete")
def collection_delete(
    collection: Annotated[str, typer.Argument(help="Alias or TAXII id of the collection.")],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete a collection with every object stored in it, for every reader; this cannot be undone."""
    if not yes and not typer.confirm(f"Delete collection {collection!r} and everything stored in it?"):
        fail("nothing deleted")
    with transaction() as ctx:
        deleted = intel.delete_collection(ctx.session, ctx.actor, collection=collection)
        say(f"deleted collection {collection} and its {deleted} stored versions")


@intel_app.command("reindex")
def reindex() -> None:
    """Rebuild the correlation index from every stored version."""
    with transaction() as ctx:
        total = correlation.reindex(ctx.session, ctx.actor)
        console.print(f"indexed {total} stored versions")
