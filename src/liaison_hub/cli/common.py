"""What every CLI command shares: settings, one transaction, the CLI actor, and error rendering."""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, NoReturn

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from liaison_hub.cli.lazy import lazy
from liaison_hub.errors import HubError, describe_validation
from liaison_hub.policy.levels import Level, parse_classification
from liaison_hub.policy.principal import SYSTEM, Actor, PrincipalKind

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from liaison_hub import config
    from liaison_hub.config import Settings
    from liaison_hub.db import engine as db_engine
    from liaison_hub.db import migrate
    from liaison_hub.directory import auth
else:
    config = lazy("liaison_hub.config")
    db_engine, migrate = lazy("liaison_hub.db.engine"), lazy("liaison_hub.db.migrate")
    auth = lazy("liaison_hub.directory.auth")

console = Console()
errors = Console(stderr=True)


@dataclass(frozen=True)
class CliContext:
    settings: Settings
    session: Session
    actor: Actor

    @property
    def accreditation(self) -> Level:
        return parse_classification(self.settings.accreditation)

    def acting_as(self, username: str) -> Actor:
        """A command's ``--as`` user, with that user's rights, audited as coming from the CLI."""
        return auth.acting_as(
            self.session, username, accreditation=self.accreditation, kind=PrincipalKind.cli, source="cli"
        )


def cli_actor() -> Actor:
    """Commands run on the hub's own machine act with full rights, audited under the OS user's name."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = "unknown"
    return Actor(replace(SYSTEM, username=f"cli:{name}"), source="cli")


def load_settings() -> Settings:
    try:
        return config.get_settings()
    except ValidationError as exc:
        fail(f"invalid settings: {format_validation(exc)}")


def fail(message: str, code: int = 1) -> NoReturn:
    """Print an error (its text is never read as Rich markup) and exit non-zero."""
    errors.print(Text.assemble(("error:", "bold red"), " ", message), highlight=False)
    raise typer.Exit(code)


def say(message: str, *, soft_wrap: bool = False) -> None:
    """Print a message whose values came from users or records: square brackets are shown, never read as markup."""
    console.print(Text(message), highlight=False, soft_wrap=soft_wrap)


def warn(message: str) -> None:
    errors.print(Text.assemble(("warning:", "bold yellow"), " ", message), highlight=False)


def table(*columns: str) -> Table:
    """A table whose headers are plain text (``row`` adds plain cells)."""
    return Table(*(escape(c) for c in columns), header_style="bold")


def add_row(target: Table, *values: object, style: str | None = None) -> None:
    """Add a row of plain cells: names and titles such as "[bold]X" are shown as typed."""
    target.add_row(*(Text(str(v)) for v in values), style=style)


def format_validation(exc: ValidationError) -> str:
    return describe_validation(exc)


@contextmanager
def database_errors() -> Iterator[None]:
    """A database that cannot be reached becomes a message and exit code 1, not a traceback."""
    from sqlalchemy.exc import OperationalError

    try:
        yield
    except OperationalError as exc:
        fail(f"cannot use the database: {exc.orig}")


@contextmanager
def transaction() -> Iterator[CliContext]:
    """One transaction for the command; domain errors become a message on stderr and exit code 1."""
    from sqlalchemy.exc import OperationalError

    settings = load_settings()
    try:
        engine = db_engine.create_db_engine(settings.effective_database_url)
        migrate.ensure_current(engine)
        with db_engine.session_scope(db_engine.make_session_factory(engine)) as session:
            yield CliContext(settings=settings, session=session, actor=cli_actor())
    except HubError as exc:
        fail(exc.message)
    except ValidationError as exc:
        fail(format_validation(exc))
    except OperationalError as exc:
        fail(f"cannot use the database: {exc.orig}")
    finally:
        if "engine" in locals():
            engine.dispose()
