"""Why a schedule is fair, for people: each participant's cost per meeting (the scheduler's weighted quarter hours)
and a 24-hour strip of their local day with their acceptable window and each meeting where it falls, in their own
time, whatever daylight-saving change lies between two meetings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from liaison_hub.consultations.scheduling import Attendee, Schedule, dst_warnings, meeting_cost

DAY = 24 * 60


@dataclass(frozen=True)
class Mark:
    """One meeting on a participant's strip: where it starts in their local day and how long it lasts."""

    number: int
    local_date: str
    start_minute: int
    minutes: int
    cost: int
    offset: str
    offset_changed: bool

    @property
    def pieces(self) -> list[tuple[int, int]]:
        """(start, length) in minutes of the day; a meeting across local midnight is drawn in two pieces."""
        end = self.start_minute + self.minutes
        if end <= DAY:
            return [(self.start_minute, self.minutes)]
        return [(self.start_minute, DAY - self.start_minute), (0, end - DAY)]


@dataclass(frozen=True)
class Strip:
    organisation: str
    zone: str
    window: tuple[int, int]
    marks: list[Mark]
    total: int

    @property
    def labels(self) -> list[tuple[int, str]]:
        """One label per local start time: the numbers of the meetings that start then ("1, 3")."""
        starts: dict[int, list[str]] = {}
        for mark in self.marks:
            starts.setdefault(mark.start_minute, []).append(str(mark.number))
        return sorted((minute, ", ".join(numbers)) for minute, numbers in starts.items())


@dataclass(frozen=True)
class Fairness:
    """A schedule for people: the meetings (UTC), each participant's strip and costs, the worst-off total and the
    daylight-saving warnings."""

    starts: list[datetime]
    strips: list[Strip]
    warnings: list[str]

    @property
    def worst(self) -> int:
        return max((s.total for s in self.strips), default=0)


def _offset(moment: datetime) -> str:
    delta = moment.utcoffset() or timedelta()
    minutes = int(delta.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _strip(attendee: Attendee, starts: Sequence[datetime], duration: timedelta) -> Strip:
    marks, first_offset = [], None
    for number, start in enumerate(starts, start=1):
        local = start.astimezone(attendee.zone)
        offset = _offset(local)
        first_offset = first_offset or offset
        marks.append(
            Mark(
                number=number,
                local_date=f"{local:%a %d %b}",
                start_minute=local.hour * 60 + local.minute,
                minutes=int(duration.total_seconds() // 60),
                cost=meeting_cost(start, duration, attendee),
                offset=offset,
                offset_changed=offset != first_offset,
            )
        )
    return Strip(attendee.name, attendee.zone.key, attendee.window(), marks, sum(m.cost for m in marks))


def fairness(
    attendees: Sequence[Attendee], starts: Sequence[datetime], duration: timedelta, *, since: datetime | None = None
) -> Fairness:
    """The picture of meetings at ``starts`` (UTC) for these participants."""
    ordered = sorted(starts)
    reference = since or (ordered[0] - timedelta(days=1) if ordered else datetime.now(UTC))
    return Fairness(
        starts=ordered,
        strips=[_strip(a, ordered, duration) for a in attendees],
        warnings=dst_warnings(ordered, duration, attendees, reference),
    )


def of_schedule(plan: Schedule, *, since: datetime) -> Fairness:
    """The picture of a proposed schedule."""
    return fairness(plan.attendees, [s.start for s in plan.slots], plan.duration, since=since)
