"""Portable column types: JSON (JSONB on PostgreSQL), timezone-aware UTC timestamps, and stored text as bytes."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Dialect, Integer, LargeBinary
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeDecorator

JSONDocument = JSON().with_variant(JSONB(), "postgresql")

MAX_INTEGER = 2**31 - 1
"""The largest value an Integer column holds on every backend (PostgreSQL's int4); larger ids find nothing."""


RecordId = BigInteger().with_variant(Integer(), "sqlite")
"""The id column of marked records that readers see in URLs: 64-bit (SQLite's INTEGER already is)."""
RANDOM_ID_FLOOR = 2**32
MAX_RECORD_ID = 2**53 - 1
"""Random record ids lie in [2**32, 2**53): safe as JSON numbers, above every id assigned in sequence before."""


def random_id() -> int:
    """A record id that says nothing of how many records exist (a sequence would count hidden ones)."""
    return RANDOM_ID_FLOOR + secrets.randbelow(MAX_RECORD_ID - RANDOM_ID_FLOOR)


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC; always returns aware datetimes, whatever the backend keeps."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError("UTCDateTime needs a datetime")
        if value.tzinfo is None:
            raise ValueError("naive datetime given; all times are stored in UTC")
        utc: datetime = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class document_bytes(FunctionElement[bytes]):  # noqa: N801 - used like the SQL function it compiles to
    """A stored JSON text column as its UTF-8 bytes, for responses that splice stored documents as they are: no
    decoding to ``str`` on the way out of the database and no encoding on the way into the response."""

    type = LargeBinary()
    inherit_cache = True


@compiles(document_bytes)
def _document_bytes_default(element: document_bytes, compiler: SQLCompiler, **kw: Any) -> str:
    return f"convert_to({compiler.process(element.clauses, **kw)}, 'UTF8')"


@compiles(document_bytes, "sqlite")
def _document_bytes_sqlite(element: document_bytes, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST({compiler.process(element.clauses, **kw)} AS BLOB)"
