"""The fair scheduler: minimax cost against exhaustive search, holidays, weekends, rules, and DST warnings."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import product

import holidays
import pytest

from liaison_hub.consultations import scheduling, zones
from liaison_hub.consultations.scheduling import Attendee, meeting_cost, quarter_weight, schedule
from liaison_hub.errors import InvalidInput

CAPITALS = (
    ("BEL", "Europe/Brussels", "BE", None),
    ("JPN", "Asia/Tokyo", "JP", None),
    ("AUS", "Australia/Sydney", "AU", "ACT"),
    ("KOR", "Asia/Seoul", "KR", None),
    ("NZL", "Pacific/Auckland", "NZ", "WGN"),
)
QUARTERLY = "FREQ=MONTHLY;INTERVAL=3;BYDAY=WE;BYSETPOS=2"
NINETY = timedelta(minutes=90)


def five_capitals() -> list[Attendee]:
    return [Attendee(n, zones.zone(z), is_holiday=zones.holiday_check(n)) for n, z, _, _ in CAPITALS]


def exhaustive_optimum(days: list[date], anchor: str, people: list[Attendee]) -> int:
    """Every combination of whole-hour starts (working time for all) on each rule date, or on the nearest date
    with any such hour when the rule date has none; the best worst-off cost."""
    tz = zones.zone(anchor)
    options = []
    for day in days:
        for shift in (0, 1, -1, 2, -2, 3, -3):
            starts = [datetime.combine(day + timedelta(days=shift), time(h), tz).astimezone(UTC) for h in range(24)]
            free = [s for s in starts if all(scheduling.is_working_time(s, NINETY, p) for p in people)]
            if free:
                break
        options.append([tuple(meeting_cost(s, NINETY, p) for p in people) for s in free])
    best = None
    for combo in product(*options):
        worst = max(sum(c[i] for c in combo) for i in range(len(people)))
        best = worst if best is None else min(best, worst)
    assert best is not None
    return best


def holiday_calendars() -> dict[str, holidays.HolidayBase]:
    return {n: holidays.country_holidays(c, subdiv=s, years=range(2026, 2030)) for n, _, c, s in CAPITALS}


@pytest.mark.parametrize("anchor", ["Asia/Tokyo", "UTC", "Europe/Brussels"])
@pytest.mark.parametrize("year", [2027, 2028])
def test_a_year_of_quarterly_consultations_is_within_ten_percent_of_the_optimum(anchor: str, year: int) -> None:
    people = five_capitals()
    plan = schedule(QUARTERLY, date(year, 1, 1), 4, anchor=zones.zone(anchor), duration=NINETY, attendees=people)
    days = scheduling.occurrence_dates(QUARTERLY, date(year, 1, 1), 4)
    optimum = exhaustive_optimum(days, anchor, people)
    assert plan.exact
    assert plan.worst <= optimum * 1.10
    assert plan.worst == max(plan.totals)
    calendars = holiday_calendars()
    for slot, person in product(plan.slots, people):
        for moment in (slot.start, slot.start + NINETY - timedelta(minutes=1)):
            local = moment.astimezone(person.zone).date()
            assert local not in calendars[person.name], (person.name, local)
            assert local.weekday() < 5


def test_the_worst_off_participant_is_not_always_the_same_one() -> None:
    plan = schedule(
        QUARTERLY, date(2027, 1, 1), 8, anchor=zones.zone("UTC"), duration=NINETY, attendees=five_capitals()
    )
    bel, nzl = plan.totals[0], plan.totals[4]
    assert bel > 0, "Brussels and Wellington share the inconvenience"
    assert nzl > 0
    assert max(plan.totals) < sum(plan.totals)


def test_a_holiday_for_one_participant_moves_the_meeting_off_that_date() -> None:
    # 5 May 2027 (a Wednesday) is Children's Day in Japan and in Korea.
    plan = schedule(
        "FREQ=YEARLY;BYMONTH=5;BYMONTHDAY=5",
        date(2027, 1, 1),
        1,
        anchor=zones.zone("Asia/Tokyo"),
        duration=NINETY,
        attendees=five_capitals(),
    )
    slot = plan.slots[0]
    assert slot.recurrence_id.astimezone(zones.zone("Asia/Tokyo")).date() == date(2027, 5, 5)
    assert slot.is_override
    assert slot.start.astimezone(zones.zone("Asia/Tokyo")).date() != date(2027, 5, 5)


def test_night_costs_far_more_than_an_early_morning() -> None:
    window = (8 * 60, 18 * 60)
    assert quarter_weight(9 * 60, window) == 0
    assert quarter_weight(7 * 60 + 45, window) == 1
    assert quarter_weight(6 * 60, window) == 2
    assert quarter_weight(3 * 60, window) == 10
    assert quarter_weight(18 * 60, window) == 1
    brussels = Attendee("BEL", zones.zone("Europe/Brussels"))
    early = datetime(2027, 1, 13, 6, 0, tzinfo=UTC)  # 07:00 in Brussels
    night = datetime(2027, 1, 13, 1, 0, tzinfo=UTC)  # 02:00 in Brussels
    assert meeting_cost(night, NINETY, brussels) >= 5 * meeting_cost(early, NINETY, brussels) > 0


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "no occurrence"),
        ("INTERVAL=3", "FREQ is missing"),
        ("FREQ=MONTHLY;BYDAY=XX", "impossible recurrence rule"),
        ("FREQ=WEEKLY;BYHOUR=9", "BYHOUR"),
        ("FREQ=HOURLY", "daily at most"),
    ],
)
def test_impossible_rules_are_refused_with_a_reason(rule: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        scheduling.occurrence_dates(rule, date(2027, 1, 1), 4)


def test_unknown_zone_and_multi_zone_nation_need_an_explicit_zone() -> None:
    with pytest.raises(InvalidInput, match="unknown time zone"):
        zones.zone("Mars/Olympus_Mons")
    with pytest.raises(InvalidInput, match="explicitly"):
        zones.default_zone(None)
    with pytest.raises(InvalidInput, match="several time zones"):
        zones.default_zone("BRA")
    assert zones.default_zone("AUS") == "Australia/Sydney"
    assert zones.default_zone("NZL") == "Pacific/Auckland"
    assert zones.default_zone("KOR") == "Asia/Seoul"
    assert zones.default_zone("BEL") == "Europe/Brussels"


def test_a_daylight_saving_change_that_pushes_a_meeting_out_of_hours_is_announced() -> None:
    brussels = Attendee("BEL-CCB", zones.zone("Europe/Brussels"))
    starts = [datetime(2027, 3, 17, 16, 0, tzinfo=UTC) + timedelta(weeks=w) for w in range(4)]
    warnings = scheduling.dst_warnings(starts, timedelta(minutes=60), [brussels], since=starts[0])
    assert len(warnings) == 1
    assert "2027-03-28" in warnings[0]
    assert "2027-03-31" in warnings[0]
    assert "18:00-19:00" in warnings[0]
    tokyo = Attendee("JPN", zones.zone("Asia/Tokyo"))
    assert scheduling.dst_warnings(starts, timedelta(minutes=60), [tokyo], since=starts[0]) == []


def test_a_fixed_rule_time_keeps_recurrence_ids_at_that_time() -> None:
    tokyo = zones.zone("Asia/Tokyo")
    plan = schedule(
        QUARTERLY, date(2027, 1, 1), 4, anchor=tokyo, duration=NINETY, attendees=five_capitals(), rule_time=time(9, 0)
    )
    assert plan.rule_time == time(9, 0)
    assert all(s.recurrence_id.astimezone(tokyo).time() == time(9, 0) for s in plan.slots)
