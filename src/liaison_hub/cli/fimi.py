"""``liaison fimi ...``: import media reports (JSON lines, text with a header, HTML, RSS/Atom) with progress and
refusals, list reports and narratives, term sets and their chart (CSV), incidents (create, show, share as STIX,
import STIX). Commands act ``--as`` a hub user, so that user's marking rights apply as on the API."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import orjson
import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from liaison_hub.cli.common import console, errors, fail, transaction
from liaison_hub.cli.lazy import lazy
from liaison_hub.fimi.choices import ChartBy, Format

if TYPE_CHECKING:
    from liaison_hub.directory import auth
    from liaison_hub.fimi import formats, incidents, narratives, schemas, service, sharing, stix, terms, views
    from liaison_hub.fimi.schemas import ImportResult
    from liaison_hub.policy import schemas as policy_schemas
    from liaison_hub.policy.schemas import MarkingIn
else:
    auth = lazy("liaison_hub.directory.auth")
    formats = lazy("liaison_hub.fimi.formats")
    incidents = lazy("liaison_hub.fimi.incidents")
    narratives = lazy("liaison_hub.fimi.narratives")
    schemas = lazy("liaison_hub.fimi.schemas")
    service = lazy("liaison_hub.fimi.service")
    sharing = lazy("liaison_hub.fimi.sharing")
    stix = lazy("liaison_hub.fimi.stix")
    terms = lazy("liaison_hub.fimi.terms")
    views = lazy("liaison_hub.fimi.views")
    policy_schemas = lazy("liaison_hub.policy.schemas")


fimi_app = typer.Typer(
    help="Disinformation (FIMI): reports, narratives, framing terms, incidents.", no_args_is_help=True
)
narratives_app = typer.Typer(help="The narrative catalogue.", no_args_is_help=True)
terms_app = typer.Typer(help="Framing term sets and their chart.", no_args_is_help=True)
incident_app = typer.Typer(help="FIMI incidents.", no_args_is_help=True)
fimi_app.add_typer(narratives_app, name="narratives")
fimi_app.add_typer(terms_app, name="terms")
fimi_app.add_typer(incident_app, name="incident")

AsUser = Annotated[str, typer.Option("--as", help="Act as this hub user: their marking rights apply.")]
Tlp = Annotated[str, typer.Option(help="clear, green, amber, amber+strict, red.")]
Classification = Annotated[str, typer.Option(help="NU, NR, NC, NS, CTS.")]
Rel = Annotated[list[str] | None, typer.Option("--rel", help="Releasable to (nation or grouping); repeat.")]
Recipient = Annotated[list[str] | None, typer.Option("--recipient", help="Organisation (RED, AMBER+STRICT).")]
REASONS_SHOWN = 20


def _marking(tlp: str, classification: str, rel: list[str] | None, recipients: list[str] | None) -> MarkingIn:
    return policy_schemas.MarkingIn(
        tlp=tlp, classification=classification, releasable_to=rel, recipients=recipients or []
    )


def _report(result: ImportResult) -> None:
    console.print(
        f"received {result.received}, stored {result.stored}, merged {result.merged}, refused {len(result.refused)}"
    )
    for refusal in result.refused[:REASONS_SHOWN]:
        errors.print(f"  refused {refusal.item}: {refusal.reason}", highlight=False)
    if len(result.refused) > REASONS_SHOWN:
        errors.print(f"  ... and {len(result.refused) - REASONS_SHOWN} more", highlight=False)


@fimi_app.command("import")
def import_reports(
    files: Annotated[list[Path], typer.Argument(help="Files to import; the format follows the name unless given.")],
    user: AsUser,
    fmt: Annotated[Format | None, typer.Option("--format", help="jsonl, text, html or feed.")] = None,
    outlet: Annotated[str | None, typer.Option(help="Outlet of items that name none.")] = None,
    country: Annotated[str | None, typer.Option(help="Outlet country (ISO alpha-3) of items that name none.")] = None,
    language: Annotated[str | None, typer.Option(help="ISO 639-1 code of items that name none.")] = None,
    published: Annotated[datetime | None, typer.Option(help="Publication time of items that name none.")] = None,
    tlp: Tlp = "amber",
    classification: Classification = "NU",
    rel: Rel = None,
    recipient: Recipient = None,
) -> None:
    """Import media reports in one transaction: duplicates merged, refusals listed with their reasons."""
    defaults = formats.Defaults(outlet=outlet, outlet_country=country, language=language, published_at=published)
    marking = _marking(tlp, classification, rel, recipient)
    with transaction() as ctx:
        actor = ctx.acting_as(user)
        items: list[tuple[str, dict[str, object] | str]] = []
        for path in files:
            if not path.is_file():
                fail(f"no such file: {path}")
            kind = fmt or formats.guess_format(path.name)
            items += [
                (f"{path.name}: {w}", i)
                for w, i in formats.read_items(path.read_bytes(), fmt=kind, name=path.name, defaults=defaults)
            ]
        columns = (TextColumn("reports"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=errors) as progress:
            task = progress.add_task("import", total=len(items))
            result = service.import_reports(
                ctx.session,
                actor,
                items=items,
                marking=marking,
                accreditation=ctx.accreditation,
                on_progress=lambda n: progress.advance(task, n),
            )
        _report(result)
        if result.refused and not (result.stored or result.merged):
            raise typer.Exit(1)


@fimi_app.command("reports")
def list_reports(
    user: AsUser,
    pending: Annotated[bool, typer.Option(help="Only reports with suggestions awaiting a decision.")] = False,
    narrative: Annotated[int | None, typer.Option(help="Only reports confirmed for this narrative.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 50,
) -> None:
    """Reports the user may read, newest first."""
    with transaction() as ctx:
        principal = ctx.acting_as(user).principal
        rows = service.list_reports(ctx.session, principal, pending_only=pending, narrative_id=narrative, limit=limit)
        table = Table("id", "published (UTC)", "outlet", "lang", "outlets", "pending", "title")
        for r in views.summaries(ctx.session, principal, rows):
            table.add_row(
                str(r.id),
                f"{r.published_at:%Y-%m-%d %H:%M}",
                r.outlet,
                r.language,
                str(r.outlets),
                str(r.pending),
                r.title[:60],
            )
        console.print(table)


@narratives_app.command("list")
def list_narratives(user: AsUser) -> None:
    with transaction() as ctx:
        principal = ctx.acting_as(user).principal
        table = Table("id", "title", "reports", "first seen", "last seen", "marking")
        for n in views.narrative_reads(ctx.session, principal, service.list_narratives(ctx.session, principal)):
            first = f"{n.first_seen:%Y-%m-%d}" if n.first_seen else "-"
            last = f"{n.last_seen:%Y-%m-%d}" if n.last_seen else "-"
            table.add_row(str(n.id), n.title, str(n.reports), first, last, n.marking.label)
        console.print(table)


@narratives_app.command("add")
def add_narrative(
    user: AsUser,
    title: Annotated[str, typer.Option()],
    summary: Annotated[str, typer.Option()] = "",
    statement: Annotated[list[str] | None, typer.Option(help="Example statement, any language; repeat.")] = None,
    alias: Annotated[list[str] | None, typer.Option(help="Alias or catchword; repeat.")] = None,
    parent: Annotated[int | None, typer.Option(help="Parent narrative id.")] = None,
    tlp: Tlp = "amber",
    classification: Classification = "NU",
    rel: Rel = None,
) -> None:
    """Add a narrative to the catalogue."""
    with transaction() as ctx:
        data = schemas.NarrativeCreate(
            title=title,
            summary=summary,
            statements=statement or [],
            aliases=alias or [],
            parent_id=parent,
            marking=_marking(tlp, classification, rel, None),
        )
        row = narratives.create_narrative(ctx.session, ctx.acting_as(user), data=data, accreditation=ctx.accreditation)
        console.print(f"narrative {row.id} added")


@narratives_app.command("rescore")
def rescore() -> None:
    """Score every report against the catalogue again (after adding narratives); decisions are kept."""
    with transaction() as ctx:
        pending = narratives.rescore(ctx.session, ctx.actor)
        console.print(f"{pending} suggestions await a decision")


def _term(text: str) -> schemas.TermIn:
    """LABEL=VARIANT|VARIANT|..."""
    label, _, variants = text.partition("=")
    return schemas.TermIn(label=label.strip(), variants=[v.strip() for v in variants.split("|") if v.strip()])


@terms_app.command("list")
def list_term_sets(user: AsUser) -> None:
    with transaction() as ctx:
        principal = ctx.acting_as(user).principal
        for t in terms.term_set_reads(ctx.session, principal, service.list_term_sets(ctx.session, principal)):
            console.print(f"{t.id}  {t.name}  [{t.marking.label}]")
            for term in t.terms:
                console.print(f"    {term.label}: {', '.join(term.variants)}", highlight=False)


@terms_app.command("add")
def add_term_set(
    user: AsUser,
    name: Annotated[str, typer.Option()],
    term: Annotated[list[str], typer.Option(help="LABEL=VARIANT|VARIANT; repeat.")],
    description: Annotated[str, typer.Option()] = "",
    tlp: Tlp = "green",
    classification: Classification = "NU",
    rel: Rel = None,
) -> None:
    """Add a term set; its terms are counted in every stored report."""
    with transaction() as ctx:
        data = schemas.TermSetCreate(
            name=name,
            description=description,
            terms=[_term(t) for t in term],
            marking=_marking(tlp, classification, rel, None),
        )
        row = terms.create_term_set(ctx.session, ctx.acting_as(user), data=data, accreditation=ctx.accreditation)
        console.print(f"term set {row.id} added")


@terms_app.command("chart")
def chart(
    term_set: Annotated[int, typer.Argument(help="Term set id.")],
    user: AsUser,
    by: Annotated[ChartBy, typer.Option(help="total, outlet or country.")] = ChartBy.total,
) -> None:
    """Term counts per week (and outlet or country) as CSV on standard output."""
    with transaction() as ctx:
        read = terms.chart(ctx.session, ctx.acting_as(user).principal, term_set_id=term_set, by=by)
        sys.stdout.write(terms.chart_csv(read))


@incident_app.command("list")
def list_incidents(user: AsUser) -> None:
    with transaction() as ctx:
        principal = ctx.acting_as(user).principal
        table = Table("id", "title", "first seen", "status", "determination", "marking")
        for row in service.list_incidents(ctx.session, principal):
            read = incidents.incident_read(ctx.session, principal, row.id)
            table.add_row(
                str(read.id),
                read.title,
                f"{read.first_seen:%Y-%m-%d}",
                read.status,
                read.determination,
                read.marking.label,
            )
        console.print(table)


@incident_app.command("show")
def show_incident(incident: Annotated[int, typer.Argument()], user: AsUser) -> None:
    """The incident with its DISARM techniques and timeline, as JSON."""
    with transaction() as ctx:
        read = incidents.incident_read(ctx.session, ctx.acting_as(user).principal, incident)
        sys.stdout.write(read.model_dump_json(indent=2) + "\n")


@incident_app.command("create")
def create_incident(
    file: Annotated[Path, typer.Argument(help="The incident as JSON (see the API).")], user: AsUser
) -> None:
    with transaction() as ctx:
        data = schemas.IncidentCreate.model_validate_json(file.read_bytes())
        row = incidents.create_incident(ctx.session, ctx.acting_as(user), data=data, accreditation=ctx.accreditation)
        console.print(f"incident {row.id} recorded")


@incident_app.command("export")
def export_incident(
    incident: Annotated[int, typer.Argument()],
    user: AsUser,
    collection: Annotated[str | None, typer.Option(help="Store in this intel collection (served over TAXII).")] = None,
) -> None:
    """The incident as a STIX 2.1 bundle on standard output, or stored in a collection."""
    with transaction() as ctx:
        actor = ctx.acting_as(user)
        if collection:
            result = sharing.share_incident(
                ctx.session, actor, incident_id=incident, collection=collection, accreditation=ctx.accreditation
            )
            console.print(f"{result.stored} of {result.objects} objects in collection {collection}")
            for refusal in result.refused:
                errors.print(f"  refused {refusal.item}: {refusal.reason}", highlight=False)
            return
        objects = stix.export_objects(ctx.session, actor.principal, incident)
        bundle = {"type": "bundle", "id": f"bundle--{stix.bundle_uuid(objects)}", "objects": objects}
        sys.stdout.buffer.write(orjson.dumps(bundle, option=orjson.OPT_INDENT_2) + b"\n")


@incident_app.command("import")
def import_incident(file: Annotated[Path, typer.Argument(help="A STIX bundle of one incident.")], user: AsUser) -> None:
    with transaction() as ctx:
        try:
            bundle = orjson.loads(file.read_bytes())
        except (orjson.JSONDecodeError, OSError) as exc:
            fail(f"cannot read {file}: {exc}")
        if not isinstance(bundle, dict) or bundle.get("type") != "bundle":
            fail("expected a STIX bundle")
        row = sharing.import_incident(
            ctx.session, ctx.acting_as(user), objects=bundle.get("objects") or [], accreditation=ctx.accreditation
        )
        console.print(f"incident {row.id} imported")
