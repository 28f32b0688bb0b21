"""Fair scheduler benchmark: time and quality of ``consultations.scheduling.schedule`` for the five capitals
(Brussels, Tokyo, Canberra, Seoul, Wellington) over 4 and 12 occurrences, against exhaustive search where that
is feasible. Run: ``python -m bench.consultations_schedule``."""

from __future__ import annotations

import time
from datetime import date, timedelta
from itertools import product

from liaison_hub.consultations import scheduling, zones

CAPITALS = (
    ("BEL", "Europe/Brussels"),
    ("JPN", "Asia/Tokyo"),
    ("AUS", "Australia/Sydney"),
    ("KOR", "Asia/Seoul"),
    ("NZL", "Pacific/Auckland"),
)
CASES = (
    ("quarterly, 1 year", "FREQ=MONTHLY;INTERVAL=3;BYDAY=WE;BYSETPOS=2", 4),
    ("monthly, 1 year", "FREQ=MONTHLY;BYDAY=WE;BYSETPOS=2", 12),
    ("quarterly, 3 years", "FREQ=MONTHLY;INTERVAL=3;BYDAY=WE;BYSETPOS=2", 12),
)
DURATION = timedelta(minutes=90)


def attendees() -> list[scheduling.Attendee]:
    return [scheduling.Attendee(n, zones.zone(z), is_holiday=zones.holiday_check(n)) for n, z in CAPITALS]


def exhaustive(rule: str, count: int, anchor: str, people: list[scheduling.Attendee]) -> int:
    """Best worst-off cost over all whole-hour combinations on the rule dates (only for small counts)."""
    tz = zones.zone(anchor)
    options = []
    for day in scheduling.occurrence_dates(rule, date(2027, 1, 1), count):
        found = scheduling.occurrence_candidates(day, tz, DURATION, people, 60, 3)
        hours = [c for c in found if c.start.astimezone(tz).minute == 0]
        options.append([c.costs for c in hours])
    return min(max(sum(c[i] for c in combo) for i in range(len(people))) for combo in product(*options))


def main() -> None:
    people = attendees()
    print(f"{'case':22} {'anchor':16} {'seconds':>8} {'worst':>6} {'optimum':>8} {'ratio':>6} exact")
    for label, rule, count in CASES:
        for anchor in ("UTC", "Asia/Tokyo", "Europe/Brussels"):
            started = time.perf_counter()
            plan = scheduling.schedule(
                rule, date(2027, 1, 1), count, anchor=zones.zone(anchor), duration=DURATION, attendees=people
            )
            elapsed = time.perf_counter() - started
            optimum = exhaustive(rule, count, anchor, people) if count <= 4 else None
            ratio = f"{plan.worst / optimum:.2f}" if optimum else "-"
            print(f"{label:22} {anchor:16} {elapsed:8.3f} {plan.worst:6} {optimum or '-':>8} {ratio:>6} {plan.exact}")


if __name__ == "__main__":
    main()
