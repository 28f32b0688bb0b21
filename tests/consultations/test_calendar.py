"""Calendar feeds read back by independent parsers (icalendar, recurring-ical-events): the same instants in every
participant's zone, overrides, cancellations, VTODOs, and nothing the reader may not see."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import recurring_ical_events
from icalendar import Calendar
from sqlalchemy.orm import Session

from liaison_hub.consultations import feeds, repository, service
from liaison_hub.consultations.schemas import MeetingUpdate
from liaison_hub.consultations.zones import zone
from liaison_hub.errors import NotFound
from liaison_hub.models.consultations import Meeting
from liaison_hub.policy.schemas import MarkingIn
from tests.conftest import TEST_SECRET
from tests.consultations.helpers import ACCREDITATION, actor, add_action, scheduled_series
from tests.factories import principal

ZONES = ("Europe/Brussels", "Asia/Tokyo", "Australia/Sydney", "Asia/Seoul", "Pacific/Auckland")
WINDOW = (datetime(2026, 12, 1, tzinfo=UTC), datetime(2028, 1, 1, tzinfo=UTC))


def _expand(ics: bytes) -> list[datetime]:
    calendar = Calendar.from_ical(ics)
    events = recurring_ical_events.of(calendar).between(*WINDOW)
    return sorted(e["DTSTART"].dt.astimezone(UTC) for e in events)


def _expected(rows: list[Meeting]) -> list[datetime]:
    return sorted(m.starts_at for m in rows if m.status != "cancelled")


def test_series_feed_expands_to_the_scheduled_instants_in_every_zone(session: Session) -> None:
    row, rows = scheduled_series(session, count=4, rule="FREQ=MONTHLY;INTERVAL=3;BYDAY=WE;BYSETPOS=2;COUNT=4")
    ics = feeds.calendar_for(session, principal(session, "analyst-au"), series_id=row.id)
    calendar = Calendar.from_ical(ics)
    assert calendar.walk("VTIMEZONE"), "the anchor zone is described"
    assert _expand(ics) == _expected(rows)
    for name in ZONES:
        tz = zone(name)
        events = recurring_ical_events.of(calendar).between(*WINDOW)
        local = sorted(e["DTSTART"].dt.astimezone(tz).replace(tzinfo=None) for e in events)
        assert local == sorted(m.starts_at.astimezone(tz).replace(tzinfo=None) for m in rows)
    uids = {str(e["UID"]) for e in calendar.walk("VEVENT")}
    assert uids == {row.uid}


def test_moved_and_cancelled_meetings_appear_as_override_and_exclusion(session: Session) -> None:
    row, rows = scheduled_series(session, count=4, rule="FREQ=MONTHLY;INTERVAL=3;BYDAY=WE;BYSETPOS=2;COUNT=4")
    who = actor(session, "analyst-jp")
    moved = rows[2].starts_at + timedelta(days=1, hours=1)
    service.update_meeting(
        session, who, meeting_id=rows[2].id, data=MeetingUpdate(starts_at=moved), accreditation=ACCREDITATION
    )
    service.update_meeting(
        session, who, meeting_id=rows[3].id, data=MeetingUpdate(status="cancelled"), accreditation=ACCREDITATION
    )
    ics = feeds.calendar_for(session, principal(session, "analyst-au"), series_id=row.id)
    calendar = Calendar.from_ical(ics)
    assert any("RECURRENCE-ID" in e for e in calendar.walk("VEVENT"))
    instants = _expand(ics)
    assert moved in instants
    assert rows[3].starts_at not in instants
    assert instants == _expected(rows)


def test_action_items_are_todos_and_the_reader_sees_only_what_the_policy_allows(session: Session) -> None:
    _row, rows = scheduled_series(session, count=4, rule="FREQ=MONTHLY;INTERVAL=3;BYDAY=WE;BYSETPOS=2;COUNT=4")
    japan_only = MarkingIn(tlp="amber", releasable_to=["JPN"])
    service.update_meeting(
        session,
        actor(session, "analyst-jp"),
        meeting_id=rows[1].id,
        data=MeetingUpdate(marking=japan_only),
        accreditation=ACCREDITATION,
    )
    add_action(session, "analyst-jp", rows[0].id, date(2027, 2, 1), title="Share indicators")
    add_action(session, "analyst-jp", rows[0].id, date(2027, 2, 2), title="Japan-only task", marking=japan_only)
    kiwi = Calendar.from_ical(feeds.calendar_for(session, principal(session, "analyst-nz"), series_id=None))
    assert [str(t["SUMMARY"]) for t in kiwi.walk("VTODO")] == ["Share indicators"]
    assert rows[1].starts_at not in _expand(kiwi.to_ical())
    japan = feeds.calendar_for(session, principal(session, "analyst-jp"), series_id=None)
    assert rows[1].starts_at in _expand(japan)
    assert len(Calendar.from_ical(japan).walk("VTODO")) == 2


def test_feed_secret_is_stored_hashed_and_revocable(session: Session) -> None:
    row, _ = scheduled_series(session, count=2)
    who = actor(session, "analyst-au")
    feed, secret = feeds.create_feed(session, who, series_id=row.id, secret_key=TEST_SECRET)
    assert secret not in feed.secret_hash
    ics = feeds.feed_calendar(session, secret, secret_key=TEST_SECRET, accreditation=ACCREDITATION)
    assert row.uid.encode() in ics
    feeds.revoke_feed(session, who, feed_id=feed.id)
    with pytest.raises(NotFound):
        feeds.feed_calendar(session, secret, secret_key=TEST_SECRET, accreditation=ACCREDITATION)
    assert repository.feeds_of_user(session, principal(session, "analyst-au").user_id or 0)[0].revoked_at
