"""Counts of what a viewer may read: objects per collection, what an organisation shares, what was shared this week
by nation and TLP, and objects added per week. Computed in SQL over readable rows only: a record the viewer may not
read changes no number."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session

from liaison_hub.db.types import utcnow
from liaison_hub.intel import service as intel
from liaison_hub.intel.browse import repository as repo
from liaison_hub.intel.schemas import CollectionAccess
from liaison_hub.intel.stix import micros_of
from liaison_hub.policy.levels import TLP
from liaison_hub.policy.principal import Principal


@dataclass(frozen=True)
class Shared:
    collection: CollectionAccess
    objects: int


@dataclass(frozen=True)
class WeekCount:
    week_start: date
    objects: int


@dataclass(frozen=True)
class ThisWeek:
    """Readable versions added in the last seven days: per nation of the sharing organisation (None: the alliance),
    per TLP."""

    by_nation: dict[str | None, dict[str, int]]
    tlps: list[str]

    def rows(self) -> list[tuple[str | None, dict[str, int]]]:
        """Nations by code, the alliance's own bodies (None) last."""
        return sorted(self.by_nation.items(), key=lambda item: (item[0] is None, item[0] or ""))

    @property
    def total(self) -> int:
        return sum(sum(row.values()) for row in self.by_nation.values())


def object_counts(session: Session, principal: Principal) -> dict[int, int]:
    """Per collection id, the objects the principal may read."""
    return repo.object_counts(session, principal)


def shared_by(session: Session, principal: Principal, *, organisation_ids: Sequence[int]) -> list[Shared]:
    """What these organisations (one, or a nation's) share that the principal may read, per collection (the marking
    and extension definitions that come with their objects aside)."""
    counts = repo.object_counts(session, principal, owner_organisation_ids=organisation_ids, definitions=False)
    return [Shared(c, counts[c.id]) for c in intel.list_collections(session, principal) if counts.get(c.id)]


def this_week(session: Session, principal: Principal, *, now: datetime | None = None) -> ThisWeek:
    since = micros_of((now or utcnow()) - timedelta(days=7))
    table: dict[str | None, dict[str, int]] = {}
    for nation, tlp, count in repo.added_since_by_owner(session, principal, since=since):
        row = table.setdefault(nation, {})
        row[tlp] = row.get(tlp, 0) + count
    used = {tlp for row in table.values() for tlp in row}
    return ThisWeek(by_nation=table, tlps=[t.value for t in TLP if t.value in used])


def weekly(session: Session, principal: Principal, *, weeks: int = 12, today: date | None = None) -> list[WeekCount]:
    """Readable versions added per week (Monday to Sunday, UTC) over the last ``weeks`` weeks, oldest first."""
    last = today or utcnow().date()
    first = last - timedelta(days=last.weekday() + 7 * (weeks - 1))
    epoch = date(1970, 1, 1)
    per_day = repo.added_per_day(
        session, principal, since=micros_of(datetime(first.year, first.month, first.day, tzinfo=UTC))
    )
    counts = [0] * weeks
    for day_number, count in per_day.items():
        index = ((epoch + timedelta(days=day_number)) - first).days // 7
        if 0 <= index < weeks:
            counts[index] += count
    return [WeekCount(first + timedelta(weeks=i), n) for i, n in enumerate(counts)]
