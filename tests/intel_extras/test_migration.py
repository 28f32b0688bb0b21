"""Migration 0004 builds exactly the correlation tables the models declare, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from liaison_hub.db.engine import create_db_engine
from liaison_hub.models import SHAREABLE_TABLES, Base
from tests.conftest import Database

TABLES = {"intel_observable", "intel_sighting_link"}


def test_migration_matches_the_models(database: Database) -> None:
    engine = create_db_engine(database.url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = [d for d in compare_metadata(context, Base.metadata) if TABLES & set(map(str, _tables(d)))]
        indexes = {i["name"] for i in inspect(conn).get_indexes("intel_observable")}
    engine.dispose()
    assert differences == []
    assert "ix_intel_observable_lookup" in indexes
    assert TABLES <= SHAREABLE_TABLES


def _tables(difference: object) -> list[object]:
    """The table names a difference from compare_metadata is about (it nests tuples for column changes)."""
    found: list[object] = []
    items = difference if isinstance(difference, list) else [difference]
    for item in items:
        for part in item if isinstance(item, tuple) else (item,):
            name = (
                getattr(part, "name", None)
                if hasattr(part, "columns")
                else getattr(getattr(part, "table", None), "name", None)
            )
            if name is None and isinstance(part, str):
                name = part
            if name is not None:
                found.append(name)
    return found
