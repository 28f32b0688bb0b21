"""The rule in words, and the scheduler's picture: each participant's strip in their own time, across a
daylight-saving change, with the cost the scheduler charges."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from liaison_hub.consultations.fairness import fairness
from liaison_hub.consultations.rules import describe_rule
from liaison_hub.consultations.scheduling import Attendee


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ("FREQ=MONTHLY;INTERVAL=3;BYDAY=WE;BYSETPOS=2", "Every 3 months, on the 2nd Wednesday"),
        ("FREQ=WEEKLY;BYDAY=TU,TH", "Every week on Tuesday and Thursday"),
        ("FREQ=MONTHLY;BYDAY=-1FR", "Every month, on the last Friday"),
        ("FREQ=YEARLY;BYMONTH=2,3;BYMONTHDAY=-1", "Every year in February and March, on the last day"),
        ("FREQ=MONTHLY;BYDAY=2WE;COUNT=6", "Every month, on the 2nd Wednesday, 6 times"),
        ("FREQ=DAILY;INTERVAL=2;UNTIL=20271231T000000Z", "Every 2 days, until 2027-12-31"),
        ("FREQ=MONTHLY;BYWEEKNO=3", "Every month (BYWEEKNO=3)"),
    ],
)
def test_a_rule_in_words(rule: str, words: str) -> None:
    assert describe_rule(rule) == words


def test_strips_follow_each_participant_across_a_daylight_saving_change() -> None:
    brussels = Attendee("HQ", ZoneInfo("Europe/Brussels"))
    wellington = Attendee("NZL-NCSC", ZoneInfo("Pacific/Auckland"), time(8, 30), time(17, 30))
    # the same UTC instant before and after Europe's and New Zealand's clocks change (late March / early April)
    starts = [datetime(2027, 3, 10, 7, 0, tzinfo=UTC), datetime(2027, 4, 14, 7, 0, tzinfo=UTC)]
    picture = fairness([brussels, wellington], starts, timedelta(minutes=90))
    hq, nz = picture.strips
    assert [m.start_minute for m in hq.marks] == [8 * 60, 9 * 60]  # 08:00 CET, then 09:00 CEST
    assert [m.offset for m in hq.marks] == ["UTC+01:00", "UTC+02:00"]
    assert [m.offset_changed for m in hq.marks] == [False, True]
    assert [m.start_minute for m in nz.marks] == [20 * 60, 19 * 60]  # 20:00 NZDT, then 19:00 NZST
    assert all(m.cost > 0 for m in nz.marks)
    assert hq.marks[0].cost == 0
    assert nz.total == sum(m.cost for m in nz.marks) == picture.worst
    assert hq.window == (8 * 60, 18 * 60)


def test_a_meeting_across_local_midnight_is_drawn_in_two_pieces() -> None:
    tokyo = Attendee("JPN-NCC", ZoneInfo("Asia/Tokyo"))
    picture = fairness([tokyo], [datetime(2027, 1, 13, 14, 30, tzinfo=UTC)], timedelta(minutes=90))
    [mark] = picture.strips[0].marks
    assert mark.start_minute == 23 * 60 + 30
    assert mark.pieces == [(23 * 60 + 30, 30), (0, 60)]
