"""Ingest STIX 2.1 objects into a collection in batches: validate, map markings to audiences, store new versions.

Per batch: one lookup of the stored versions of the batch's ids, one batched INSERT, one bulk UPDATE of version
flags, audiences resolved once per distinct marking per ingest. Refused objects are reported one by one and write
nothing; anything unexpected raises and the caller's transaction rolls back, so nothing is half-written.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from typing import Any, NamedTuple

from sqlalchemy.orm import Session

from liaison_hub.db.types import utcnow
from liaison_hub.intel import bookkeeping, held
from liaison_hub.intel import repository as repo
from liaison_hub.intel.bookkeeping import version_flags
from liaison_hub.intel.markings import (
    Facets,
    marking_refs,
)
from liaison_hub.intel.schemas import BATCH_SIZE, IngestResult, ObjectOutcome, StoredObject
from liaison_hub.intel.stix import canonical_digest, document_of, micros_of, version_micros
from liaison_hub.intel.validation import check
from liaison_hub.intel.writer_markings import HUB_SCOPE, WriterMarkings
from liaison_hub.models.intel import IntelCollection
from liaison_hub.policy.levels import Level
from liaison_hub.policy.principal import Actor

_ONLY_VERSION = (True, True, False)  # is_latest, is_first, multi_audience of an object's one and only version
BatchHook = Callable[[Session, Sequence[StoredObject]], None]
_HOOKS: list[BatchHook] = []
CONFLICT = (
    "a different object with this id and modified is already stored, and the stored version is kept: STIX versions "
    "are immutable (STIX 2.1 section 3.6); publish a new version with a later 'modified'"
)
CONFLICT_SENT = (
    "sent twice with this id and modified but different content, and the first one sent is kept: STIX versions are "
    "immutable (STIX 2.1 section 3.6); publish a new version with a later 'modified'"
)


def register_batch_hook(hook: BatchHook) -> None:
    """Call ``hook(session, stored)`` after each stored batch (e.g. to extract observables for correlation)."""
    if hook not in _HOOKS:
        _HOOKS.append(hook)


def unregister_batch_hook(hook: BatchHook) -> None:
    if hook in _HOOKS:
        _HOOKS.remove(hook)


class Prepared(NamedTuple):
    """A valid object ready to store (a named tuple: an envelope makes a thousand of these per request)."""

    obj: dict[str, Any]
    stix_id: str
    type: str
    version: int
    digest: str
    audience_id: int
    waiting: tuple[str, ...] = ()
    """Marking-definitions not known yet: the version is held (``intel.held``) under ``audience_id``, owner-only."""


def _as_sent_version(obj: object) -> str:
    if isinstance(obj, dict):
        return str(obj.get("modified") or obj.get("created") or "")
    return ""


def _as_sent_id(obj: object) -> str:
    return str(obj.get("id", "")) if isinstance(obj, dict) else ""


def _batches(objects: Iterable[object], size: int) -> Iterator[list[object]]:
    if isinstance(objects, Sequence):
        # Marking definitions first, so that objects of the same request may reference them in any order.
        objects = sorted(objects, key=lambda o: not (isinstance(o, dict) and o.get("type") == "marking-definition"))
    iterator = iter(objects)
    while batch := list(islice(iterator, size)):
        yield batch


class Ingest:
    """One ingest into one collection; holds the caches that make a million objects cheap."""

    def __init__(
        self,
        session: Session,
        actor: Actor,
        collection: IntelCollection,
        *,
        accreditation: Level,
        owner_organisation_id: int | None,
        keep_successes: bool,
        default_marking: Facets | None = None,
        max_failures: int | None = None,
    ) -> None:
        self.session, self.actor, self.collection_id = session, actor, collection.id
        self.accreditation, self.owner, self.keep_successes = accreditation, owner_organisation_id, keep_successes
        self.max_failures = max_failures
        self.default = default_marking or Facets.from_json(collection.default_marking)
        self.markings = WriterMarkings(
            session, actor, owner=owner_organisation_id, default=self.default, accreditation=accreditation
        )
        self.scope = self.markings.scope
        self.holding: dict[int, ObjectOutcome] = {}
        self.result = IngestResult()
        self.last_added = repo.lock_collection(session, self.collection_id)

    def run(self, objects: Iterable[object], batch_size: int = BATCH_SIZE) -> IngestResult:
        self._release(None)  # definitions registered since this writer's last ingest, by anyone (hub scope)
        for batch in _batches(objects, batch_size):
            self.result.total += len(batch)
            self._batch(batch)
        repo.set_last_added(self.session, self.collection_id, self.last_added)
        self.result.held, self.result.held_rows = list(self.holding.values()), list(self.holding)
        return self.result

    def _release(self, refs: set[str] | None) -> None:
        """Release this writer's held versions in this collection whose definitions are all known now."""
        moved = held.release(
            self.session,
            collection_id=self.collection_id,
            scope=self.scope,
            refs=refs,
            scopes=(self.scope, HUB_SCOPE),
            audience_of=self.markings.release_audience,
        )
        for released in moved:
            self.holding.pop(released.row_id, None)
        self.result.released += len(moved)
        self.result.released_by_audience.update(r.audience_id for r in moved)
        self.result.released_rows.update(r.row_id for r in moved)

    def _refuse(self, obj: object, message: str) -> None:
        self.result.refused += 1
        if self.max_failures is None or len(self.result.failures) < self.max_failures:
            self.result.failures.append(ObjectOutcome(_as_sent_id(obj), _as_sent_version(obj), message))

    def _duplicate(self, p: Prepared) -> None:
        """An identical version is already stored (or earlier in the batch): a success, not stored again. New
        versions are counted by ``_store``, a batch at a time."""
        self.result.duplicates += 1
        self.result.duplicates_by_audience[p.audience_id] += 1
        if self.keep_successes:
            note = "identical version already stored"
            self.result.successes.append(ObjectOutcome(p.stix_id, _as_sent_version(p.obj), note))

    def _batch(self, batch: list[object]) -> None:
        valid: list[dict[str, Any]] = []
        for obj in batch:
            problem = check(obj)
            if problem is None:
                assert isinstance(obj, dict)
                valid.append(obj)
            else:
                self._refuse(obj, problem)
        valid = self.markings.learn(valid, self._refuse)
        if registered := self.markings.take_registered():
            self._release(registered)
        refs = [marking_refs(obj) for obj in valid]
        self.markings.load(set().union(*refs))
        prepared = [p for obj, marks in zip(valid, refs, strict=True) if (p := self._prepare(obj, marks)) is not None]
        self._store(prepared)

    def _prepare(self, obj: dict[str, Any], refs: tuple[str, ...]) -> Prepared | None:
        markings = self.markings
        conflicted = [markings.conflicts[ref] for ref in refs if ref in markings.conflicts]
        if conflicted:
            self._refuse(obj, conflicted[0])
            return None
        audience = markings.marked.get(refs)
        waiting: tuple[str, ...] = ()
        if audience is None:
            waiting = tuple(ref for ref in refs if ref not in markings.definitions)
            # not cached: a later batch, envelope or file may define them
            audience = markings.held_audience(refs) if waiting else markings.audience_of(refs)
        if isinstance(audience, str):
            self._refuse(obj, audience)
            return None
        version = version_micros(obj) or 0
        return Prepared(obj, obj["id"], obj["type"], version, canonical_digest(obj), audience, waiting)

    def _store(self, prepared: list[Prepared]) -> None:
        fresh = self._without_repeats(prepared)
        if not fresh:
            return
        existing = bookkeeping.existing_versions(self.session, self.collection_id, {p.stix_id for p in fresh})
        to_insert = self._without_stored(fresh, existing)
        if not to_insert:
            return
        now = micros_of(utcnow())
        first_added = max(now, self.last_added + 1)
        added = range(first_added, first_added + len(to_insert))
        self.last_added = added[-1]
        flags, changes = self._set_flags(to_insert, existing)
        rows = [self._row(p, date_added, flag) for p, date_added, flag in zip(to_insert, added, flags, strict=True)]
        repo.insert_objects(self.session, rows)
        repo.update_flags(self.session, changes)
        # The correlation index takes the batch in after the commit (intel.correlation.catch_up).
        repo.enqueue_for_index(self.session, self.collection_id, added[0], added[-1])
        self.result.stored += len(to_insert)
        self.result.stored_by_audience.update(p.audience_id for p in to_insert)
        by_added = self._hold(to_insert, added)
        if self.keep_successes:
            self.result.successes += [
                ObjectOutcome(p.stix_id, _as_sent_version(p.obj), held.held_note(p.waiting) if p.waiting else None)
                for p in to_insert
            ]
        self._run_hooks(to_insert, added, by_added)

    def _hold(self, stored: list[Prepared], added: range) -> dict[int, int] | None:
        """Record the held versions of a stored batch; returns the batch's row ids by date_added when it had to
        read them."""
        waiting = [(p, date_added) for p, date_added in zip(stored, added, strict=True) if p.waiting]
        if not waiting:
            return None
        by_added = bookkeeping.row_ids_by_added(self.session, self.collection_id, added[0], added[-1])
        holds = [
            held.Hold(by_added[date_added], p.stix_id, p.version, marking_refs(p.obj), p.waiting)
            for p, date_added in waiting
        ]
        held.hold(self.session, collection_id=self.collection_id, scope=self.scope, default=self.default, held=holds)
        for h, (p, _) in zip(holds, waiting, strict=True):
            self.holding[h.row_id] = ObjectOutcome(p.stix_id, _as_sent_version(p.obj), held.held_note(p.waiting))
        return by_added

    @staticmethod
    def _set_flags(
        fresh: list[Prepared], existing: list[bookkeeping.VersionRow]
    ) -> tuple[list[tuple[bool, bool, bool]], list[dict[str, Any]]]:
        """Latest/first/multi-audience flags for the new versions; the changes they make to stored rows. A new object
        with one version (the bulk case) is simply latest and first; only the others are grouped."""
        counts = Counter(p.stix_id for p in fresh)
        known = {e[1] for e in existing}
        involved = {stix_id for stix_id, n in counts.items() if n > 1 or stix_id in known}
        if not involved:
            return [_ONLY_VERSION] * len(fresh), []
        flags = version_flags(
            [(e[1], e[2], e[3]) for e in existing]
            + [(p.stix_id, p.version, p.audience_id) for p in fresh if p.stix_id in involved]
        )
        new = [flags.get((p.stix_id, p.version, p.audience_id), _ONLY_VERSION) for p in fresh]
        return new, bookkeeping.flag_changes(((e, e[3]) for e in existing), flags)

    def _row(self, p: Prepared, date_added: int, flags: tuple[bool, bool, bool]) -> tuple[Any, ...]:
        """A new version as a row of ``repo.STORED_COLUMNS``."""
        spec_version = p.obj.get("spec_version", "2.1")
        return (
            self.collection_id,
            p.stix_id,
            p.type,
            spec_version if spec_version.__class__ is str else str(spec_version),
            p.version,
            date_added,
            p.digest,
            document_of(p.obj),
            p.audience_id,
            *flags,
        )

    def _without_repeats(self, prepared: list[Prepared]) -> list[Prepared]:
        """The same version twice in one batch: identical is a duplicate, different content is refused."""
        seen: dict[tuple[str, int], str] = {}
        fresh = []
        for p in prepared:
            key = (p.stix_id, p.version)
            if key not in seen:
                seen[key] = p.digest
                fresh.append(p)
            elif seen[key] == p.digest:
                self._duplicate(p)
            else:
                self._refuse(p.obj, CONFLICT_SENT)
        return fresh

    def _without_stored(self, fresh: list[Prepared], existing: list[bookkeeping.VersionRow]) -> list[Prepared]:
        """Compare with stored versions the writer may read; versions it may not read are never revealed."""
        same: dict[tuple[str, int], list[bookkeeping.VersionRow]] = defaultdict(list)
        for row in existing:
            same[(row[1], row[2])].append(row)
        candidates = [row[0] for p in fresh for row in same.get((p.stix_id, p.version), [])]
        visible = repo.readable_row_ids(self.session, self.actor.principal, candidates)
        to_insert = []
        for p in fresh:
            rows = same.get((p.stix_id, p.version), [])
            seen = [row for row in rows if row[0] in visible]
            if any(row[4] == p.digest for row in seen):
                self._duplicate(p)
            elif seen or any(row[3] == p.audience_id for row in rows):
                self._refuse(p.obj, CONFLICT)
            else:
                to_insert.append(p)
        return to_insert

    def _run_hooks(self, stored: list[Prepared], added: range, by_added: dict[int, int] | None) -> None:
        if not _HOOKS:
            return
        if by_added is None:
            by_added = bookkeeping.row_ids_by_added(self.session, self.collection_id, added[0], added[-1])
        batch = [
            StoredObject(
                by_added[date_added], self.collection_id, p.stix_id, p.type, p.version, date_added, p.audience_id, p.obj
            )
            for p, date_added in zip(stored, added, strict=True)
        ]
        for hook in list(_HOOKS):
            hook(self.session, batch)
