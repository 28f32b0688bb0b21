"""Alembic, driven from code: upgrade a database and tell whether it is current."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from liaison_hub.errors import OutdatedDatabase

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "heads") -> None:
    command.upgrade(alembic_config(url), revision)


def heads(url: str) -> set[str]:
    return set(ScriptDirectory.from_config(alembic_config(url)).get_heads())


def current(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return set(MigrationContext.configure(conn).get_current_heads())


def ensure_current(engine: Engine) -> None:
    """Refuse to run on a database whose schema is behind (or ahead of) this code."""
    url = engine.url.render_as_string(hide_password=False)
    have, want = current(engine), heads(url)
    if have != want:
        state = "empty" if not have else f"at {', '.join(sorted(have))}"
        raise OutdatedDatabase(
            f"the database is {state}, this version of Liaison Hub needs {', '.join(sorted(want))}: "
            "run 'liaison db upgrade' (or 'liaison init' for a new hub)"
        )
