"""``liaison edt ...``: the technology watch from the command line: areas, technologies and their history,
signals (inbox, promotion), projects and milestones, and the radar as a table, SVG, tech-radar JSON or BYOR CSV.
Commands act ``--as`` a hub user, so that user's reading and marking rights apply as on the API."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import orjson
import typer

from liaison_hub.cli.common import add_row, console, fail, say, table, transaction, warn
from liaison_hub.cli.lazy import lazy
from liaison_hub.edt.areas import catalogue

if TYPE_CHECKING:
    from liaison_hub.directory import auth
    from liaison_hub.edt import drawing, projects, radar, schemas, service, sharing, signals, stix
    from liaison_hub.policy import schemas as policy_schemas
    from liaison_hub.policy.schemas import MarkingIn
else:
    auth = lazy("liaison_hub.directory.auth")
    drawing, projects = lazy("liaison_hub.edt.drawing"), lazy("liaison_hub.edt.projects")
    radar, schemas = lazy("liaison_hub.edt.radar"), lazy("liaison_hub.edt.schemas")
    service, sharing = lazy("liaison_hub.edt.service"), lazy("liaison_hub.edt.sharing")
    signals, stix = lazy("liaison_hub.edt.signals"), lazy("liaison_hub.edt.stix")
    policy_schemas = lazy("liaison_hub.policy.schemas")

edt_app = typer.Typer(
    help="Emerging and disruptive technologies: the watch, signals, projects, radar.", no_args_is_help=True
)
tech_app = typer.Typer(help="Technologies and their readiness history.", no_args_is_help=True)
signal_app = typer.Typer(help="Signals: trends, weak signals, wild cards, drivers.", no_args_is_help=True)
project_app = typer.Typer(help="Cooperative projects and their milestones.", no_args_is_help=True)
edt_app.add_typer(tech_app, name="tech")
edt_app.add_typer(signal_app, name="signal")
edt_app.add_typer(project_app, name="project")

AsUser = Annotated[str, typer.Option("--as", help="Act as this hub user: their rights apply.")]
Tlp = Annotated[str, typer.Option(help="clear, green, amber, amber+strict, red.")]
Classification = Annotated[str, typer.Option(help="NU, NR, NC, NS, CTS.")]
Rel = Annotated[list[str] | None, typer.Option("--rel", help="Releasable to (nation or grouping); repeat.")]
Recipient = Annotated[list[str] | None, typer.Option("--recipient", help="Organisation (RED, AMBER+STRICT).")]
On = Annotated[date, typer.Option("--on", formats=["%Y-%m-%d"], help="Date (YYYY-MM-DD).")]


def _marking(tlp: str, classification: str, rel: list[str] | None, recipients: list[str] | None) -> MarkingIn:
    return policy_schemas.MarkingIn(
        tlp=tlp, classification=classification, releasable_to=rel, recipients=recipients or []
    )


@edt_app.command("areas")
def areas() -> None:
    """The areas, their radar quadrant, and the rings (from the areas data file)."""
    known = catalogue()
    shown = table("area", "name", "quadrant")
    for area in known.areas:
        add_row(shown, area.code, area.name, known.quadrants[area.quadrant])
    console.print(shown)
    say("rings: " + ", ".join(r.code for r in known.rings))


@tech_app.command("add")
def add_technology(
    user: AsUser,
    name: Annotated[str, typer.Option()],
    area: Annotated[list[str], typer.Option("--area", help="An area code; repeat.")],
    readiness: Annotated[int, typer.Option(help="Technology readiness level, 1-9.")],
    ring: Annotated[str, typer.Option()],
    on: On,
    description: str = "",
    horizon: str = "mid",
    interest: Annotated[list[str] | None, typer.Option(help="NATION:level (lead, participating, interested).")] = None,
    tlp: Tlp = "amber",
    classification: Classification = "NU",
    rel: Rel = None,
    recipient: Recipient = None,
) -> None:
    """Add a technology with its first readiness entry."""
    pairs = [i.partition(":") for i in interest or []]
    data = schemas.TechnologyCreate.model_validate(
        {
            "name": name,
            "description": description,
            "areas": area,
            "horizon": horizon,
            "readiness": readiness,
            "ring": ring,
            "effective_on": on,
            "interest": [{"nation": n, "level": lv or "interested"} for n, _, lv in pairs],
            "marking": _marking(tlp, classification, rel, recipient),
        }
    )
    with transaction() as ctx:
        row = service.create_technology(ctx.session, ctx.acting_as(user), data=data, accreditation=ctx.accreditation)
        say(f"technology {row.id} added")


@tech_app.command("move")
def move(
    technology: Annotated[int, typer.Argument()],
    user: AsUser,
    readiness: Annotated[int, typer.Option()],
    ring: Annotated[str, typer.Option()],
    on: On,
    reason: Annotated[str, typer.Option()],
    evidence: str = "",
    tlp: Annotated[
        str | None, typer.Option(help="A narrower marking for this entry (default: the technology's).")
    ] = None,
    classification: Classification = "NU",
    rel: Rel = None,
    recipient: Recipient = None,
) -> None:
    """Record a readiness level and ring as of a date."""
    marking = _marking(tlp, classification, rel, recipient) if tlp else None
    data = schemas.HistoryIn(
        effective_on=on, readiness=readiness, ring=ring, reason=reason, evidence=evidence, marking=marking
    )
    with transaction() as ctx:
        entry = service.add_history(
            ctx.session, ctx.acting_as(user), technology_id=technology, data=data, accreditation=ctx.accreditation
        )
        say(f"history entry {entry.id} recorded")


@tech_app.command("list")
def list_technologies(user: AsUser, at: Annotated[date | None, typer.Option(formats=["%Y-%m-%d"])] = None) -> None:
    with transaction() as ctx:
        view = radar.radar(ctx.session, ctx.acting_as(user).principal, at=at)
        shown = table("id", "name", "area", "ring", "readiness")
        for e in view.entries:
            add_row(shown, e.technology_id, e.name, e.area, e.ring, e.readiness)
        console.print(shown)


@tech_app.command("show")
def show_technology(technology: Annotated[int, typer.Argument()], user: AsUser) -> None:
    """A technology with its readable history."""
    with transaction() as ctx:
        read = service.technology_read(ctx.session, ctx.acting_as(user).principal, technology)
        say(f"{read.name} [{', '.join(read.areas)}] — readiness {read.readiness}, {read.ring} — {read.marking.label}")
        shown = table("date", "readiness", "ring", "by", "reason", "marking")
        for h in read.history:
            add_row(shown, h.effective_on, h.readiness, h.ring, h.recorded_by or "", h.reason, h.marking.label)
        console.print(shown)


@signal_app.command("add")
def add_signal(
    user: AsUser,
    kind: Annotated[str, typer.Option(help="trend, weak_signal, wild_card, driver.")],
    title: Annotated[str, typer.Option()],
    on: On,
    confidence: Annotated[int, typer.Option(help="0-100.")],
    impact: str = "medium",
    url: str | None = None,
    tech: Annotated[list[int] | None, typer.Option("--tech", help="A technology id; repeat.")] = None,
    source: Annotated[list[str] | None, typer.Option(help="fimi.report:ID or intel:COLLECTION/STIX-ID.")] = None,
    tlp: Tlp = "amber",
    classification: Classification = "NU",
    rel: Rel = None,
    recipient: Recipient = None,
) -> None:
    pairs = [s.partition(":") for s in source or []]
    data = schemas.SignalCreate.model_validate(
        {
            "kind": kind,
            "title": title,
            "observed_on": on,
            "confidence": confidence,
            "impact": impact,
            "url": url,
            "technologies": tech or [],
            "sources": [{"kind": k, "ref": r} for k, _, r in pairs],
            "marking": _marking(tlp, classification, rel, recipient),
        }
    )
    with transaction() as ctx:
        row = signals.create_signal(ctx.session, ctx.acting_as(user), data=data, accreditation=ctx.accreditation)
        say(f"signal {row.id} recorded")


@signal_app.command("list")
def list_signals(user: AsUser, inbox: Annotated[bool, typer.Option(help="Only new signals.")] = False) -> None:
    with transaction() as ctx:
        principal = ctx.acting_as(user).principal
        rows = signals.signal_reads(
            ctx.session, principal, signals.list_signals(ctx.session, principal, status="new" if inbox else None)
        )
        shown = table("id", "date", "kind", "title", "status", "technologies")
        for s in rows:
            add_row(shown, s.id, s.observed_on, s.kind, s.title, s.status, ", ".join(t.title for t in s.technologies))
        console.print(shown)


@signal_app.command("promote")
def promote(
    signal: Annotated[int, typer.Argument()],
    user: AsUser,
    tech: Annotated[int, typer.Option("--tech")],
    reason: Annotated[str, typer.Option()],
    readiness: int | None = None,
    ring: str | None = None,
) -> None:
    """Move a technology's readiness or ring on the strength of a signal."""
    data = schemas.PromoteIn(technology_id=tech, readiness=readiness, ring=ring, reason=reason)
    with transaction() as ctx:
        entry = signals.promote(
            ctx.session, ctx.acting_as(user), signal_id=signal, data=data, accreditation=ctx.accreditation
        )
        say(f"history entry {entry.id} recorded from signal {signal}")


@project_app.command("add")
def add_project(file: Annotated[Path, typer.Argument(help="The project as JSON (see the API).")], user: AsUser) -> None:
    with transaction() as ctx:
        data = schemas.ProjectCreate.model_validate_json(file.read_bytes())
        row = projects.create_project(ctx.session, ctx.acting_as(user), data=data, accreditation=ctx.accreditation)
        say(f"project {row.id} recorded")


@project_app.command("list")
def list_projects(user: AsUser) -> None:
    with transaction() as ctx:
        principal = ctx.acting_as(user).principal
        for p in projects.project_reads(ctx.session, principal, projects.list_projects(ctx.session, principal)):
            say(f"{p.id}  {p.name} ({p.status}, {p.starts_on} to {p.ends_on}) — {', '.join(p.nations)}")
            for m in p.milestones:
                say(f"    [{'x' if m.done else ' '}] {m.due_on}  {m.title}  (milestone {m.id})")


@project_app.command("milestone")
def milestone(
    project: Annotated[int, typer.Argument()],
    milestone_id: Annotated[int, typer.Argument()],
    user: AsUser,
    done: Annotated[bool, typer.Option("--done/--not-done")] = True,
) -> None:
    with transaction() as ctx:
        projects.set_milestone(
            ctx.session, ctx.acting_as(user), project_id=project, milestone_id=milestone_id, done=done
        )
        say(f"milestone {milestone_id} {'done' if done else 'not done'}")


@edt_app.command("radar")
def show_radar(
    user: AsUser,
    at: Annotated[date | None, typer.Option(formats=["%Y-%m-%d"])] = None,
    since: Annotated[date | None, typer.Option(formats=["%Y-%m-%d"])] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, svg, tech-radar (JSON) or byor (CSV).")] = "table",
) -> None:
    """The radar as the user may read it; moves since ``--since``."""
    if fmt not in ("table", "svg", "tech-radar", "byor"):
        fail(f"unknown format {fmt!r}: table, svg, tech-radar or byor")
    with transaction() as ctx:
        view = radar.radar(ctx.session, ctx.acting_as(user).principal, at=at, since=since)
        if fmt == "svg":
            sys.stdout.write(drawing.svg(view) + "\n")
        elif fmt == "tech-radar":
            sys.stdout.buffer.write(orjson.dumps(radar.tech_radar_json(view), option=orjson.OPT_INDENT_2) + b"\n")
        elif fmt == "byor":
            sys.stdout.write(radar.byor_csv(view))
        else:
            marks = {2: "new", 1: "moved in", -1: "moved out", 0: ""}
            shown = table("name", "area", "ring", "readiness", "move")
            for e in view.entries:
                add_row(shown, e.name, e.area, e.ring, e.readiness, marks[e.moved])
            console.print(shown)


@edt_app.command("export")
def export(
    user: AsUser,
    collection: Annotated[str | None, typer.Option(help="Store in this intel collection (served over TAXII).")] = None,
) -> None:
    """The watch as a STIX 2.1 bundle on standard output, or the user's organisation's records in a collection."""
    with transaction() as ctx:
        actor = ctx.acting_as(user)
        if collection:
            result = sharing.share_watch(ctx.session, actor, collection=collection, accreditation=ctx.accreditation)
            say(f"{result.stored} of {result.objects} objects in collection {collection}")
            for refusal in result.refused:
                warn(f"refused {refusal.item}: {refusal.reason}")
            return
        objects = stix.export_objects(ctx.session, actor.principal)
        bundle = {"type": "bundle", "id": f"bundle--{stix.bundle_uuid(objects)}", "objects": objects}
        sys.stdout.buffer.write(orjson.dumps(bundle, option=orjson.OPT_INDENT_2) + b"\n")


@edt_app.command("import")
def import_bundle(file: Annotated[Path, typer.Argument(help="A STIX 2.1 bundle.")], user: AsUser) -> None:
    """Build technologies and signals from a STIX bundle; nothing is kept when any part is refused."""
    with transaction() as ctx:
        if not file.is_file():
            fail(f"no such file: {file}")
        try:
            bundle = orjson.loads(file.read_bytes())
        except orjson.JSONDecodeError:
            fail(f"{file} is not JSON")
        objects = bundle.get("objects") if isinstance(bundle, dict) else None
        if not isinstance(objects, list):
            fail("expected a STIX bundle (type 'bundle' with an 'objects' list)")
        made = sharing.import_objects(
            ctx.session, ctx.acting_as(user), objects=objects, accreditation=ctx.accreditation
        )
        say(f"{len(made)} records imported")
