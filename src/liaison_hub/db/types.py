"""Portable column types and constructs: JSON (JSONB on PostgreSQL), timezone-aware UTC timestamps, random record
ids, stored text as each driver returns it fastest, and lists of ids bound as one parameter."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import JSON, BigInteger, Boolean, DateTime, Dialect, Integer, LargeBinary, String
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import coercions, roles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import BindParameter, ColumnElement
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import TypeDecorator, TypeEngine

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
    """A stored JSON text column as each driver returns it fastest, for responses that splice stored documents as
    they are: UTF-8 bytes from SQLite (no decoding to ``str``), the text itself from PostgreSQL (a ``bytea`` travels
    hex-encoded, twice the size; psycopg decodes text in C). ``utf8`` makes either bytes."""

    type = LargeBinary()
    inherit_cache = True


def utf8(documents: list[bytes | str]) -> list[bytes]:
    """The documents of ``document_bytes`` as UTF-8 bytes, whichever database gave them."""
    if documents and documents[0].__class__ is str:
        return [d.encode() for d in documents]  # type: ignore[union-attr]
    return documents  # type: ignore[return-value]


@compiles(document_bytes)
def _document_bytes_default(element: document_bytes, compiler: SQLCompiler, **kw: Any) -> str:
    return str(compiler.process(element.clauses, **kw))


@compiles(document_bytes, "sqlite")
def _document_bytes_sqlite(element: document_bytes, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST({compiler.process(element.clauses, **kw)} AS BLOB)"


class IdList(TypeDecorator[list[int]]):
    """A list of integer ids bound as ONE parameter: a PostgreSQL array, a JSON array on SQLite (``in_ids``). One
    parameter keeps a statement's text the same whatever the list's length, so its compiled form is reused, and a
    long list costs the server no parsing of one placeholder per item."""

    impl = String
    cache_ok = True
    item: type[int] | type[str] = int

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(ARRAY(Integer() if self.item is int else String()))
        return dialect.type_descriptor(String())

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            raise ValueError("a list is required")
        items = [self.item(v) for v in value]
        return items if dialect.name == "postgresql" else orjson.dumps(items).decode()


class TextList(IdList):
    """``IdList`` for strings (STIX ids)."""

    cache_ok = True
    item = str


class in_ids(ColumnElement[bool]):  # noqa: N801 - used like an operator
    """``column IN <the ids of an IdList parameter>``: ``= ANY(:p)`` on PostgreSQL, ``IN (SELECT value FROM
    json_each(:p))`` on SQLite. The planner sees the list (a custom plan on PostgreSQL): with statistics, it walks the
    ordered index for a reader who sees much, and starts from the column's index for one who sees little."""

    inherit_cache = True
    type = Boolean()
    # A comparison, as ``IN`` is: without this SQLAlchemy renders ``... IN (...) = 1`` on SQLite, which hides the IN
    # from the planner (no index lookup by the list: it scanned the whole collection instead).
    _is_implicitly_boolean = True

    def __init__(self, column: Any, parameter: BindParameter[Any]) -> None:
        self.column = coercions.expect(roles.ExpressionElementRole, column)
        self.parameter = parameter

    _traverse_internals = [
        ("column", InternalTraversal.dp_clauseelement),
        ("parameter", InternalTraversal.dp_clauseelement),
    ]


@compiles(in_ids)
def _in_ids_default(element: in_ids, compiler: SQLCompiler, **kw: Any) -> str:
    return f"{compiler.process(element.column, **kw)} = ANY({compiler.process(element.parameter, **kw)})"


@compiles(in_ids, "sqlite")
def _in_ids_sqlite(element: in_ids, compiler: SQLCompiler, **kw: Any) -> str:
    column, parameter = compiler.process(element.column, **kw), compiler.process(element.parameter, **kw)
    return f"{column} IN (SELECT value FROM json_each({parameter}))"  # noqa: S608 - compiled SQL, bound values
