"""What marking references mean for one writer during one ingest: the marking-definitions of its scope (and the
hub's), registering those it sends (docs/markings.md, scopes and immutability), and the audiences they give,
each resolved once per distinct set of references."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison_hub.db.types import utcnow
from liaison_hub.errors import HubError, InvalidInput
from liaison_hub.intel import repository as repo
from liaison_hub.intel.markings import (
    BUILTIN_TLP,
    HUB_IDENTITY_ID,
    Facets,
    combine,
    derived_id,
    interpret_definition,
)
from liaison_hub.intel.stix import canonical_digest
from liaison_hub.models import Organisation
from liaison_hub.policy.audiences import audience_id_for
from liaison_hub.policy.levels import Level, classification_levels
from liaison_hub.policy.principal import Actor
from liaison_hub.policy.rights import require_may_mark

HUB_SCOPE, SYSTEM_SCOPE = "hub", "system"
"""Where marking-definitions are registered: the hub's content-derived ones, and those of the hub's command line;
any other belongs to the organisation that registered it (``org:<id>``)."""
Refuse = Callable[[dict[str, Any], str], None]


class WriterMarkings:
    """Definitions and audiences for one writer (an owner organisation, or none) in one ingest."""

    def __init__(
        self, session: Session, actor: Actor, *, owner: int | None, default: Facets, accreditation: Level
    ) -> None:
        self.session, self.actor, self.owner, self.default = session, actor, owner, default
        self.accreditation = accreditation
        self.scope = f"org:{owner}" if owner is not None else SYSTEM_SCOPE
        self.definitions: dict[str, Facets] = {ref: Facets(tlp=tlp) for ref, tlp in BUILTIN_TLP.items()}
        self.loaded: set[str] = set(BUILTIN_TLP)
        self.digests: dict[tuple[str, str], str] = {}
        self.conflicts: dict[str, str] = {}
        self.registered: set[str] = set()
        """Definitions registered since the caller last looked (``take_registered``)."""
        self.audiences: dict[Facets, int] = {}
        self.marked: dict[tuple[str, ...], int | str] = {}
        self.held_marked: dict[tuple[str, ...], int | str] = {}
        self.organisations: dict[str, int] = {}
        organisation = session.get(Organisation, owner) if owner is not None else None
        self.owner_nation = organisation.nation_code if organisation is not None else None

    def load(self, refs: set[str]) -> None:
        """What these ids mean for this writer: its own registration, else the hub's (content-derived) one."""
        wanted = refs - self.loaded
        self.loaded |= wanted
        rows = repo.get_definitions(self.session, wanted, (self.scope, HUB_SCOPE))
        for row in sorted(rows, key=lambda r: r.scope == self.scope):  # the writer's own scope last: it wins
            self.definitions[row.stix_id] = Facets.from_json(row.facets)
            self.digests[(row.stix_id, row.scope)] = row.digest

    def take_registered(self) -> set[str]:
        registered, self.registered = self.registered, set()
        return registered

    def learn(self, valid: list[dict[str, Any]], refuse: Refuse) -> list[dict[str, Any]]:
        """Register a batch's marking-definitions; returns the batch without the refused ones."""
        self.load({o["id"] for o in valid if o["type"] == "marking-definition"})
        kept, rows = [], []
        for obj in valid:
            if obj["type"] != "marking-definition" or obj["id"] in BUILTIN_TLP:
                kept.append(obj)
                continue
            row = self._learn(obj, refuse)
            if row is not None:
                kept.append(obj)
                if row:
                    rows.append(row)
        repo.add_definitions(self.session, rows)
        self.registered |= {row["stix_id"] for row in rows}
        return kept

    def _scope_of(self, obj: dict[str, Any], kind: str, facets: Facets) -> str | None:
        """Where a definition is registered: the hub's scope for one with the hub's extension, whose id must be the
        one the hub derives from its content (else None: refused), the writer's own scope for any other kind."""
        if kind == "hub" or obj.get("created_by_ref") == HUB_IDENTITY_ID:
            return HUB_SCOPE if kind == "hub" and obj["id"] == derived_id(facets) else None
        return self.scope

    def _conflict(self, obj: dict[str, Any], reason: str, refuse: Refuse) -> None:
        """Refuse a definition, and every object of this ingest that references its id: an object is never stored
        under a meaning other than the one its writer sent."""
        refuse(obj, reason)
        self.conflicts[obj["id"]] = f"its marking-definition {obj['id']} was refused: {reason}"

    def _learn(self, obj: dict[str, Any], refuse: Refuse) -> dict[str, Any] | None:
        """One definition: None when refused, {} when already registered as it is, else the row to register."""
        ref = obj["id"]
        try:
            kind, facets = interpret_definition(obj)
        except InvalidInput as exc:
            self._conflict(obj, exc.message, refuse)
            return None
        scope = self._scope_of(obj, kind, facets)
        if scope is None:
            reason = (
                "a marking-definition with the hub's extension (or identity) must have the id the hub derives "
                f"from its content, here {derived_id(facets)} (docs/markings.md)"
            )
            self._conflict(obj, reason, refuse)
            return None
        meaning = self.definitions.get(ref)
        if meaning is not None and meaning != facets:
            reason = "this id is already registered with another meaning; marking-definitions are immutable"
            self._conflict(obj, reason, refuse)
            return None
        digest, known = canonical_digest(obj), self.digests.get((ref, scope))
        if known is not None:
            if known != digest:
                refuse(obj, "a different marking-definition with this id is already registered; they are immutable")
                return None
            return {}
        self.definitions[ref], self.digests[(ref, scope)] = facets, digest
        facets_json = facets.to_json()
        return {
            "stix_id": ref,
            "scope": scope,
            "kind": kind,
            "facets": facets_json,
            "digest": digest,
            "created_at": utcnow(),
        }

    def audience_of(self, refs: tuple[str, ...]) -> int | str:
        """The audience of a set of known marking references, or why it is refused: computed once per distinct set in
        an ingest, since a definition, once known, never changes."""
        if refs not in self.marked:
            try:
                facets = combine((self.definitions[ref] for ref in refs), self.default, owner_nation=self.owner_nation)
                self.marked[refs] = self.audience(facets)
            except HubError as exc:
                self.marked[refs] = f"marking refused: {exc.message}"
        return self.marked[refs]

    def held_audience(self, refs: tuple[str, ...]) -> int | str:
        """The audience a version waits under while some of its definitions are unknown (``intel.held``): owner-only,
        at the highest classification its writer could have meant (their clearance, within the accreditation)."""
        if refs not in self.held_marked:
            known = combine(
                (self.definitions[ref] for ref in refs if ref in self.definitions),
                self.default,
                owner_nation=self.owner_nation,
            )
            principal = self.actor.principal
            rank = self.accreditation.rank
            if not principal.is_system:
                rank = min(rank, principal.clearance_rank)
            level = classification_levels()[rank].code
            try:
                self.held_marked[refs] = self.audience(Facets(tlp=known.tlp, classification=level, owner_only=True))
            except HubError as exc:
                self.held_marked[refs] = f"marking refused: {exc.message}"
        return self.held_marked[refs]

    def release_audience(self, refs: tuple[str, ...], default: Facets) -> int | str:
        """The audience a held version's references give now that they are known, with the default its own ingest
        applied; or why it stays held."""
        self.load(set(refs))
        if any(ref in self.conflicts or ref not in self.definitions for ref in refs):
            return "a definition it references was refused"
        try:
            facets = combine((self.definitions[ref] for ref in refs), default, owner_nation=self.owner_nation)
            return self.audience(facets)
        except HubError as exc:
            return exc.message

    def audience(self, facets: Facets) -> int:
        """The audience of a marking, resolved once per distinct marking in this ingest."""
        if facets not in self.audiences:
            recipients = self._organisation_ids(facets.recipients or ())
            marking = facets.to_marking(owner_organisation_id=self.owner, recipient_ids=recipients)
            require_may_mark(self.actor, marking, self.accreditation)
            self.audiences[facets] = audience_id_for(self.session, marking, accreditation=self.accreditation)
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
