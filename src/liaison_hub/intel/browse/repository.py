"""Object lists for browsing: the TAXII filters of ``intel.repository.filtered`` (latest readable version, access
filter) plus a marking filter, a text search and a value search over the correlation index (also readable-only)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from liaison_hub.intel.repository import filtered
from liaison_hub.intel.schemas import ObjectFilters, Position
from liaison_hub.models import Audience, Organisation
from liaison_hub.models.intel import StixObject
from liaison_hub.models.intel_correlation import IntelObservable
from liaison_hub.policy import readable
from liaison_hub.policy.principal import Principal

AnySelect = Select[*tuple[Any, ...]]


@dataclass(frozen=True)
class ListedRow:
    row_id: int
    stix_id: str
    type: str
    version: int
    date_added: int
    audience_id: int
    document: str


def _like(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def page_objects(
    session: Session,
    principal: Principal,
    *,
    collection_id: int,
    types: Sequence[str] = (),
    tlp: str | None = None,
    text: str | None = None,
    value_keys: Sequence[str] = (),
    before: Position | None = None,
    after: Position | None = None,
    limit: int = 50,
) -> list[ListedRow]:
    """Up to ``limit + 1`` readable latest versions, newest first (``after``: the oldest ones newer than it, oldest
    first), matching every filter given.

    With ``text`` and ``value_keys`` both given, an object matches either (a search box takes both forms)."""
    o = StixObject
    stmt: AnySelect = select(o.id, o.stix_id, o.type, o.version, o.date_added, o.audience_id, o.document)
    stmt = filtered(stmt, principal, collection_id, ObjectFilters(types=tuple(types)))
    if tlp:
        stmt = stmt.where(o.audience_id.in_(select(Audience.id).where(Audience.tlp == tlp)))
    conditions = []
    if value_keys:
        v = IntelObservable
        mentions: AnySelect = select(v.stix_id).where(v.collection_id == collection_id, v.value_key.in_(value_keys))
        conditions.append(o.stix_id.in_(readable(mentions, principal, v)))
    if text:
        conditions.append(func.lower(o.document).like(_like(text), escape="\\"))
    if conditions:
        stmt = stmt.where(conditions[0] if len(conditions) == 1 else conditions[0] | conditions[1])
    if before is not None:
        stmt = stmt.where(o.date_added < before.key)
    if after is not None:
        stmt = stmt.where(o.date_added > after.key).order_by(o.date_added, o.id).limit(limit + 1)
        return [ListedRow(*r) for r in session.execute(stmt)]
    stmt = stmt.order_by(o.date_added.desc(), o.id.desc()).limit(limit + 1)
    return [ListedRow(*r) for r in session.execute(stmt)]


def types_in(session: Session, principal: Principal, *, collection_id: int) -> list[str]:
    """The object types the principal can see in a collection (for the filter's choices)."""
    o = StixObject
    stmt: AnySelect = select(o.type).where(o.collection_id == collection_id)
    return sorted(session.scalars(readable(stmt, principal, o).distinct()))


def object_counts(
    session: Session,
    principal: Principal,
    *,
    owner_organisation_ids: Sequence[int] | None = None,
    definitions: bool = True,
) -> dict[int, int]:
    """Per collection, how many objects the principal may read (distinct STIX ids with a readable version),
    optionally only those these organisations shared, optionally without marking and extension definitions."""
    o = StixObject
    stmt: AnySelect = select(o.collection_id, func.count(func.distinct(o.stix_id))).group_by(o.collection_id)
    if not definitions:
        stmt = stmt.where(o.type.notin_(DEFINITIONS))
    if owner_organisation_ids is not None:
        owned = select(Audience.id).where(Audience.owner_organisation_id.in_(list(owner_organisation_ids)))
        stmt = stmt.where(o.audience_id.in_(owned))
    return {int(c): int(n) for c, n in session.execute(readable(stmt, principal, o))}


def added_since_by_owner(session: Session, principal: Principal, *, since: int) -> list[tuple[str | None, str, int]]:
    """Readable versions added since ``since`` (microseconds), definitions aside, counted by the owner organisation's
    nation and TLP."""
    o = StixObject
    stmt: AnySelect = (
        select(Organisation.nation_code, Audience.tlp, func.count())
        .select_from(o)
        .join(Audience, Audience.id == o.audience_id)
        .join(Organisation, Organisation.id == Audience.owner_organisation_id, isouter=True)
        .where(o.date_added >= since, o.type.notin_(DEFINITIONS))
        .group_by(Organisation.nation_code, Audience.tlp)
    )
    return [(nation, str(tlp), int(n)) for nation, tlp, n in session.execute(readable(stmt, principal, o))]


def added_per_day(session: Session, principal: Principal, *, since: int) -> dict[int, int]:
    """Readable versions added since ``since``, per day (days since the epoch, UTC)."""
    o = StixObject
    day = o.date_added // DAY_MICROS
    stmt: AnySelect = select(day, func.count()).where(o.date_added >= since, o.type.notin_(DEFINITIONS)).group_by(day)
    return {int(d): int(n) for d, n in session.execute(readable(stmt, principal, o))}


DAY_MICROS = 86_400_000_000
DEFINITIONS = ("marking-definition", "extension-definition")
"""Types that define how others are marked or extended: not counted as shared intelligence on the dashboard."""
