"""Append to and verify the hash-chained audit log. Appends happen in the caller's transaction.

What an entry may hold: who, when, the action, the kind and id of what it names, and details made of ids, kinds,
markings (their labels) and sizes, never a record's content (a title, a text, a location). An entry that names a
marked record carries that record's audience, so that the audit trail shows it only to whom may read the record;
an entry about records of several markings is written once per marking (``record_per_audience``)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

import orjson
from sqlalchemy import Table, bindparam, insert, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from liaison_hub.audit import bookkeeping
from liaison_hub.audit import repository as repo
from liaison_hub.audit.schemas import AuditFilters
from liaison_hub.db.types import utcnow
from liaison_hub.models import Audience, AuditEntry, AuditHead
from liaison_hub.policy import rights
from liaison_hub.policy.principal import Actor, Principal
from liaison_hub.policy.schemas import audience_label

GENESIS = "0" * 64


_CHAIN_ORDER = ("seq", "at", "actor", "action", "entity_type", "entity_id", "source", "details", "prev_hash")


def _digest(entry: AuditEntry) -> str:
    return _digest_of({name: getattr(entry, name) for name in _CHAIN_ORDER})


def _digest_of(fields: Mapping[str, Any]) -> str:
    """SHA-256 of an entry's fields in chain order, ``at`` in ISO 8601 to the microsecond, as JSON with sorted
    keys."""
    values = [fields[name] for name in _CHAIN_ORDER]
    values[1] = fields["at"].isoformat(timespec="microseconds")
    return hashlib.sha256(orjson.dumps(values, option=orjson.OPT_SORT_KEYS)).hexdigest()


def _bump_head(session: Session, count: int) -> tuple[int, str] | None:
    # Writing the head row first takes the write lock (a row lock on PostgreSQL), so appends never fork.
    row = session.connection().execute(_BUMP, {"count": count}).one_or_none()
    return None if row is None else (int(row[0]), str(row[1]))


def _create_head(session: Session) -> None:
    """Create the empty head row; when a concurrent first append created it first, theirs is used."""
    try:
        with session.begin_nested():
            session.add(AuditHead(id=1, seq=0, last_hash=GENESIS))
    except IntegrityError:
        pass


def _advance_head(session: Session, count: int) -> tuple[int, str]:
    """Reserve ``count`` sequence numbers: the last of them, and the hash of the entry before the first."""
    head = _bump_head(session, count)
    if head is None:
        _create_head(session)
        head = _bump_head(session, count)
    if head is None:
        raise RuntimeError("the audit chain head could not be created")
    return head


@dataclass(frozen=True)
class Entry:
    """One thing to record: the action, what it names, details (ids, kinds, markings, sizes: never content) and the
    audience of the marked record it names (None for unmarked things)."""

    action: str
    entity_type: str
    entity_id: object
    details: dict[str, Any] | None = None
    audience_id: int | None = None


def record(
    session: Session,
    actor: Actor,
    *,
    action: str,
    entity_type: str,
    entity_id: object,
    details: dict[str, Any] | None = None,
    audience_id: int | None = None,
) -> None:
    """Append one entry: who, when, what, from where, and the audience of the marked record it names."""
    record_all(session, actor, [Entry(action, entity_type, entity_id, details, audience_id)])


def record_marked(
    session: Session,
    actor: Actor,
    *,
    action: str,
    entity_type: str,
    entity_id: object,
    audience: Audience,
    details: dict[str, object] | None = None,
) -> None:
    """An entry about a marked record of any domain: ids, sizes and the marking's label, never content; it carries
    the record's audience, so only the record's readers see it."""
    record(
        session,
        actor,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        details={"marking": audience_label(audience), **(details or {})},
        audience_id=audience.id,
    )


def record_all(session: Session, actor: Actor, entries: Sequence[Entry]) -> None:
    """Append entries in order, chained, in three statements whatever their number (core statements on the
    session's connection, no ORM unit of work): reads of sensitive objects append entries on every response."""
    if not entries:
        return
    last, prev_hash = _advance_head(session, len(entries))
    at, rows = utcnow(), []
    for seq, entry in enumerate(entries, start=last - len(entries) + 1):
        row = {
            "seq": seq,
            "at": at,
            "actor": actor.name,
            "action": entry.action,
            "entity_type": entry.entity_type,
            "entity_id": str(entry.entity_id),
            "source": actor.source,
            "details": orjson.loads(orjson.dumps(entry.details or {}, default=str)),
            "prev_hash": prev_hash,
        }
        row["hash"] = prev_hash = _digest_of(row)
        row["audience_id"] = entry.audience_id  # a visibility label, not part of the chained content
        rows.append(row)
    connection = session.connection()
    connection.execute(_INSERT, rows)
    connection.execute(_SET_LAST, {"last_hash": prev_hash})


def record_per_audience(
    session: Session,
    actor: Actor,
    *,
    action: str,
    entity_type: str,
    entity_id: object,
    per_audience: Mapping[int, dict[str, Any]],
) -> None:
    """One entry per audience, each with the details of the records under that audience alone: counts and ids of
    records of one marking never reach a reader of another."""
    entries = [Entry(action, entity_type, entity_id, per_audience[a], a) for a in sorted(per_audience)]
    record_all(session, actor, entries)


_HEAD = cast(Table, AuditHead.__table__)
_BUMP = (
    update(_HEAD)
    .where(_HEAD.c.id == 1)
    .values(seq=_HEAD.c.seq + bindparam("count"))
    .returning(_HEAD.c.seq, _HEAD.c.last_hash)
)
_SET_LAST = update(_HEAD).where(_HEAD.c.id == 1).values(last_hash=bindparam("last_hash"))
_INSERT = insert(cast(Table, AuditEntry.__table__))


@dataclass(frozen=True)
class Verification:
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    reason: str = ""


def verify(session: Session) -> Verification:
    """Walk the chain: every entry must hash to its stored hash and link to its predecessor without gaps."""
    expected_seq, prev_hash, checked = 1, GENESIS, 0
    for entry in bookkeeping.all_entries(session):
        if entry.seq != expected_seq:
            return Verification(False, checked, expected_seq, f"entry {expected_seq} is missing")
        if entry.prev_hash != prev_hash:
            return Verification(False, checked, entry.seq, "link to the previous entry is broken")
        if _digest(entry) != entry.hash:
            return Verification(False, checked, entry.seq, "content does not match its hash")
        prev_hash, expected_seq, checked = entry.hash, expected_seq + 1, checked + 1
    head = session.get(AuditHead, 1, populate_existing=True)
    if head is None and checked:
        return Verification(
            False, checked, checked + 1, f"the chain head is missing: entries after {checked} may be too"
        )
    if head is not None and (head.seq != checked or head.last_hash != prev_hash):
        return Verification(False, checked, checked + 1, f"entries after {checked} are missing")
    return Verification(True, checked)


def entries(
    session: Session,
    actor: Actor,
    *,
    filters: AuditFilters | None = None,
    before: int | None = None,
    limit: int = 50,
) -> Sequence[AuditEntry]:
    """The newest entries an administrator may see, narrowed by ``filters``: unmarked entries, and those naming
    records the administrator may read (so sequence numbers have gaps)."""
    rights.require_admin(actor, what="read the audit trail")
    return repo.latest(session, actor.principal, before=before, limit=limit, filters=filters)


def filter_choices(session: Session, principal: Principal) -> tuple[list[str], list[str], list[str]]:
    """Actors, actions and record kinds of the entries the principal may see."""
    return repo.choices(session, principal)
