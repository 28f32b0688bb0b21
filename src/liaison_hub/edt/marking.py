"""Markings of EDT records: a writer's marking (one the hub may hold and the writer is cleared for), and a part's
marking that can only narrow its parent's (a history entry within its technology; a promoted move within its
technology and its signal), following ``intel.markings.combine``."""

from __future__ import annotations

from sqlalchemy.orm import Session

from liaison_hub.audit.service import record_marked
from liaison_hub.edt import repository as repo
from liaison_hub.intel.markings import Facets, combine
from liaison_hub.models import Audience
from liaison_hub.policy import schemas as policy_schemas
from liaison_hub.policy.audiences import audience_for
from liaison_hub.policy.levels import TLP, Level
from liaison_hub.policy.marking import Marking
from liaison_hub.policy.principal import Actor
from liaison_hub.policy.schemas import MarkingIn


def writer_audience(session: Session, actor: Actor, spec: MarkingIn, *, accreditation: Level) -> Audience:
    """The audience of a marking a writer gives, owned by the writer's organisation."""
    return policy_schemas.writer_audience(session, actor, spec, accreditation=accreditation, records="EDT records")


def _facets(audience: Audience) -> Facets:
    return Facets(
        tlp=TLP(audience.tlp),
        classification=audience.classification,
        releasable_to=audience.releasable,
        recipients=tuple(str(r) for r in audience.recipients) or None,
        owner_only=audience.owner_only,
    )


def _within(session: Session, lists: list[tuple[str, ...]]) -> tuple[str, ...]:
    """Codes of non-empty releasability lists that every list covers: named by it, or a nation member now of a
    grouping it names (so REL TO AUS narrows REL TO AP4 to AUS, rather than to nobody)."""
    members = repo.grouping_members(session, {c for codes in lists for c in codes})
    kept: set[str] = set()
    for code in {c for codes in lists for c in codes}:
        if all(code in codes or any(code in members.get(g, ()) for g in codes) for codes in lists):
            kept.add(code)
    return tuple(sorted(kept))


def narrowed(
    session: Session, parents: list[Audience], audience: Audience, *, accreditation: Level, owner: int | None = None
) -> Audience:
    """The audience of a part: its own marking combined with its parents' (combining only narrows), owned by
    ``owner`` (default: the part's own marking's owner)."""
    owner = audience.owner_organisation_id if owner is None else owner
    facets = [_facets(a) for a in [*parents, audience]]
    lists = [f.releasable_to for f in facets if f.releasable_to]
    if len(lists) > 1:
        common = _within(session, [tuple(x) for x in lists])
        facets = [f if not f.releasable_to else _replace_releasable(f, common) for f in facets]
    owner_nation = repo.nation_of(session, owner)
    found = combine(facets, Facets(), owner_nation=owner_nation)
    marking = Marking(
        tlp=found.tlp or TLP(audience.tlp),
        classification=found.classification or audience.classification,
        releasable_to=found.releasable_to,
        recipients=tuple(int(r) for r in found.recipients or ()),
        owner_organisation_id=owner,
        owner_only=found.owner_only,
    )
    return audience_for(session, marking, accreditation=accreditation)


def _replace_releasable(facets: Facets, codes: tuple[str, ...]) -> Facets:
    if not codes:
        return Facets(
            tlp=facets.tlp,
            classification=facets.classification,
            releasable_to=None,
            recipients=facets.recipients,
            owner_only=True,
        )
    return Facets(
        tlp=facets.tlp,
        classification=facets.classification,
        releasable_to=codes,
        recipients=facets.recipients,
        owner_only=facets.owner_only,
    )


audit_write = record_marked  # an audit entry about a marked EDT record (ids, sizes, the marking)
