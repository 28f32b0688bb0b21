"""Fair scheduling of a series: per occurrence a start time that keeps the worst-off participant's cumulative
inconvenience as low as possible (minimax), avoiding weekends and public holidays. See docs/consultations.md."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import islice
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule, rrulestr

from liaison_hub.consultations.zones import HolidayCheck
from liaison_hub.errors import InvalidInput

STEP = timedelta(minutes=15)  # the cost is summed over quarter hours of the meeting
NIGHT_START, NIGHT_END = 23 * 60, 6 * 60
NIGHT_WEIGHT = 10
FRONTIER_CAP = 5_000  # Pareto states kept per step; beyond it the search is no longer proven optimal
BEAM_WIDTH = 200  # states kept by the first, quick search that bounds the exact one
HORIZON_YEARS = 10
MAX_OCCURRENCES = 12  # proven-optimal in under a second; later occurrences are scheduled in further batches
FORBIDDEN_PARTS = ("BYHOUR", "BYMINUTE", "BYSECOND", "DTSTART")


@dataclass(frozen=True)
class Attendee:
    """A participant as the scheduler sees it: its zone, acceptable local hours and non-working days."""

    name: str
    zone: ZoneInfo
    earliest: time = time(8)
    latest: time = time(18)
    is_holiday: HolidayCheck = field(default=lambda _: False, compare=False)

    def window(self) -> tuple[int, int]:
        return self.earliest.hour * 60 + self.earliest.minute, self.latest.hour * 60 + self.latest.minute


def quarter_weight(minute_of_day: int, window: tuple[int, int]) -> int:
    """Weight of one local quarter hour: 0 inside the acceptable window, 10 at night (23:00-06:00), otherwise
    1 plus the whole hours between it and the nearest edge of the window (07:00 costs 2 for a window from 08:00)."""
    start, end = window
    if start <= minute_of_day < end:
        return 0
    if minute_of_day >= NIGHT_START or minute_of_day < NIGHT_END:
        return NIGHT_WEIGHT
    distance = start - minute_of_day if minute_of_day < start else minute_of_day - end + 15
    return 1 + (distance - 1) // 60 if distance > 0 else 1


def meeting_cost(start: datetime, duration: timedelta, attendee: Attendee) -> int:
    """Inconvenience of a meeting for one attendee, in weighted quarter hours (4 units = one shoulder hour)."""
    window, total, moment = attendee.window(), 0, start
    while moment < start + duration:
        local = moment.astimezone(attendee.zone)
        total += quarter_weight(local.hour * 60 + local.minute, window)
        moment += STEP
    return total


def is_working_time(start: datetime, duration: timedelta, attendee: Attendee) -> bool:
    """False when the meeting touches a local weekend day or public holiday of the attendee."""
    for moment in (start, start + duration - timedelta(minutes=1)):
        day = moment.astimezone(attendee.zone).date()
        if day.weekday() >= 5 or attendee.is_holiday(day):
            return False
    return True


def parse_rule(text: str) -> str:
    """Normalise an RFC 5545 RRULE value; refuse what the scheduler cannot use, with a reason."""
    body = text.strip().removeprefix("RRULE:").strip().upper()
    if not body.startswith("FREQ=") and "FREQ=" not in body:
        raise InvalidInput(f"impossible recurrence rule {text!r}: FREQ is missing")
    parts = {part.split("=", 1)[0] for part in body.split(";") if part}
    bad = sorted(parts.intersection(FORBIDDEN_PARTS))
    if bad:
        raise InvalidInput(f"recurrence rule must not fix {', '.join(bad)}: the scheduler chooses the time of day")
    if any(f"FREQ={unit}" in body for unit in ("HOURLY", "MINUTELY", "SECONDLY")):
        raise InvalidInput("a consultation series recurs daily at most often (FREQ=DAILY, WEEKLY, MONTHLY, YEARLY)")
    try:
        rrulestr(body, dtstart=datetime(2000, 1, 1))
    except (ValueError, TypeError) as exc:
        raise InvalidInput(f"impossible recurrence rule {text!r}: {exc}") from None
    return body


def occurrence_dates(rule: str, first: date, count: int) -> list[date]:
    """The first ``count`` dates of the rule from ``first``; an empty result means the rule is impossible."""
    expanded = rrulestr(parse_rule(rule), dtstart=datetime.combine(first, time()))
    assert isinstance(expanded, rrule)
    if expanded._until is None and expanded._count is None:
        expanded = expanded.replace(until=datetime.combine(first, time()) + timedelta(days=366 * HORIZON_YEARS))
    dates = [moment.date() for moment in islice(expanded, count)]
    if not dates:
        raise InvalidInput(f"impossible recurrence rule {rule!r}: it has no occurrence from {first.isoformat()} on")
    return dates


@dataclass(frozen=True)
class Candidate:
    start: datetime  # UTC
    costs: tuple[int, ...]
    shift_days: int

    def anchor_time(self, anchor: ZoneInfo) -> time:
        return self.start.astimezone(anchor).time()


def candidates_on(
    day: date, anchor: ZoneInfo, duration: timedelta, attendees: Sequence[Attendee], step: int
) -> list[Candidate]:
    """Start times every ``step`` minutes over the anchor-zone day, minus those on anyone's day off."""
    begin = datetime.combine(day, time(), anchor).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(), anchor).astimezone(UTC)
    found, moment = [], begin
    while moment < end:
        if all(is_working_time(moment, duration, a) for a in attendees):
            found.append(Candidate(moment, tuple(meeting_cost(moment, duration, a) for a in attendees), 0))
        moment += timedelta(minutes=step)
    return found


def occurrence_candidates(
    day: date, anchor: ZoneInfo, duration: timedelta, attendees: Sequence[Attendee], step: int, max_shift: int
) -> list[Candidate]:
    """Candidates on the rule's date; only when none is free for everyone, on the nearest days around it."""
    for shift in [0, *[s for d in range(1, max_shift + 1) for s in (d, -d)]]:
        found = candidates_on(day + timedelta(days=shift), anchor, duration, attendees, step)
        if found:
            return [Candidate(c.start, c.costs, shift) for c in found]
    raise InvalidInput(f"no time on or within {max_shift} days of {day.isoformat()} avoids every holiday")


def _dominates(a: tuple[int, ...], b: tuple[int, ...]) -> bool:
    return all(x <= y for x, y in zip(a, b, strict=True))


def _pareto(states: dict[tuple[int, ...], list[int]], cap: int) -> dict[tuple[int, ...], list[int]]:
    """Keep only cumulative cost vectors that no other vector beats for every participant."""
    ordered = sorted(states, key=lambda v: (max(v), sum(v), v))
    kept: list[tuple[int, ...]] = []
    for vector in ordered:
        if not any(_dominates(k, vector) for k in kept):
            kept.append(vector)
        if len(kept) >= cap:
            break
    return {vector: states[vector] for vector in kept}


def _greedy_bound(options: Sequence[Sequence[tuple[int, ...]]], width: int) -> int:
    """An upper bound on the optimum: pick, occurrence by occurrence, what keeps the running worst lowest."""
    state = tuple(0 for _ in range(width))
    for vectors in options:
        state = min(
            (tuple(s + v for s, v in zip(state, vector, strict=True)) for vector in vectors),
            key=lambda total: (max(total), sum(total)),
        )
    return max(state, default=0)


def _remaining_minimum(options: Sequence[Sequence[tuple[int, ...]]], width: int) -> list[tuple[int, ...]]:
    """For each step, the least each participant can still be charged over the occurrences after it."""
    floors = [tuple(0 for _ in range(width))]
    for vectors in reversed(options):
        cheapest = tuple(min(v[i] for v in vectors) for i in range(width))
        floors.append(tuple(a + b for a, b in zip(floors[-1], cheapest, strict=True)))
    return list(reversed(floors))


def _search(
    options: Sequence[Sequence[tuple[int, ...]]], bound: int, floors: list[tuple[int, ...]], cap: int
) -> tuple[tuple[int, ...] | None, list[int], bool]:
    """Dynamic programming over Pareto-optimal partial sums, dropping any partial schedule that must end above
    ``bound``; keeps at most ``cap`` states per step (the flag says whether the cap was never hit)."""
    frontier: dict[tuple[int, ...], list[int]] = {tuple(0 for _ in floors[-1]): []}
    exact = True
    for step, vectors in enumerate(options):
        grown: dict[tuple[int, ...], list[int]] = {}
        for state, path in frontier.items():
            for index, vector in enumerate(vectors):
                total = tuple(s + v for s, v in zip(state, vector, strict=True))
                if max((t + f for t, f in zip(total, floors[step + 1], strict=True)), default=0) <= bound:
                    grown.setdefault(total, [*path, index])
        frontier = _pareto(grown, cap)
        exact = exact and len(frontier) < cap
    if not frontier:
        return None, [], exact
    best = min(frontier, key=lambda v: (max(v, default=0), sum(v), v))
    return best, frontier[best], exact


def minimax_choice(options: Sequence[Sequence[tuple[int, ...]]]) -> tuple[list[int], bool]:
    """Per occurrence an index into its cost vectors, minimising the worst cumulative cost (then the total).
    A narrow search first finds a good feasible schedule; an exact search then keeps only partial schedules that
    can still beat its worst cost. If none can, the first is optimal. The flag says whether that is proven."""
    width = len(options[0][0]) if options and options[0] else 0
    floors = _remaining_minimum(options, width)
    best, path, exact = _search(options, _greedy_bound(options, width), floors, BEAM_WIDTH)
    if exact or best is None:
        return path, exact
    better, better_path, proven = _search(options, max(best, default=0) - 1, floors, FRONTIER_CAP)
    return (better_path, proven) if better is not None else (path, proven)


@dataclass(frozen=True)
class Slot:
    """One scheduled occurrence: when the rule puts it (``recurrence_id``) and when it really starts."""

    recurrence_id: datetime
    start: datetime
    costs: tuple[int, ...]

    @property
    def is_override(self) -> bool:
        return self.start != self.recurrence_id


@dataclass(frozen=True)
class Schedule:
    rule: str
    anchor: ZoneInfo
    rule_time: time
    duration: timedelta
    attendees: tuple[Attendee, ...]
    slots: tuple[Slot, ...]
    exact: bool

    @property
    def totals(self) -> tuple[int, ...]:
        return tuple(sum(slot.costs[i] for slot in self.slots) for i in range(len(self.attendees)))

    @property
    def worst(self) -> int:
        return max(self.totals, default=0)


def _unique_vectors(found: Sequence[Candidate]) -> list[tuple[int, ...]]:
    return list(dict.fromkeys(c.costs for c in found))


def _pick_times(
    per_occurrence: list[list[Candidate]], chosen: list[tuple[int, ...]], anchor: ZoneInfo, fixed: time | None
) -> tuple[time, list[Candidate]]:
    """Among equally costly candidates, use one anchor time of day as often as possible: fewer overrides."""
    fitting = [[c for c in found if c.costs == vector] for found, vector in zip(per_occurrence, chosen, strict=True)]
    votes = Counter(t for group in fitting for t in {c.anchor_time(anchor) for c in group if c.shift_days == 0})
    rule_time = fixed or (min(votes, key=lambda t: (-votes[t], t)) if votes else fitting[0][0].anchor_time(anchor))
    picks = []
    for group in fitting:
        same = [c for c in group if c.anchor_time(anchor) == rule_time and c.shift_days == 0]
        picks.append(same[0] if same else min(group, key=lambda c: (abs(c.shift_days), c.start)))
    return rule_time, picks


def schedule(
    rule: str,
    first: date,
    count: int,
    *,
    anchor: ZoneInfo,
    duration: timedelta,
    attendees: Sequence[Attendee],
    step_minutes: int = 30,
    max_shift_days: int = 3,
    rule_time: time | None = None,
) -> Schedule:
    """Choose start times for the next ``count`` occurrences of ``rule`` (dates in the anchor zone); a series
    already scheduled keeps its ``rule_time`` so that earlier RECURRENCE-IDs stay valid."""
    if not attendees:
        raise InvalidInput("a series needs at least one participant to schedule")
    if not 1 <= count <= MAX_OCCURRENCES:
        raise InvalidInput(f"schedule between 1 and {MAX_OCCURRENCES} occurrences at a time")
    days = occurrence_dates(rule, first, count)
    per_occurrence = [occurrence_candidates(d, anchor, duration, attendees, step_minutes, max_shift_days) for d in days]
    options = [_unique_vectors(found) for found in per_occurrence]
    indices, exact = minimax_choice(options)
    chosen = [vectors[i] for vectors, i in zip(options, indices, strict=True)]
    rule_time, picks = _pick_times(per_occurrence, chosen, anchor, rule_time)
    slots = tuple(
        Slot(datetime.combine(d, rule_time, anchor).astimezone(UTC), pick.start, pick.costs)
        for d, pick in zip(days, picks, strict=True)
    )
    return Schedule(parse_rule(rule), anchor, rule_time, duration, tuple(attendees), slots, exact)


def _transition_day(zone: ZoneInfo, before: datetime, after: datetime) -> date:
    """The local date on which ``zone`` changes its UTC offset between two instants."""
    offset, day = before.astimezone(zone).utcoffset(), before
    while day < after:
        day += timedelta(days=1)
        if min(day, after).astimezone(zone).utcoffset() != offset:
            return min(day, after).astimezone(zone).date()
    return after.astimezone(zone).date()


def _local_span(start: datetime, duration: timedelta, zone: ZoneInfo) -> str:
    return f"{start.astimezone(zone):%H:%M}-{(start + duration).astimezone(zone):%H:%M}"


def dst_warnings(
    starts: Sequence[datetime], duration: timedelta, attendees: Sequence[Attendee], since: datetime
) -> list[str]:
    """Warn when a daylight-saving change before a meeting moves it out of someone's acceptable hours: the same
    instant at the offset in force before the change would have been acceptable, at the new one it is not."""
    warnings = []
    for attendee in attendees:
        previous = since
        for start in sorted(starts):
            old, new = previous.astimezone(attendee.zone).utcoffset(), start.astimezone(attendee.zone).utcoffset()
            if old is not None and new is not None and old != new:
                as_before = start + (old - new)
                if meeting_cost(start, duration, attendee) > 0 and meeting_cost(as_before, duration, attendee) == 0:
                    change = _transition_day(attendee.zone, previous, start)
                    warnings.append(
                        f"{attendee.name}: the daylight-saving change in {attendee.zone.key} on {change.isoformat()} "
                        f"moves the meeting of {start.astimezone(attendee.zone):%Y-%m-%d} to "
                        f"{_local_span(start, duration, attendee.zone)} local time, outside "
                        f"{attendee.earliest:%H:%M}-{attendee.latest:%H:%M}"
                    )
            previous = start
    return warnings
