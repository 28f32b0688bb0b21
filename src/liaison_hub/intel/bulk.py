"""Batched INSERTs of the ingest path (stored versions, correlation index rows).

On SQLite the rows go to the driver's ``executemany`` as plain tuples through ``exec_driver_sql``: the compiled
``insert()`` path builds and processes a parameter dictionary per row, which cost about a tenth of a TAXII POST.
Bind processors (none for these tables' plain columns today) and scalar column defaults are still applied, and the
engine's NUL check still sees every row. Other databases use ``db.bulk.insert_rows`` (COPY on PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

from sqlalchemy import Dialect, Table
from sqlalchemy.orm import Session

from liaison_hub.db.bulk import insert_rows


def insert_many(session: Session, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert many rows of plain values that all have the same keys, in one statement executed many times."""
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        insert_rows(session, table, rows)
        return
    given = list(rows[0].keys())
    defaults = {
        c.name: cast(Any, c.default).arg
        for c in table.columns
        if c.name not in rows[0] and c.default is not None and getattr(c.default, "is_scalar", False)
    }
    quote = connection.dialect.identifier_preparer.quote
    columns = ", ".join(quote(c) for c in [*given, *defaults])
    marks = ", ".join("?" * (len(given) + len(defaults)))
    statement = f"INSERT INTO {quote(table.name)} ({columns}) VALUES ({marks})"  # noqa: S608 (names from the model)
    connection.exec_driver_sql(statement, _values(table, connection.dialect, given, rows, tuple(defaults.values())))


def _values(
    table: Table, dialect: Dialect, given: list[str], rows: Sequence[Mapping[str, Any]], fill: tuple[Any, ...]
) -> list[tuple[Any, ...]]:
    """Each row's values in column order, through the columns' bind processors, then the defaults."""
    processors = [table.columns[name].type.bind_processor(dialect) for name in given]
    if not any(processors):
        return [tuple([row[c] for c in given]) + fill for row in rows]
    pairs = list(zip(given, processors, strict=True))
    return [tuple([p(row[c]) if p else row[c] for c, p in pairs]) + fill for row in rows]
