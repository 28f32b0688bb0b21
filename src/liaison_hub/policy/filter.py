"""``readable(stmt, principal)``: the one access filter. Every query for shareable rows goes through it."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, and_, exists, false, or_, select

from liaison_hub.models import (
    Audience,
    AudienceGrouping,
    AudienceNation,
    AudienceRecipient,
    Grouping,
    GroupingMember,
)
from liaison_hub.policy.levels import TLP
from liaison_hub.policy.principal import Principal
from liaison_hub.policy.reference import ALLIANCE, OWNER_NATION_DEFAULT

S = TypeVar("S", bound=Select[*tuple[Any, ...]])


def _owners_nation(principal: Principal) -> ColumnElement[bool]:
    nation = principal.nation_code
    return Audience.owner_nation_code == nation if nation is not None else false()


def _in_listed(principal: Principal) -> ColumnElement[bool]:
    """The principal's nation is among the nations and groupings a (non-empty) list names."""
    nation = principal.nation_code
    if nation is None:
        if principal.organisation_id is None:
            return false()
        return exists(
            select(1)
            .select_from(AudienceGrouping)
            .join(Grouping, Grouping.id == AudienceGrouping.grouping_id)
            .where(AudienceGrouping.audience_id == Audience.id, Grouping.code == ALLIANCE)
        )
    return or_(
        exists(select(1).where(AudienceNation.audience_id == Audience.id, AudienceNation.nation_code == nation)),
        exists(
            select(1)
            .select_from(AudienceGrouping)
            .join(GroupingMember, GroupingMember.grouping_id == AudienceGrouping.grouping_id)
            .where(AudienceGrouping.audience_id == Audience.id, GroupingMember.nation_code == nation)
        ),
    )


def _within_releasability(principal: Principal) -> ColumnElement[bool]:
    """Unset: no limit, except the owner's nation for AMBER and AMBER+STRICT; the empty list: the owner's nation;
    a list: the nations it names or its groupings hold now."""
    owner_default = Audience.tlp.in_([t.value for t in OWNER_NATION_DEFAULT])
    return or_(
        and_(~Audience.restricts_nations, or_(~owner_default, _owners_nation(principal))),
        and_(Audience.restricts_nations, Audience.releasable_empty, _owners_nation(principal)),
        and_(Audience.restricts_nations, ~Audience.releasable_empty, _in_listed(principal)),
    )


PolicyKey = tuple[bool, bool, int, int | None, str | None]


def policy_key(principal: Principal) -> PolicyKey:
    """Everything of a principal that ``visible_audiences`` reads: two principals with equal keys get the same
    access filter, so a statement built for one may be reused for the other (``intel.repository`` caches page
    statements by it). Keep it in step with ``visible_audiences`` and ``_within_releasability``."""
    return (
        principal.is_anonymous,
        principal.is_system,
        principal.clearance_rank,
        principal.organisation_id,
        principal.nation_code,
    )


def visible_audiences(principal: Principal) -> Select[int]:
    """The ids of the audiences this principal may read, as a subquery (membership is read live). The hub's own
    command line and jobs (the system principal) read everything."""
    if principal.is_system:
        return select(Audience.id)
    cleared = Audience.classification_rank <= principal.clearance_rank
    if principal.is_anonymous:
        return select(Audience.id).where(
            cleared, Audience.tlp == TLP.clear.value, ~Audience.restricts_nations, ~Audience.owner_only
        )
    org = principal.organisation_id
    is_owner = Audience.owner_organisation_id == org if org is not None else false()
    is_recipient: ColumnElement[bool] = (
        exists(select(1).where(AudienceRecipient.audience_id == Audience.id, AudienceRecipient.organisation_id == org))
        if org is not None
        else false()
    )
    by_recipients = or_(
        Audience.tlp.not_in((TLP.red.value, TLP.amber_strict.value)),
        and_(Audience.tlp == TLP.amber_strict.value, ~Audience.has_recipients),
        is_recipient,
    )
    beyond_owner = and_(~Audience.owner_only, _within_releasability(principal), by_recipients)
    return select(Audience.id).where(cleared, or_(is_owner, beyond_owner))


def readable(stmt: S, principal: Principal, entity: Any = None) -> S:
    """Restrict ``stmt`` to rows of ``entity`` (default: the statement's first entity) the principal may read."""
    target = entity if entity is not None else stmt.column_descriptions[0]["entity"]
    audience_id = getattr(target, "audience_id", None)
    if audience_id is None:
        raise TypeError(f"{target!r} is not shareable: it has no audience_id")
    return stmt.where(audience_id.in_(visible_audiences(principal)))


def readable_or_unmarked(stmt: S, principal: Principal, entity: Any = None) -> S:
    """``readable`` for tables whose rows may carry no marking at all (the audit trail): unmarked rows pass."""
    target = entity if entity is not None else stmt.column_descriptions[0]["entity"]
    audience_id = target.audience_id
    return stmt.where(audience_id.is_(None) | audience_id.in_(visible_audiences(principal)))


__all__ = ["PolicyKey", "policy_key", "readable", "readable_or_unmarked", "visible_audiences"]
