"""Intel queries. Every read of stored objects goes through ``policy.readable``; the unfiltered reads bookkeeping
needs are in ``intel.bookkeeping``. Writes (inserts, flag updates, deletes) are here too."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from threading import Lock
from typing import Any, cast

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Integer,
    Select,
    Table,
    and_,
    bindparam,
    case,
    delete,
    false,
    func,
    insert,
    literal,
    null,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.orm import Session, aliased

from liaison_hub.db.bulk import insert_values
from liaison_hub.db.types import document_bytes
from liaison_hub.intel.schemas import DocumentRow, ObjectFilters, PageRequest, StoredRow
from liaison_hub.models import Audience
from liaison_hub.models.intel import IngestStatus, IntelCollection, IntelIndexQueue, MarkingDefinition, StixObject
from liaison_hub.policy import readable
from liaison_hub.policy.levels import TLP
from liaison_hub.policy.principal import Principal
from liaison_hub.policy.visibility import STAMP_COLUMNS, VISIBLE, note_stamp, readable_bound, visible_ids

AnySelect = Select[*tuple[Any, ...]]
_IS_REF = or_(IntelCollection.taxii_id == bindparam("ref"), IntelCollection.alias == bindparam("ref"))
_BY_REF = select(IntelCollection).where(_IS_REF)


def get_collection(session: Session, ref: str) -> IntelCollection | None:
    """A collection by its TAXII id or its alias (every TAXII request looks one up: the statement is built once)."""
    return session.scalar(_BY_REF, {"ref": ref})


_ROLES_BY_REF = select(IntelCollection.id, IntelCollection.write_roles, *STAMP_COLUMNS).where(_IS_REF)


def collection_roles(session: Session, ref: str) -> tuple[int, list[str]] | None:
    """A collection's id and write roles by its TAXII id or alias, without loading the collection; the policy's
    stamp comes along (``policy.visibility``), saving the page that follows a round trip."""
    row = session.connection().execute(_ROLES_BY_REF, {"ref": ref}).one_or_none()
    if row is None:
        return None
    note_stamp(session, row[2], row[3])
    return row[0], row[1]


def list_collections(session: Session) -> Sequence[IntelCollection]:
    return session.scalars(select(IntelCollection).order_by(IntelCollection.title, IntelCollection.id)).all()


def lock_collection(session: Session, collection_id: int) -> int:
    """Take the collection's write lock (a row lock on PostgreSQL; SQLite's BEGIN IMMEDIATE already holds the
    database) and return its ``date_added`` counter. Writers of one collection thus commit in counter order."""
    stmt = select(IntelCollection.last_added).where(IntelCollection.id == collection_id).with_for_update()
    return int(session.execute(stmt).scalar_one())


def count_versions(session: Session, collection_id: int, principal: Principal) -> int:
    """Stored versions of the collection that the principal may read."""
    stmt = select(func.count()).select_from(StixObject).where(StixObject.collection_id == collection_id)
    return int(session.scalar(readable(stmt, principal, StixObject)) or 0)


def delete_collection(session: Session, collection_id: int) -> None:
    """The collection row; its versions, their correlation rows and its statuses go with it (ON DELETE CASCADE)."""
    session.execute(delete(IntelCollection).where(IntelCollection.id == collection_id))


def set_last_added(session: Session, collection_id: int, last_added: int) -> None:
    session.execute(update(IntelCollection).where(IntelCollection.id == collection_id).values(last_added=last_added))


def readable_row_ids(session: Session, principal: Principal, row_ids: Iterable[int]) -> set[int]:
    """Which of these stored versions the principal may read."""
    wanted = list(row_ids)
    if not wanted:
        return set()
    return set(session.scalars(readable(select(StixObject.id).where(StixObject.id.in_(wanted)), principal)))


STORED_COLUMNS = (
    "collection_id",
    "stix_id",
    "type",
    "spec_version",
    "version",
    "date_added",
    "digest",
    "document",
    "audience_id",
    "is_latest",
    "is_first",
    "multi_audience",
)
"""The columns of a new version as ingest builds it, in order (the row id is assigned by the database)."""


def insert_objects(session: Session, rows: list[tuple[Any, ...]]) -> None:
    """One batched INSERT of new versions, each a tuple of ``STORED_COLUMNS`` (COPY on PostgreSQL, executemany on
    SQLite: no ORM bookkeeping, no RETURNING)."""
    if rows:
        insert_values(session, cast(Table, StixObject.__table__), STORED_COLUMNS, rows)


_ENQUEUE = insert(IntelIndexQueue)


def enqueue_for_index(session: Session, collection_id: int, first_added: int, last_added: int) -> None:
    """Note a stored batch (its range of ``date_added``) for the correlation index, in the batch's transaction."""
    params = {"collection_id": collection_id, "first_added": first_added, "last_added": last_added}
    session.connection().execute(_ENQUEUE, params)


def update_flags(session: Session, changes: list[dict[str, Any]]) -> None:
    """Set is_latest / is_first / multi_audience on existing versions (bulk UPDATE by primary key)."""
    if changes:
        session.execute(update(StixObject), changes)


def delete_rows(session: Session, row_ids: Iterable[int]) -> int:
    ids = list(row_ids)
    if not ids:
        return 0
    session.execute(delete(StixObject).where(StixObject.id.in_(ids)))
    return len(ids)


def _neighbour_hidden(principal: Principal | None, *, later: bool) -> ColumnElement[bool]:
    """No version the principal may read is newer (``later``) / older than this row (with no principal: among the
    bound ``policy.visibility`` list)."""
    other = aliased(StixObject)
    beyond = other.version > StixObject.version if later else other.version < StixObject.version
    sub = select(other.id).where(
        other.collection_id == StixObject.collection_id, other.stix_id == StixObject.stix_id, beyond
    )
    return ~(readable(sub, principal, other) if principal is not None else readable_bound(sub, other)).exists()


def _unless_multi(condition: ColumnElement[bool]) -> ColumnElement[bool]:
    """``condition`` only for objects with versions under several audiences; the (usual) single-audience rows pass
    on the flag alone. An OR, not a CASE: PostgreSQL estimates it well and keeps the ordered index scan."""
    return or_(~StixObject.multi_audience, condition)


def _version_condition(filters: ObjectFilters, principal: Principal | None) -> ColumnElement[bool] | None:
    """match[version] (TAXII 2.1 section 3.4.2): the newest / oldest version *the principal may read*."""
    if "all" in filters.versions:
        return None
    parts: list[ColumnElement[bool]] = []
    for wanted in filters.versions:
        if wanted == "last":
            parts.append(and_(StixObject.is_latest, _unless_multi(_neighbour_hidden(principal, later=True))))
        elif wanted == "first":
            parts.append(and_(StixObject.is_first, _unless_multi(_neighbour_hidden(principal, later=False))))
        else:
            parts.append(StixObject.version == int(wanted))
    return or_(*parts) if parts else false()


def filtered(stmt: AnySelect, principal: Principal | None, collection_id: int, filters: ObjectFilters) -> AnySelect:
    """Apply the TAXII filters and the access filter in SQL: the principal's, or with no principal the bound list of
    ``policy.visibility`` (statements built once and run with ``bound_params``)."""
    o = StixObject
    stmt = stmt.where(o.collection_id == collection_id)
    if filters.added_after is not None:
        stmt = stmt.where(o.date_added > filters.added_after)
    if filters.ids:
        stmt = stmt.where(o.stix_id.in_(filters.ids))
    if filters.types:
        stmt = stmt.where(o.type.in_(filters.types))
    if filters.spec_versions:
        stmt = stmt.where(o.spec_version.in_(filters.spec_versions))
    # Before the version condition, which may need the row itself.
    stmt = readable(stmt, principal, o) if principal is not None else readable_bound(stmt, o)
    condition = _version_condition(filters, principal)
    return stmt if condition is None else stmt.where(condition)


class _StatementCache:
    """Built page statements, reused across requests: building one and hashing it for SQLAlchemy's compiled cache
    cost more than running it. Page positions, limits and the readable audiences are bound parameters."""

    def __init__(self, size: int = 512) -> None:
        self.size = size
        self.entries: OrderedDict[tuple[Any, ...], AnySelect] = OrderedDict()
        self.lock = Lock()

    def get(self, key: tuple[Any, ...], build: Callable[[], AnySelect]) -> AnySelect:
        with self.lock:
            stmt = self.entries.get(key)
            if stmt is not None:
                self.entries.move_to_end(key)
                return stmt
        stmt = build()
        with self.lock:
            self.entries[key] = stmt
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)
        return stmt


_PAGES = _StatementCache()
_AFTER_KEY, _AFTER_TIEBREAK, _LIMIT = (
    bindparam("after_key", type_=BigInteger),
    bindparam("after_tiebreak", type_=BigInteger),
    bindparam("page_limit", type_=Integer),
)


def _page_params(
    session: Session, principal: Principal, page: PageRequest, *, tiebreak: bool = False
) -> dict[str, Any]:
    params: dict[str, Any] = {"page_limit": page.limit + 1, VISIBLE: visible_ids(session, principal)}
    if page.after is not None:
        params["after_key"] = page.after.key
        if tiebreak:
            params["after_tiebreak"] = page.after.tiebreak
    return params


def _version_columns(*, with_document: bool = False) -> AnySelect:
    """What a manifest or a version list needs of each version (StoredRow): the document only when asked for."""
    o = StixObject
    document = o.document if with_document else literal("")
    return select(o.id, o.stix_id, o.type, o.spec_version, o.version, o.date_added, o.audience_id, document)


_AUDITED_AUDIENCES = select(Audience.id).where(Audience.tlp.in_((TLP.amber_strict.value, TLP.red.value)))


def _document_columns() -> AnySelect:
    """What a page of objects needs of each version, in ``DocumentRow`` order: the document as UTF-8 bytes (see
    ``document_bytes``), the STIX id and audience only where reading it is audited (TLP:AMBER+STRICT and TLP:RED,
    else NULL),
    and the page position. Nothing else becomes a Python object."""
    o = StixObject
    sensitive = o.audience_id.in_(_AUDITED_AUDIENCES)
    audited, audience = case((sensitive, o.stix_id), else_=null()), case((sensitive, o.audience_id), else_=null())
    return select(document_bytes(o.document), audited, o.date_added, o.id, audience)


def _rows(session: Session, stmt: AnySelect, params: dict[str, int]) -> list[tuple[Any, ...]]:
    """Pages are plain column selects of integers and text, which no dialect post-processes: executed on the
    connection (no ORM result handling) and fetched from the driver's cursor as its own tuples (no Row objects)."""
    result = session.connection().execute(stmt, params)
    try:
        return list(result.cursor.fetchall())
    finally:
        result.close()


def _by_added(
    session: Session,
    principal: Principal,
    *,
    collection_id: int,
    filters: ObjectFilters,
    page: PageRequest,
    with_document: bool,
) -> list[tuple[Any, ...]]:
    """Up to ``limit + 1`` visible rows in ``(date_added, row id)`` order after the page position (keyset)."""
    keyed = page.after is not None

    def build() -> AnySelect:
        o = StixObject
        columns = _document_columns() if with_document else _version_columns()
        stmt = filtered(columns, None, collection_id, filters)
        if keyed:
            stmt = stmt.where(o.date_added > _AFTER_KEY)
        # With ids, the (collection, stix_id) index finds the few rows and sorting them is free; "+ 0" keeps a
        # planner without statistics from walking the date_added index instead.
        order = (o.date_added + 0, o.id) if filters.ids else (o.date_added, o.id)
        return stmt.order_by(*order).limit(_LIMIT)

    key = ("added", collection_id, filters, with_document, keyed)
    return _rows(session, _PAGES.get(key, build), _page_params(session, principal, page))


def page_documents(
    session: Session, principal: Principal, *, collection_id: int, filters: ObjectFilters, page: PageRequest
) -> list[DocumentRow]:
    """A keyset page of visible versions with their documents, in ``date_added`` order (objects, one object): the
    driver's own tuples, in ``DocumentRow`` order."""
    rows = _by_added(session, principal, collection_id=collection_id, filters=filters, page=page, with_document=True)
    return cast(list[DocumentRow], rows)


def page_versions_by_added(
    session: Session, principal: Principal, *, collection_id: int, filters: ObjectFilters, page: PageRequest
) -> list[StoredRow]:
    """A keyset page of visible versions without documents, in ``date_added`` order (a manifest)."""
    rows = _by_added(session, principal, collection_id=collection_id, filters=filters, page=page, with_document=False)
    return list(map(StoredRow._make, rows))


def page_by_version(
    session: Session,
    principal: Principal,
    *,
    collection_id: int,
    stix_id: str,
    filters: ObjectFilters,
    page: PageRequest,
    with_document: bool = False,
) -> list[StoredRow]:
    """Up to ``limit + 1`` visible versions of one object, oldest first (TAXII 2.1 section 5.8)."""
    o = StixObject
    columns = _version_columns(with_document=with_document)
    stmt = filtered(columns, None, collection_id, filters).where(o.stix_id == stix_id)
    if page.after is not None:
        stmt = stmt.where(tuple_(o.version, o.date_added) > tuple_(_AFTER_KEY, _AFTER_TIEBREAK))
    ordered = stmt.order_by(o.version, o.date_added).limit(_LIMIT)
    params = _page_params(session, principal, page, tiebreak=True)
    return list(map(StoredRow._make, _rows(session, ordered, params)))


def any_visible(session: Session, principal: Principal, *, collection_id: int, stix_id: str) -> bool:
    """Whether the principal may read at least one version of the object (else: 404, as for a missing one)."""
    stmt = readable(
        select(StixObject.id).where(StixObject.collection_id == collection_id, StixObject.stix_id == stix_id), principal
    )
    return session.scalar(stmt.limit(1)) is not None


def deletable(
    session: Session, principal: Principal, *, collection_id: int, stix_id: str, filters: ObjectFilters
) -> list[tuple[int, int | None, int]]:
    """Visible versions matching the filters, with each one's owner organisation and audience."""
    o = StixObject
    stmt = filtered(
        select(o.id, Audience.owner_organisation_id, o.audience_id).join(Audience, Audience.id == o.audience_id),
        principal,
        collection_id,
        filters,
    )
    return [(r[0], r[1], r[2]) for r in session.execute(stmt.where(o.stix_id == stix_id))]


def audited_audiences(session: Session, audience_ids: Iterable[int]) -> set[int]:
    """Which of these audiences are TLP:AMBER+STRICT or TLP:RED (reads of those are audited)."""
    ids = list(set(audience_ids))
    if not ids:
        return set()
    return set(session.connection().scalars(_AUDITED, {"ids": ids}))


_AUDITED = _AUDITED_AUDIENCES.where(Audience.id.in_(bindparam("ids", expanding=True)))


def get_definitions(session: Session, stix_ids: Iterable[str], scopes: Sequence[str]) -> list[MarkingDefinition]:
    """The registrations of these ids in these scopes."""
    ids = list(stix_ids)
    if not ids:
        return []
    stmt = select(MarkingDefinition).where(MarkingDefinition.stix_id.in_(ids), MarkingDefinition.scope.in_(scopes))
    return list(session.scalars(stmt))


def add_definitions(session: Session, rows: list[dict[str, Any]]) -> None:
    if rows:
        session.execute(insert(MarkingDefinition), rows)


def add_status(session: Session, status: IngestStatus) -> None:
    session.add(status)
    session.flush()


def get_status(session: Session, status_id: str) -> IngestStatus | None:
    return session.get(IngestStatus, status_id)
