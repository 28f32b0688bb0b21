"""CLI for the directory: nations, groupings, organisations, users and tokens."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from liaison_hub.cli.common import add_row, console, say, transaction
from liaison_hub.cli.common import table as new_table
from liaison_hub.cli.lazy import lazy
from liaison_hub.directory.choices import NationStatus
from liaison_hub.policy.principal import Role, Scope

if TYPE_CHECKING:
    from liaison_hub.directory import schemas, service
else:
    schemas, service = lazy("liaison_hub.directory.schemas"), lazy("liaison_hub.directory.service")

nation_app = typer.Typer(help="Nations and their status towards the alliance.", no_args_is_help=True)
grouping_app = typer.Typer(help="Groupings of nations (ALLIANCE, AP4, ...).", no_args_is_help=True)
org_app = typer.Typer(help="Organisations.", no_args_is_help=True)
user_app = typer.Typer(help="Users.", no_args_is_help=True)
token_app = typer.Typer(help="API tokens.", no_args_is_help=True)


def _table(*columns: str) -> Table:
    return new_table(*columns)


@nation_app.command("list")
def nation_list(
    status: Annotated[NationStatus | None, typer.Option(help="Only nations with this status.")] = None,
    search: Annotated[str | None, typer.Option("--search", "-q", help="Part of a name or code.")] = None,
) -> None:
    """List nations."""
    with transaction() as ctx:
        table = _table("code", "name", "status")
        for n in service.list_nations(ctx.session, status=status.value if status else None, query=search):
            add_row(table, n.code, n.name, n.status)
        console.print(table)


@nation_app.command("set-status")
def nation_set_status(code: str, status: NationStatus) -> None:
    """Change a nation's status (member, partner, none); ALLIANCE membership follows."""
    with transaction() as ctx:
        n = service.set_nation_status(ctx.session, ctx.actor, code=code, status=status)
        say(f"{n.code} ({n.name}) is now {n.status}")


@grouping_app.command("list")
def grouping_list() -> None:
    """List groupings and their members."""
    with transaction() as ctx:
        table = _table("code", "name", "members")
        for g in service.list_groupings(ctx.session):
            add_row(table, g.code, g.name, " ".join(m.nation_code for m in g.members))
        console.print(table)


@grouping_app.command("create")
def grouping_create(
    code: str,
    name: str,
    member: Annotated[list[str] | None, typer.Option("--member", "-m", help="Nation code; repeat.")] = None,
) -> None:
    """Create a grouping."""
    with transaction() as ctx:
        g = service.create_grouping(
            ctx.session, ctx.actor, data=schemas.GroupingCreate(code=code, name=name, members=member or [])
        )
        say(f"created grouping {g.code} with {len(g.members)} members")


@grouping_app.command("add")
def grouping_add(code: str, nations: list[str]) -> None:
    """Add member nations to a grouping."""
    with transaction() as ctx:
        g = service.change_grouping_members(ctx.session, ctx.actor, code=code, add=nations)
        say(f"{g.code}: {' '.join(m.nation_code for m in g.members)}")


@grouping_app.command("remove")
def grouping_remove(code: str, nations: list[str]) -> None:
    """Remove member nations from a grouping."""
    with transaction() as ctx:
        g = service.change_grouping_members(ctx.session, ctx.actor, code=code, remove=nations)
        say(f"{g.code}: {' '.join(m.nation_code for m in g.members)}")


@org_app.command("list")
def org_list(nation: Annotated[str | None, typer.Option(help="Only this nation's organisations.")] = None) -> None:
    """List organisations."""
    with transaction() as ctx:
        table = _table("id", "short name", "name", "nation")
        for o in service.list_organisations(ctx.session, nation_code=nation):
            add_row(table, str(o.id), o.short_name, o.name, o.nation_code or "(alliance)")
        console.print(table)


@org_app.command("add")
def org_add(
    name: Annotated[str, typer.Option(help="Full name.")],
    short_name: Annotated[str, typer.Option("--short", help="Short name, unique.")],
    nation: Annotated[str | None, typer.Option(help="ISO alpha-3 code; omit for an alliance body.")] = None,
) -> None:
    """Add an organisation."""
    with transaction() as ctx:
        o = service.create_organisation(
            ctx.session,
            ctx.actor,
            data=schemas.OrganisationCreate(name=name, short_name=short_name, nation_code=nation),
        )
        say(f"created organisation {o.short_name} (id {o.id})")


@org_app.command("update")
def org_update(
    ref: str,
    name: Annotated[str | None, typer.Option(help="New full name.")] = None,
    short_name: Annotated[str | None, typer.Option("--short", help="New short name.")] = None,
) -> None:
    """Rename an organisation (by id or short name)."""
    with transaction() as ctx:
        o = service.update_organisation(
            ctx.session, ctx.actor, ref=ref, data=schemas.OrganisationUpdate(name=name, short_name=short_name)
        )
        say(f"updated organisation {o.short_name} (id {o.id})")


@user_app.command("list")
def user_list() -> None:
    """List users."""
    with transaction() as ctx:
        table = _table("username", "name", "organisation", "roles", "clearance", "active")
        for u in service.list_users(ctx.session):
            add_row(
                table,
                u.username,
                u.display_name,
                u.organisation.short_name,
                ", ".join(u.roles),
                u.clearance,
                "yes" if u.is_active else "no",
            )
        console.print(table)


@user_app.command("add")
def user_add(
    username: str,
    name: Annotated[str, typer.Option(help="Display name.")],
    org: Annotated[str, typer.Option(help="Organisation short name.")],
    role: Annotated[list[Role] | None, typer.Option(help="Role; repeat for several.")] = None,
    clearance: Annotated[str, typer.Option(help="Classification code, e.g. NR or NS.")] = "NU",
    timezone: Annotated[str, typer.Option(help="IANA time zone.")] = "UTC",
    email: Annotated[str | None, typer.Option()] = None,
    password: Annotated[bool, typer.Option("--password/--no-password", help="Prompt for a web password.")] = False,
) -> None:
    """Add a user."""
    secret = typer.prompt("Password", hide_input=True, confirmation_prompt=True) if password else None
    with transaction() as ctx:
        u = service.create_user(
            ctx.session,
            ctx.actor,
            data=schemas.UserCreate(
                username=username,
                display_name=name,
                organisation=org,
                roles=role or [Role.reader],
                clearance=clearance,
                timezone=timezone,
                email=email,
                password=secret,
            ),
        )
        say(f"created user {u.username} in {u.organisation.short_name}")


@user_app.command("update")
def user_update(
    username: str,
    role: Annotated[list[Role] | None, typer.Option(help="Replace roles; repeat for several.")] = None,
    clearance: Annotated[str | None, typer.Option()] = None,
    timezone: Annotated[str | None, typer.Option()] = None,
    active: Annotated[bool | None, typer.Option("--active/--inactive")] = None,
    password: Annotated[bool, typer.Option("--password", help="Prompt for a new web password.")] = False,
) -> None:
    """Change a user's roles, clearance, time zone, state or password."""
    secret = typer.prompt("New password", hide_input=True, confirmation_prompt=True) if password else None
    with transaction() as ctx:
        u = service.update_user(
            ctx.session,
            ctx.actor,
            username=username,
            data=schemas.UserUpdate(
                roles=role, clearance=clearance, timezone=timezone, is_active=active, password=secret
            ),
        )
        say(f"updated user {u.username}")


@token_app.command("create")
def token_create(
    user: Annotated[str, typer.Option("--user", help="Whose token.")],
    scope: Annotated[list[Scope] | None, typer.Option("--scope", help="read, write or admin; repeat.")] = None,
    name: Annotated[str, typer.Option(help="What the token is for.")] = "cli",
    expires_days: Annotated[int, typer.Option(help="Days until it expires.")] = 90,
) -> None:
    """Create an API token; it is printed once and never shown again."""
    with transaction() as ctx:
        row, token = service.create_token(
            ctx.session,
            ctx.actor,
            username=user,
            secret_key=ctx.settings.secret_key,
            data=schemas.TokenCreate(name=name, scopes=scope or [Scope.read], expires_in_days=expires_days),
        )
        say(f"token {row.id} for {user}, scopes {', '.join(row.scopes)}, expires {row.expires_at:%Y-%m-%d}")
        say("store it now; it is not shown again:")
        typer.echo(token)


@token_app.command("list")
def token_list(user: Annotated[str, typer.Option("--user")]) -> None:
    """List a user's tokens (never the tokens themselves)."""
    with transaction() as ctx:
        tokens = service.list_tokens(ctx.session, user)
        if not tokens:
            say(f"{user} has no API tokens")
            return
        table = _table("id", "name", "prefix", "scopes", "expires", "revoked", "last used")
        for t in tokens:
            add_row(
                table,
                str(t.id),
                t.name,
                t.prefix,
                ", ".join(t.scopes),
                f"{t.expires_at or '-'}",
                f"{t.revoked_at or '-'}",
                f"{t.last_used_at or '-'}",
            )
        console.print(table)


@token_app.command("revoke")
def token_revoke(token_id: int) -> None:
    """Revoke a token at once."""
    with transaction() as ctx:
        service.revoke_token(ctx.session, ctx.actor, token_id=token_id)
        say(f"token {token_id} revoked")
