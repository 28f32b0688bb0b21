"""iCalendar (RFC 5545) feeds: one VEVENT per series with its RRULE in the anchor zone (VTIMEZONE included),
RECURRENCE-ID overrides for moved meetings (3.8.4.4), EXDATE for cancelled or unreadable ones (3.8.5.1), and
action items as VTODO (3.6.2). Builds from rows the caller has already read through the repository."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from icalendar import Calendar, Event, Todo, vRecur

from liaison_hub.consultations import scheduling, zones
from liaison_hub.db.types import utcnow
from liaison_hub.models.consultations import ActionItem, ConsultationSeries, Meeting

PRODID = "-//Liaison Hub//Consultations//EN"
TODO_STATUS = {"open": "NEEDS-ACTION", "done": "COMPLETED", "cancelled": "CANCELLED"}


@dataclass
class SeriesFeed:
    """What one series contributes to a feed; ``taken`` are all rule instants that have a meeting row."""

    series: ConsultationSeries
    meetings: Sequence[Meeting]
    taken: set[datetime]
    label: str
    participants: Sequence[tuple[str, str]] = ()  # (organisation, zone)
    actions: Sequence[ActionItem] = field(default_factory=list)


def first_instant(series: ConsultationSeries) -> datetime | None:
    """DTSTART of the series: the rule's first date at the scheduled time of day in the anchor zone."""
    if series.rule_time is None:
        return None
    anchor = zones.zone(series.anchor_zone)
    first = scheduling.occurrence_dates(series.rule, series.first_date, 1)[0]
    return datetime.combine(first, time.fromisoformat(series.rule_time), anchor)


def recurrence(series: ConsultationSeries) -> vRecur:
    """The stored rule; a date-only UNTIL becomes the end of that day in UTC, as 3.3.10 asks with a TZID start."""
    rule: vRecur = vRecur.from_ical(series.rule)
    until = rule.get("UNTIL")
    if until and not isinstance(until[0], datetime) and isinstance(until[0], date):
        end = datetime.combine(until[0], time(23, 59, 59), zones.zone(series.anchor_zone)).astimezone(UTC)
        rule["UNTIL"] = [end]
    return rule


def _local_times(start: datetime, end: datetime, participants: Iterable[tuple[str, str]]) -> str:
    return "\n".join(
        f"{name}: {start.astimezone(zones.zone(tz)):%a %d %b %H:%M}-{end.astimezone(zones.zone(tz)):%H:%M} ({tz})"
        for name, tz in participants
    )


def _event(feed: SeriesFeed, start: datetime, end: datetime, sequence: int) -> Event:
    event = Event()
    event.add("uid", feed.series.uid)
    event.add("summary", feed.series.title)
    event.add("dtstamp", utcnow())
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("sequence", sequence)
    event.add("class", "CONFIDENTIAL")
    event.add("description", f"{feed.label}\n\n{_local_times(start, end, feed.participants)}")
    return event


def _master(feed: SeriesFeed, first: datetime) -> Event:
    anchor = first.tzinfo
    duration = timedelta(minutes=feed.series.duration_minutes)
    event = _event(feed, first, first + duration, feed.series.sequence)
    event.add("rrule", recurrence(feed.series))
    visible = {m.recurrence_id for m in feed.meetings if m.status != "cancelled"}
    excluded = sorted(feed.taken - visible)
    if excluded:
        event.add("exdate", [moment.astimezone(anchor) for moment in excluded])
    return event


def _override(feed: SeriesFeed, meeting: Meeting, first: datetime) -> Event:
    anchor = first.tzinfo
    event = _event(feed, meeting.starts_at.astimezone(anchor), meeting.ends_at.astimezone(anchor), meeting.sequence)
    event.add("recurrence-id", meeting.recurrence_id.astimezone(anchor))
    if meeting.location:
        event.add("location", meeting.location)
    return event


def _needs_override(meeting: Meeting, duration: timedelta) -> bool:
    return meeting.status != "cancelled" and (
        meeting.starts_at != meeting.recurrence_id
        or meeting.ends_at - meeting.starts_at != duration
        or bool(meeting.location)
    )


def _todo(item: ActionItem, series_uid: str, owners: Mapping[int, str]) -> Todo:
    todo = Todo()
    todo.add("uid", f"action-{item.id}-{series_uid}")
    todo.add("summary", item.title)
    todo.add("dtstamp", utcnow())
    todo.add("due", item.due_on)
    todo.add("status", TODO_STATUS.get(item.status, "NEEDS-ACTION"))
    todo.add("related-to", series_uid)
    todo.add("description", f"Owner: {owners.get(item.owner_organisation_id, '?')}")
    if item.closed_at is not None:
        todo.add("completed", item.closed_at)
    return todo


def build_calendar(name: str, feeds: Sequence[SeriesFeed], owners: Mapping[int, str]) -> Calendar:
    """One VCALENDAR; only what the feeds hold (already filtered for the reader) goes in."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    for feed in feeds:
        first = first_instant(feed.series)
        if first is not None:
            calendar.add_component(_master(feed, first))
            duration = timedelta(minutes=feed.series.duration_minutes)
            for meeting in feed.meetings:
                if _needs_override(meeting, duration):
                    calendar.add_component(_override(feed, meeting, first))
        for item in feed.actions:
            calendar.add_component(_todo(item, feed.series.uid, owners))
    calendar.add_missing_timezones()
    return calendar
