"""Held objects (docs/markings.md, "Marking-definitions that arrive late"): a version that references a
marking-definition the hub does not know yet is stored under its writer's owner-only audience, the most restrictive
reading of a marking nobody can read yet, and released once every definition it references is registered: re-marked
in SQL, a statement per resulting audience, to the audience its markings give."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Sequence
from typing import NamedTuple

from sqlalchemy.orm import Session

from liaison_hub.db.types import utcnow
from liaison_hub.intel import bookkeeping
from liaison_hub.intel import repository as repo
from liaison_hub.intel.bookkeeping import HeldRow, version_flags
from liaison_hub.intel.markings import Facets

AudienceOf = Callable[[tuple[str, ...], Facets], int | str]
"""The audience a held version's marking references give (with the default its ingest applied), or why not."""


def held_note(waiting: Sequence[str]) -> str:
    """What a writer is told of a held version (TAXII status, CLI summary and report)."""
    return (
        f"held: references marking-definition(s) not known yet ({', '.join(waiting)}); stored readable only by your "
        "organisation until they arrive, then marked as they say"
    )


class Released(NamedTuple):
    """A held version just re-marked: its row, its object's id and the audience its markings gave it."""

    row_id: int
    stix_id: str
    audience_id: int


class Hold(NamedTuple):
    """A version just stored under the held audience."""

    row_id: int
    stix_id: str
    version: int
    refs: tuple[str, ...]
    waiting: tuple[str, ...]


def hold(session: Session, *, collection_id: int, scope: str, default: Facets, held: Sequence[Hold]) -> None:
    """Record versions just stored under the held audience, with the definitions each waits for."""
    now, default_json = utcnow(), default.to_json()
    objects = [
        {
            "object_row_id": h.row_id,
            "collection_id": collection_id,
            "scope": scope,
            "stix_id": h.stix_id,
            "version": h.version,
            "marking_refs": list(h.refs),
            "default_marking": default_json,
            "held_at": now,
        }
        for h in held
    ]
    references = [{"object_row_id": h.row_id, "marking_ref": ref} for h in held for ref in h.waiting]
    bookkeeping.add_held(session, objects, references)


def release(
    session: Session,
    *,
    collection_id: int,
    scope: str,
    refs: Collection[str] | None,
    scopes: tuple[str, ...],
    audience_of: AudienceOf,
) -> list[Released]:
    """Release the versions of one writer's scope whose definitions are all known now (``refs``: those just
    registered; None: any registered in ``scopes``). Returns the versions released with their new audiences; one
    whose marking is refused now stays held (and is tried again by a later ingest of its writer's organisation)."""
    pairs = bookkeeping.defined_held_references(session, collection_id, scope, refs=refs, scopes=scopes)
    if not pairs:
        return []
    defined: dict[int, set[str]] = defaultdict(set)
    for row_id, ref in pairs:
        defined[row_id].add(ref)
    waiting = bookkeeping.waiting_on(session, defined.keys())
    ready = {row_id for row_id, refs_left in waiting.items() if refs_left <= defined[row_id]}
    progressed = [row_id for row_id in defined if row_id not in ready]
    bookkeeping.drop_held_references(session, progressed, {ref for _, ref in pairs})
    targets: dict[int, list[HeldRow]] = defaultdict(list)
    for row in bookkeeping.held_rows(session, ready):
        audience = audience_of(tuple(row.marking_refs), Facets.from_json(row.default_marking))
        if isinstance(audience, int):
            targets[audience].append(row)
    moved = _remark(session, collection_id, targets)
    bookkeeping.drop_held(session, [r.row_id for r in moved])
    return moved


def _remark(session: Session, collection_id: int, targets: dict[int, list[HeldRow]]) -> list[Released]:
    """Move released versions to their audiences and fix the latest/first flags of their objects. A version whose
    object already has the same version under that audience (sent again, marked, while this one was held) stays
    held: two rows may not hold one version under one audience."""
    if not targets:
        return []
    existing = bookkeeping.existing_versions(
        session, collection_id, {row.stix_id for rows in targets.values() for row in rows}
    )
    taken = {(e[1], e[2], e[3]) for e in existing}
    moved: dict[int, Released] = {}
    for audience_id, rows in targets.items():
        free = [row for row in rows if (row.stix_id, row.version, audience_id) not in taken]
        taken.update((row.stix_id, row.version, audience_id) for row in free)
        bookkeeping.remark(session, audience_id, [row.row_id for row in free])
        moved.update((row.row_id, Released(row.row_id, row.stix_id, audience_id)) for row in free)
    now = [(e, moved[e[0]].audience_id if e[0] in moved else e[3]) for e in existing]
    flags = version_flags((e[1], e[2], audience_id) for e, audience_id in now)
    repo.update_flags(session, bookkeeping.flag_changes(now, flags))
    return list(moved.values())
