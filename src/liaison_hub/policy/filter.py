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
from liaison_hub.policy.reference import ALLIANCE

S = TypeVar("S", bound=Select[Any])


def _within_releasability(principal: Principal) -> ColumnElement[bool]:
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
        and_(Audience.releasable_empty, Audience.owner_nation_code == nation),
        exists(select(1).where(AudienceNation.audience_id == Audience.id, AudienceNation.nation_code == nation)),
        exists(
            select(1)
            .select_from(AudienceGrouping)
            .join(GroupingMember, GroupingMember.grouping_id == AudienceGrouping.grouping_id)
            .where(AudienceGrouping.audience_id == Audience.id, GroupingMember.nation_code == nation)
        ),
    )


PolicyKey = tuple[bool, int, int | None, str | None]


def policy_key(principal: Principal) -> PolicyKey:
    """Everything of a principal that ``visible_audiences`` reads: two principals with equal keys get the same
    access filter, so a statement built for one may be reused for the other (``intel.repository`` caches page
    statements by it). Keep it in step with ``visible_audiences`` and ``_within_releasability``."""
    return (principal.is_anonymous, principal.clearance_rank, principal.organisation_id, principal.nation_code)


def visible_audiences(principal: Principal) -> Select[int]:
    """The ids of the audiences this principal may read, as a subquery (membership is read live)."""
    cleared = Audience.classification_rank <= principal.clearance_rank
    if principal.is_anonymous:
        return select(Audience.id).where(cleared, Audience.tlp == TLP.clear.value)
    org = principal.organisation_id
    is_owner = Audience.owner_organisation_id == org if org is not None else false()
    is_recipient: ColumnElement[bool] = (
        exists(select(1).where(AudienceRecipient.audience_id == Audience.id, AudienceRecipient.organisation_id == org))
        if org is not None
        else false()
    )
    releasable = _within_releasability(principal)
    by_tlp = or_(
        Audience.tlp == TLP.clear.value,
        and_(Audience.tlp == TLP.green.value, or_(Audience.releasable_empty, releasable)),
        and_(Audience.tlp == TLP.amber.value, releasable),
        and_(
            Audience.tlp == TLP.amber_strict.value,
            releasable,
            or_(~Audience.has_recipients, is_recipient),
        ),
        and_(Audience.tlp == TLP.red.value, is_recipient),
    )
    return select(Audience.id).where(cleared, or_(is_owner, by_tlp))


def readable(stmt: S, principal: Principal, entity: Any = None) -> S:
    """Restrict ``stmt`` to rows of ``entity`` (default: the statement's first entity) the principal may read."""
    target = entity if entity is not None else stmt.column_descriptions[0]["entity"]
    audience_id = getattr(target, "audience_id", None)
    if audience_id is None:
        raise TypeError(f"{target!r} is not shareable: it has no audience_id")
    return stmt.where(audience_id.in_(visible_audiences(principal)))


__all__ = ["PolicyKey", "policy_key", "readable", "visible_audiences"]
