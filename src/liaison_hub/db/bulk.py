"""Bulk inserts: COPY on PostgreSQL (one stream instead of a statement per row), executemany on SQLite."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from liaison_hub.errors import InvalidInput

NUL = "\x00"


def has_nul(parameters: Any) -> bool:
    """Whether any bound string holds NUL; ``parameters`` is one row (tuple or mapping) or a list of rows."""
    rows = parameters if isinstance(parameters, list) else (parameters,)
    for row in rows:
        values = row.values() if isinstance(row, Mapping) else row if isinstance(row, list | tuple) else (row,)
        for value in values:
            if value.__class__ is str and NUL in value:
                return True
    return False


def refuse_nul(parameters: Any) -> None:
    # PostgreSQL cannot hold NUL in text and fails with a server error; refuse it as bad input on every backend.
    if has_nul(parameters):
        raise InvalidInput("text must not contain NUL (\\x00) characters")


def _with_defaults(table: Table, rows: Sequence[Mapping[str, Any]]) -> tuple[list[str], list[list[Any]]]:
    """Column names and value lists, filling the scalar Python-side defaults an INSERT would apply."""
    given = list(rows[0].keys())
    defaults = {
        c.name: cast(Any, c.default).arg
        for c in table.columns
        if c.name not in rows[0] and c.default is not None and getattr(c.default, "is_scalar", False)
    }
    columns = given + list(defaults)
    fill = list(defaults.values())
    return columns, [[row[c] for c in given] + fill for row in rows]


def insert_rows(session: Session, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert many rows of plain values (str, int, bool, None) that all have the same keys."""
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        connection.execute(insert(table), list(rows))
        return
    columns, values = _with_defaults(table, rows)
    refuse_nul(values)
    quote = connection.dialect.identifier_preparer.quote
    statement = f"COPY {quote(table.name)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
    with connection.connection.driver_connection.cursor() as cursor, cursor.copy(statement) as copy:  # type: ignore[union-attr]
        for row in values:
            copy.write_row(row)
