"""STIX files in and out, in bounded memory: read bundles (STIX 2.1 section 8) or JSON lines as a stream of
objects; write what a principal may read as one bundle, page by page.

Reading: a file whose first line is a complete JSON value is read as JSON lines (each line an object, or a
bundle whose objects are taken); anything else is parsed incrementally with ijson, so a bundle of a million
objects never sits in memory whole. A JSON object with an ``objects`` array is a bundle (``"type": "bundle"``) or a
TAXII envelope (TAXII 2.1 section 3.7: no ``type``); any other ``type`` is refused when the object ends, so callers
keep everything in one transaction and roll back on ``BadFile``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from typing import IO, Any

import ijson
import orjson
from sqlalchemy.orm import Session

from liaison_hub.errors import Forbidden, InvalidInput
from liaison_hub.intel import service as intel
from liaison_hub.intel.schemas import ObjectFilters, PageRequest, Position
from liaison_hub.policy.principal import Principal

HEAD_LIMIT = 1 << 20
EXPORT_PAGE = 1000


class BadFile(InvalidInput):
    """A file that is not JSON, or not STIX bundles or objects."""


class CountingReader:
    """A binary stream that reports how many bytes have been read (for a progress bar)."""

    def __init__(self, stream: IO[bytes], on_read: Callable[[int], None] | None = None, head: bytes = b"") -> None:
        self.stream, self.on_read, self.head = stream, on_read, head

    def read(self, size: int = -1) -> bytes:
        if self.head:
            data, self.head = (self.head, b"") if size < 0 or size >= len(self.head) else self._split(size)
            return data
        data = self.stream.read(size)
        if self.on_read and data:
            self.on_read(len(data))
        return data

    def _split(self, size: int) -> tuple[bytes, bytes]:
        return self.head[:size], self.head[size:]

    def readline(self) -> bytes:
        line = self.stream.readline()
        if self.on_read and line:
            self.on_read(len(line))
        return line


NOT_A_BUNDLE = "a JSON object with an 'objects' list must be a STIX bundle (type 'bundle') or a TAXII envelope"


def _holds_objects(value: dict[str, Any]) -> bool:
    """A bundle (STIX 2.1 section 8) or a TAXII envelope (TAXII 2.1 section 3.7), which has no ``type``."""
    return bool(value.get("type", "bundle") == "bundle")


def _bundle_or_object(value: object, where: str) -> Iterator[object]:
    """The objects of a bundle or envelope, or the value itself when it is one object."""
    if not isinstance(value, dict):
        raise BadFile(f"{where}: expected a STIX bundle or a STIX object, not a JSON {type(value).__name__}")
    if isinstance(value.get("objects"), list):
        if not _holds_objects(value):
            raise BadFile(f"{where}: {NOT_A_BUNDLE}")
        yield from value["objects"]
    else:
        yield value


def _lines(first: bytes, reader: CountingReader) -> Iterator[object]:
    number, line = 1, first
    while line:
        if line.strip():
            try:
                value = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                raise BadFile(f"line {number}: not valid JSON ({exc})") from None
            yield from _bundle_or_object(value, f"line {number}")
        number, line = number + 1, reader.readline()


class _Streamer:
    """Incremental reading of top-level JSON values with ijson: bundle members are built one at a time."""

    def __init__(self, reader: CountingReader) -> None:
        self.reader = reader
        self.top: Any = None
        self.item: Any = None
        self.bundle = False
        self.in_objects = False
        self.count = 0

    def objects(self) -> Iterator[object]:
        try:
            for prefix, event, value in ijson.parse(self.reader, use_float=True, multiple_values=True):
                yield from self._event(prefix, event, value)
        except ijson.JSONError as exc:
            raise BadFile(f"not valid JSON ({exc})") from None
        if self.count == 0:
            raise BadFile("the file holds no JSON object")

    def _event(self, prefix: str, event: str, value: Any) -> Iterator[object]:
        if self.in_objects:
            yield from self._member(prefix, event, value)
        elif prefix == "objects" and event == "start_array" and self.top is not None:
            self.in_objects = self.bundle = True
            self.top.event("null", None)
        elif prefix == "" and event not in ("start_map", "end_map", "map_key"):
            raise BadFile(f"value {self.count + 1}: expected a STIX bundle or a STIX object, not a JSON {event}")
        else:
            yield from self._top(prefix, event, value)

    def _top(self, prefix: str, event: str, value: Any) -> Iterator[object]:
        if prefix == "" and event == "start_map":
            self.top, self.bundle = ijson.ObjectBuilder(), False
        self.top.event(event, value)
        if prefix == "" and event == "end_map":
            self.count += 1
            if self.bundle:
                if not _holds_objects(self.top.value):
                    raise BadFile(NOT_A_BUNDLE)
            else:
                yield self.top.value
            self.top = None

    def _member(self, prefix: str, event: str, value: Any) -> Iterator[object]:
        if prefix == "objects" and event == "end_array":
            self.in_objects = False
        elif self.item is not None:
            self.item.event(event, value)
            if prefix == "objects.item" and event in ("end_map", "end_array"):
                yield self.item.value
                self.item = None
        elif event in ("start_map", "start_array"):
            self.item = ijson.ObjectBuilder()
            self.item.event(event, value)
        else:
            yield value


def read_objects(stream: IO[bytes], on_read: Callable[[int], None] | None = None) -> Iterator[object]:
    """The STIX objects in a file of bundles or JSON lines, one at a time; raises BadFile for anything else."""
    reader = CountingReader(stream, on_read)
    first = stream.readline(HEAD_LIMIT)
    if on_read and first:
        on_read(len(first))
    if not first:
        raise BadFile("the file is empty")
    complete = first.endswith(b"\n") or len(first) < HEAD_LIMIT
    if complete:
        try:
            orjson.loads(first)
        except orjson.JSONDecodeError:
            complete = False
    if complete:
        return _lines(first, reader)
    return _Streamer(CountingReader(stream, on_read, head=first)).objects()


def bundle_parts(documents: Iterable[bytes]) -> Iterator[bytes]:
    """One STIX bundle (section 8) of JSON documents as they are stored, in pieces to write or stream."""
    yield f'{{"type":"bundle","id":"bundle--{uuid.uuid4()}","objects":['.encode()
    separator = b"\n"
    for document in documents:
        yield separator + document
        separator = b",\n"
    yield b"\n]}\n"


def write_bundle(out: IO[bytes], documents: Iterable[bytes]) -> int:
    """Write one bundle of the documents; returns how many were written."""
    count = 0

    def counted() -> Iterator[bytes]:
        nonlocal count
        for document in documents:
            count += 1
            yield document

    for part in bundle_parts(counted()):
        out.write(part)
    return count


def export_documents(
    session: Session,
    open_session: Callable[[], AbstractContextManager[Session]],
    principal: Principal,
    *,
    collections: list[str] | None = None,
    versions: str = "all",
    types: Iterable[str] = (),
) -> Iterator[bytes]:
    """Every version (or only the latest, ``versions='last'``) the principal may read, collection by collection,
    of the given ``types`` (default: all).

    Collections are checked at once in ``session`` (unknown ones raise NotFound before anything is written); the
    pages are then read lazily, each in its own short transaction from ``open_session`` (keyset pagination needs no
    more), so a long export never holds the database. Close ``session`` before consuming the result on SQLite."""
    refs = collections or [c.taxii_id for c in intel.list_collections(session, principal) if c.can_read]
    for ref in refs:
        if not intel.get_collection(session, principal, ref).can_read:
            raise Forbidden(f"you may not read collection {ref!r}")
    return _pages(open_session, principal, refs, ObjectFilters(versions=(versions,), types=tuple(types)))


def _pages(
    open_session: Callable[[], AbstractContextManager[Session]],
    principal: Principal,
    refs: list[str],
    filters: ObjectFilters,
) -> Iterator[bytes]:
    for ref in refs:
        after: Position | None = None
        while True:
            with open_session() as session:
                page = intel.list_objects(
                    session,
                    principal,
                    collection=ref,
                    filters=filters,
                    page=PageRequest(limit=EXPORT_PAGE, after=after),
                )
            yield from page.documents
            if not page.more or page.last is None:
                break
            after = page.last
