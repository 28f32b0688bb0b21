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

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison_hub.db.types import utcnow
from liaison_hub.errors import HubError, InvalidInput
from liaison_hub.intel import repository as repo
from liaison_hub.intel.markings import BUILTIN_TLP, Facets, combine, interpret_definition, marking_refs
from liaison_hub.intel.schemas import IngestResult, ObjectOutcome, StoredObject
from liaison_hub.intel.stix import canonical_digest, document_of, micros_of, version_micros
from liaison_hub.intel.validation import check
from liaison_hub.models import Organisation
from liaison_hub.models.intel import IntelCollection
from liaison_hub.policy import audience_for, check_marking
from liaison_hub.policy.levels import TLP, Level, parse_classification
from liaison_hub.policy.marking import Marking
from liaison_hub.policy.principal import Actor

BATCH_SIZE = 1000
_ONLY_VERSION = (True, True, False)  # is_latest, is_first, multi_audience of an object's one and only version
BatchHook = Callable[[Session, Sequence[StoredObject]], None]
_HOOKS: list[BatchHook] = []
CONFLICT = (
    "a different object with this id and modified is already stored; STIX versions are immutable "
    "(STIX 2.1 section 3.6): publish a new version with a later 'modified'"
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


def version_flags(rows: Iterable[tuple[str, int, int]]) -> dict[tuple[str, int, int], tuple[bool, bool, bool]]:
    """(stix id, version, audience) -> (is_latest, is_first, multi_audience), per object and audience."""
    by_object: dict[str, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    for stix_id, version, audience_id in rows:
        by_object[stix_id][audience_id].append(version)
    flags = {}
    for stix_id, audiences in by_object.items():
        multi = len(audiences) > 1
        for audience_id, versions in audiences.items():
            newest, oldest = max(versions), min(versions)
            for version in versions:
                flags[(stix_id, version, audience_id)] = (version == newest, version == oldest, multi)
    return flags


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
        self.system = actor.principal.kind == "system"
        self.max_failures = max_failures
        self.default = default_marking or Facets.from_json(collection.default_marking)
        self.definitions: dict[str, Facets] = {ref: Facets(tlp=tlp) for ref, tlp in BUILTIN_TLP.items()}
        self.digests: dict[str, str] = {}
        self.audiences: dict[Facets, int] = {}
        self.marked: dict[tuple[str, ...], int | str] = {}
        self.organisations: dict[str, int] = {}
        self.result = IngestResult()
        self.last_added = repo.lock_collection(session, self.collection_id)

    def run(self, objects: Iterable[object], batch_size: int = BATCH_SIZE) -> IngestResult:
        for batch in _batches(objects, batch_size):
            self.result.total += len(batch)
            self._batch(batch)
        repo.set_last_added(self.session, self.collection_id, self.last_added)
        return self.result

    def _refuse(self, obj: object, message: str) -> None:
        self.result.refused += 1
        if self.max_failures is None or len(self.result.failures) < self.max_failures:
            self.result.failures.append(ObjectOutcome(_as_sent_id(obj), _as_sent_version(obj), message))

    def _duplicate(self, obj: dict[str, Any]) -> None:
        """An identical version is already stored (or earlier in the batch): a success, not stored again. New
        versions are counted by ``_store``, a batch at a time."""
        self.result.duplicates += 1
        if self.keep_successes:
            note = "identical version already stored"
            self.result.successes.append(ObjectOutcome(obj["id"], _as_sent_version(obj), note))

    def _batch(self, batch: list[object]) -> None:
        valid: list[dict[str, Any]] = []
        for obj in batch:
            problem = check(obj)
            if problem is None:
                assert isinstance(obj, dict)
                valid.append(obj)
            else:
                self._refuse(obj, problem)
        valid = self._learn_definitions(valid)
        refs = [marking_refs(obj) for obj in valid]
        self._load_definitions(set().union(*refs))
        prepared = [p for obj, marks in zip(valid, refs, strict=True) if (p := self._prepare(obj, marks)) is not None]
        self._store(prepared)

    def _load_definitions(self, refs: set[str]) -> None:
        for ref, row in repo.get_definitions(self.session, refs - self.definitions.keys()).items():
            self.definitions[ref] = Facets.from_json(row.facets)
            self.digests[ref] = row.digest

    def _learn_definitions(self, valid: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Register the batch's marking-definitions (immutable: a different one under a known id is refused)."""
        self._load_definitions({o["id"] for o in valid if o["type"] == "marking-definition"})
        kept, rows = [], []
        for obj in valid:
            if obj["type"] != "marking-definition" or obj["id"] in BUILTIN_TLP:
                kept.append(obj)
                continue
            digest = canonical_digest(obj)
            known = self.digests.get(obj["id"])
            if known is not None and known != digest:
                self._refuse(
                    obj, "a different marking-definition with this id is already registered; they are immutable"
                )
                continue
            if known is None:
                try:
                    kind, facets = interpret_definition(obj)
                except InvalidInput as exc:
                    self._refuse(obj, exc.message)
                    continue
                self.definitions[obj["id"]], self.digests[obj["id"]] = facets, digest
                rows.append(
                    {
                        "stix_id": obj["id"],
                        "kind": kind,
                        "facets": facets.to_json(),
                        "digest": digest,
                        "created_at": utcnow(),
                    }
                )
            kept.append(obj)
        repo.add_definitions(self.session, rows)
        return kept

    def _prepare(self, obj: dict[str, Any], refs: tuple[str, ...]) -> Prepared | None:
        audience = self.marked.get(refs)
        if audience is None:
            unknown = [ref for ref in refs if ref not in self.definitions]
            if unknown:  # not cached: a later batch of the same ingest may define them
                self._refuse(obj, f"references unknown marking-definition(s) {', '.join(unknown)}: send them first")
                return None
            audience = self.marked[refs] = self._audience_of(refs)
        if isinstance(audience, str):
            self._refuse(obj, audience)
            return None
        return Prepared(obj, obj["id"], obj["type"], version_micros(obj) or 0, canonical_digest(obj), audience)

    def _audience_of(self, refs: tuple[str, ...]) -> int | str:
        """The audience of a set of known marking references, or why it is refused: computed once per distinct set in
        an ingest, since a definition, once known, never changes."""
        try:
            return self._audience(combine((self.definitions[ref] for ref in refs), self.default))
        except HubError as exc:
            return f"marking refused: {exc.message}"

    def _audience(self, facets: Facets) -> int:
        """The audience of a marking, resolved once per distinct marking in this ingest."""
        if facets not in self.audiences:
            marking = Marking(
                tlp=facets.tlp or TLP.amber,
                classification=facets.classification or "NU",
                releasable_to=facets.releasable_to or (),
                recipients=self._organisation_ids(facets.recipients or ()),
                owner_organisation_id=self.owner,
            )
            check_marking(marking, self.accreditation)
            level = parse_classification(marking.classification)
            if not self.system and level.rank > self.actor.principal.clearance_rank:
                raise InvalidInput(f"classification {level.name} is above your clearance")
            self.audiences[facets] = audience_for(self.session, marking, accreditation=self.accreditation).id
        return self.audiences[facets]

    def _organisation_ids(self, names: tuple[str, ...]) -> tuple[int, ...]:
        missing = [name for name in names if name not in self.organisations]
        if missing:
            found = self.session.execute(
                select(Organisation.short_name, Organisation.id).where(Organisation.short_name.in_(missing))
            )
            self.organisations.update({str(n).upper(): int(i) for n, i in found})
            unknown = [name for name in missing if name not in self.organisations]
            if unknown:
                raise InvalidInput(f"unknown recipient organisations: {', '.join(unknown)}")
        return tuple(self.organisations[name] for name in names)

    def _store(self, prepared: list[Prepared]) -> None:
        fresh = self._without_repeats(prepared)
        if not fresh:
            return
        existing = repo.existing_versions(self.session, self.collection_id, {p.stix_id for p in fresh})
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
        if self.keep_successes:
            self.result.successes += [ObjectOutcome(p.stix_id, _as_sent_version(p.obj)) for p in to_insert]
        self._run_hooks(to_insert, added)

    @staticmethod
    def _set_flags(
        fresh: list[Prepared], existing: list[repo.VersionRow]
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
        changes = [
            {"id": e[0], "is_latest": f[0], "is_first": f[1], "multi_audience": f[2]}
            for e in existing
            if (f := flags[(e[1], e[2], e[3])]) != (e[5], e[6], e[7])
        ]
        return new, changes

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
                self._duplicate(p.obj)
            else:
                self._refuse(p.obj, CONFLICT)
        return fresh

    def _without_stored(self, fresh: list[Prepared], existing: list[repo.VersionRow]) -> list[Prepared]:
        """Compare with stored versions the writer may read; versions it may not read are never revealed."""
        same: dict[tuple[str, int], list[repo.VersionRow]] = defaultdict(list)
        for row in existing:
            same[(row[1], row[2])].append(row)
        candidates = [row[0] for p in fresh for row in same.get((p.stix_id, p.version), [])]
        visible = (
            set(candidates) if self.system else repo.readable_row_ids(self.session, self.actor.principal, candidates)
        )
        to_insert = []
        for p in fresh:
            rows = same.get((p.stix_id, p.version), [])
            seen = [row for row in rows if row[0] in visible]
            if any(row[4] == p.digest for row in seen):
                self._duplicate(p.obj)
            elif seen or any(row[3] == p.audience_id for row in rows):
                self._refuse(p.obj, CONFLICT)
            else:
                to_insert.append(p)
        return to_insert

    def _run_hooks(self, stored: list[Prepared], added: range) -> None:
        if not _HOOKS:
            return
        by_added = repo.row_ids_by_added(self.session, self.collection_id, added[0], added[-1])
        batch = [
            StoredObject(
                by_added[date_added], self.collection_id, p.stix_id, p.type, p.version, date_added, p.audience_id, p.obj
            )
            for p, date_added in zip(stored, added, strict=True)
        ]
        for hook in list(_HOOKS):
            hook(self.session, batch)
