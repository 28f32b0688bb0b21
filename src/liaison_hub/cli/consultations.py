"""``liaison consult ...``: create series, propose fair times, list upcoming meetings in a zone, add and close
actions, export .ics. Commands act as a named hub user (``--user``), so the marking policy applies as on the web."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from liaison_hub.cli.common import add_row, console, fail, say, table, transaction, warn
from liaison_hub.cli.lazy import lazy

if TYPE_CHECKING:
    from liaison_hub.consultations import feeds, meetings, rules, schemas, service, views, zones
    from liaison_hub.directory import auth
    from liaison_hub.directory import service as directory
    from liaison_hub.policy import schemas as policy_schemas
else:
    feeds = lazy("liaison_hub.consultations.feeds")
    meetings = lazy("liaison_hub.consultations.meetings")
    rules = lazy("liaison_hub.consultations.rules")
    schemas = lazy("liaison_hub.consultations.schemas")
    service = lazy("liaison_hub.consultations.service")
    views = lazy("liaison_hub.consultations.views")
    zones = lazy("liaison_hub.consultations.zones")
    auth = lazy("liaison_hub.directory.auth")
    directory = lazy("liaison_hub.directory.service")
    policy_schemas = lazy("liaison_hub.policy.schemas")


consult_app = typer.Typer(
    help="Consultations: series, fair scheduling, meetings, actions, calendars.", no_args_is_help=True
)
action_app = typer.Typer(help="Action items.", no_args_is_help=True)
consult_app.add_typer(action_app, name="action")

User = Annotated[str, typer.Option("--user", "-u", help="Act as this hub user (their marking rights apply).")]


def _participant(text: str) -> schemas.ParticipantIn:
    """ORG, ORG=ZONE or ORG=ZONE@HH:MM-HH:MM (acceptable local hours)."""
    organisation, _, rest = text.partition("=")
    zone_name, _, hours = rest.partition("@")
    values: dict[str, object] = {"organisation": organisation.strip(), "zone": zone_name.strip() or None}
    if hours:
        earliest, _, latest = hours.partition("-")
        values |= {"earliest": earliest.strip(), "latest": latest.strip()}
    return schemas.ParticipantIn.model_validate(values)


@consult_app.command("create")
def create(
    user: User,
    title: Annotated[str, typer.Option(help="Title of the series.")],
    rule: Annotated[str, typer.Option(help="RFC 5545 RRULE, e.g. FREQ=MONTHLY;INTERVAL=3;BYDAY=WE;BYSETPOS=2.")],
    first: Annotated[str, typer.Option(help="First date considered (YYYY-MM-DD).")],
    participant: Annotated[list[str], typer.Option(help="ORG[=ZONE[@HH:MM-HH:MM]]; repeat.")],
    anchor: Annotated[str, typer.Option(help="Anchor zone of the rule: UTC or an IANA zone.")] = "UTC",
    duration: Annotated[int, typer.Option(help="Minutes.")] = 90,
    area: Annotated[list[str] | None, typer.Option(help="cyber, disinformation, edt, other; repeat.")] = None,
    tlp: Annotated[str, typer.Option()] = "amber",
    classification: Annotated[str, typer.Option()] = "NU",
    rel: Annotated[list[str] | None, typer.Option(help="Releasable to (nation or grouping); repeat.")] = None,
) -> None:
    """Create a consultation series."""
    with transaction() as ctx:
        data = schemas.SeriesCreate.model_validate(
            {
                "title": title,
                "rule": rule,
                "first_date": first,
                "anchor_zone": anchor,
                "duration_minutes": duration,
                "areas": area or ["cyber"],
                "participants": [_participant(p) for p in participant],
                "marking": policy_schemas.MarkingIn(tlp=tlp, classification=classification, releasable_to=rel or None),
            }
        )
        row = service.create_series(ctx.session, ctx.acting_as(user), data=data, accreditation=ctx.accreditation)
        say(f"created series {row.id} ({row.uid}): {rules.describe_rule(row.rule)}")


@consult_app.command("propose")
def propose(
    user: User,
    series_id: int,
    count: Annotated[int, typer.Option(min=1, max=12)] = 4,
    start: Annotated[str | None, typer.Option(help="First date considered (YYYY-MM-DD).")] = None,
    apply: Annotated[bool, typer.Option("--apply", help="Create or move the meetings.")] = False,
) -> None:
    """Propose fair start times and show each participant's cost; --apply schedules them."""
    with transaction() as ctx:
        request = schemas.ScheduleRequest.model_validate({"count": count, "start": start, "apply": apply})
        plan = views.schedule_read(
            service.propose(ctx.session, ctx.acting_as(user), series_id=series_id, request=request)
        )
        output = table("participant", "zone", *[f"#{i + 1}" for i in range(len(plan.occurrences))], "total")
        for cost_row in plan.cost_table:
            cells = [f"{local[4:]} ({cost})" for local, cost in zip(cost_row.local_starts, cost_row.costs, strict=True)]
            add_row(output, cost_row.organisation, cost_row.zone, *cells, cost_row.total)
        console.print(output)
        say(
            f"rule time {plan.rule_time} {plan.anchor_zone}; worst-off cost {plan.worst}"
            f"{'' if plan.exact else ' (search capped: not proven optimal)'}"
        )
        for warning in plan.warnings:
            warn(warning)
        say("scheduled" if plan.applied else "not applied (use --apply)")


@consult_app.command("upcoming")
def upcoming(
    user: User,
    zone: Annotated[str, typer.Option("--zone", help="Show times in this IANA zone.")] = "UTC",
    limit: Annotated[int, typer.Option(min=1, max=500)] = 20,
) -> None:
    """Upcoming meetings you may read, in a chosen time zone."""
    with transaction() as ctx:
        tz = zones.zone(zone)
        who = ctx.acting_as(user)
        rows = views.meeting_reads(
            ctx.session, who.principal, service.upcoming(ctx.session, who.principal, limit=limit)
        )
        output = table("meeting", "series", f"start ({zone})", "end", "status", "marking")
        if not rows:
            say("no upcoming meeting you may read")
            return
        for m in rows:
            add_row(
                output,
                m.id,
                m.series_title,
                f"{m.starts_at.astimezone(tz):%a %Y-%m-%d %H:%M}",
                f"{m.ends_at.astimezone(tz):%H:%M}",
                m.status,
                m.marking.label,
            )
        console.print(output)


@action_app.command("add")
def action_add(
    user: User,
    meeting_id: int,
    title: Annotated[str, typer.Option()],
    owner: Annotated[str, typer.Option(help="Owner organisation (short name).")],
    due: Annotated[str, typer.Option(help="Due date (YYYY-MM-DD).")],
    assignee: Annotated[str | None, typer.Option(help="Username.")] = None,
    decision: Annotated[int | None, typer.Option(help="Number of the decision it implements.")] = None,
) -> None:
    """Add an action item to a meeting."""
    with transaction() as ctx:
        data = schemas.ActionCreate.model_validate(
            {"title": title, "owner": owner, "due_on": due, "assignee": assignee, "decision_number": decision}
        )
        row = meetings.add_action(
            ctx.session, ctx.acting_as(user), meeting_id=meeting_id, data=data, accreditation=ctx.accreditation
        )
        say(f"action {row.id} added, due {row.due_on.isoformat()}")


@action_app.command("close")
def action_close(
    user: User,
    action_id: int,
    cancel: Annotated[bool, typer.Option("--cancel", help="Cancel instead of marking done.")] = False,
) -> None:
    """Mark an action item done (or cancelled)."""
    with transaction() as ctx:
        status = schemas.ActionStatus.cancelled if cancel else schemas.ActionStatus.done
        row = meetings.update_action(
            ctx.session, ctx.acting_as(user), action_id=action_id, data=schemas.ActionUpdate(status=status)
        )
        say(f"action {row.id} {row.status}")


@action_app.command("mine")
def action_mine(user: User) -> None:
    """Your open actions, overdue first."""
    with transaction() as ctx:
        who = ctx.acting_as(user).principal
        today = directory.local_today(ctx.session, who)
        rows = views.action_reads(ctx.session, who, service.my_actions(ctx.session, who, today), today)
        if not rows:
            say(f"no open action for you or your organisation (today is {today.isoformat()} where you are)")
            return
        output = table("id", "title", "owner", "due", "status")
        for a in rows:
            due = f"{a.due_on} overdue" if a.overdue else str(a.due_on)
            add_row(output, a.id, a.title, a.owner, due, a.status, style="red" if a.overdue else None)
        console.print(output)


@consult_app.command("export-ics")
def export_ics(
    user: User,
    series_id: Annotated[int | None, typer.Argument(help="One series; omit for all you may read.")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write; default stdout.")] = None,
) -> None:
    """Write an iCalendar file of a series (or of every series you may read)."""
    with transaction() as ctx:
        body = feeds.calendar_for(ctx.session, ctx.acting_as(user).principal, series_id=series_id)
    if output is None:
        typer.echo(body.decode(), nl=False)
        return
    try:
        output.write_bytes(body)
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror}")
    say(f"wrote {output} ({len(body)} bytes)")
