"""Consultation series: create them, propose and apply fair schedules, reschedule or cancel meetings.
Services only flush; each write is audited in the caller's transaction."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy.orm import Session

from liaison_hub.audit.service import record
from liaison_hub.consultations import bookkeeping, scheduling, zones
from liaison_hub.consultations import repository as repo
from liaison_hub.consultations.schemas import MeetingUpdate, ParticipantIn, ScheduleRequest, SeriesCreate
from liaison_hub.db.types import utcnow
from liaison_hub.directory import repository as directory
from liaison_hub.errors import Forbidden, InvalidInput, NotFound
from liaison_hub.models import Audience, Organisation
from liaison_hub.models.consultations import ActionItem, ConsultationSeries, Meeting, SeriesParticipant
from liaison_hub.policy import rights
from liaison_hub.policy.audiences import audience_for
from liaison_hub.policy.levels import Level
from liaison_hub.policy.principal import Actor, Principal, Role
from liaison_hub.policy.schemas import MarkingIn, audience_label, resolve_marking


def list_series(session: Session, principal: Principal) -> Sequence[ConsultationSeries]:
    """Series the principal may read, by title."""
    return repo.list_series(session, principal)


def series_of_organisations(
    session: Session, principal: Principal, organisation_ids: Iterable[int]
) -> Sequence[ConsultationSeries]:
    """Series the principal may read that these organisations own or attend (an organisation's page)."""
    return repo.series_of_organisations(session, principal, organisation_ids)


def my_actions(
    session: Session, principal: Principal, today: date, *, include_closed: bool = False
) -> Sequence[ActionItem]:
    """Actions assigned to the principal or owned by its organisation, overdue (as of ``today``) first."""
    return repo.my_actions(session, principal, today, include_closed=include_closed)


def meeting_audience_ids(session: Session, principal: Principal, series_id: int) -> list[int]:
    """Audiences of the meetings of a series the principal may read (for a page's classification banner)."""
    return [m.audience_id for m in repo.meetings_of_series(session, principal, [series_id])]


def audiences(session: Session, ids: Iterable[int]) -> list[Audience]:
    """The audience rows of records already read (for a page's classification banner)."""
    return list(repo.audiences(session, ids).values())


def series(session: Session, principal: Principal, series_id: int) -> ConsultationSeries:
    found = repo.get_series(session, principal, series_id)
    if found is None:
        raise NotFound(f"no consultation series {series_id}")
    return found


def meeting(session: Session, principal: Principal, meeting_id: int) -> Meeting:
    found = repo.get_meeting(session, principal, meeting_id)
    if found is None:
        raise NotFound(f"no meeting {meeting_id}")
    return found


def marking_audience(
    session: Session, actor: Actor, spec: MarkingIn | None, *, default: Audience | None, accreditation: Level
) -> Audience:
    """The audience of a marking given by the caller (owned by the caller's organisation), or ``default``; either
    must be one the caller may put on a record (accreditation, clearance)."""
    if spec is None:
        if default is None:
            raise InvalidInput("a marking is required")
        rights.require_cleared(actor.principal, default.classification_rank)
        return default
    marking = resolve_marking(session, spec, owner_organisation_id=actor.principal.organisation_id)
    rights.require_may_mark(actor, marking, accreditation)
    return audience_for(session, marking, accreditation=accreditation)


def remarked_audience(
    session: Session, actor: Actor, current: Audience, spec: MarkingIn, *, accreditation: Level
) -> Audience:
    """A record's new marking: asked of ``policy.rights`` (owner, or an administrator cleared for both), keeping the
    record's owner organisation."""
    marking = resolve_marking(session, spec, owner_organisation_id=current.owner_organisation_id)
    rights.require_may_remark(actor, current, marking, accreditation)
    return audience_for(session, marking, accreditation=accreditation)


def audit_write(
    session: Session,
    actor: Actor,
    *,
    action: str,
    entity_type: str,
    entity_id: int,
    audience: Audience,
    details: dict[str, object] | None = None,
) -> None:
    """An audit entry for a write to a marked consultation record: its id, its marking and the ids, sizes and field
    names in ``details``, never its content; readable only by whom may read the record."""
    record(
        session,
        actor,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        details={"marking": audience_label(audience), **(details or {})},
        audience_id=audience.id,
    )


def refuse_outside(session: Session, audience: Audience, organisations: Sequence[Organisation], what: str) -> None:
    outside = repo.organisations_outside(session, audience.id, organisations)
    if outside:
        raise InvalidInput(f"{', '.join(outside)} outside the releasability of the {what}'s marking")


def changeable(session: Session, principal: Principal, rows: Iterable[ConsultationSeries]) -> set[int]:
    """Ids of the series whose content the principal may change: writers (``policy.rights``) of the owner
    organisation or of a participant, and administrators. The question pages ask before showing a form."""
    wanted = list(rows)
    if not rights.may_write(principal):
        return set()
    if principal.is_admin or principal.is_system:
        return {s.id for s in wanted}
    members: dict[int, set[int]] = {s.id: {s.owner_organisation_id} for s in wanted}
    for participant, _ in repo.participants(session, list(members)):
        members[participant.series_id].add(participant.organisation_id)
    return {series_id for series_id, orgs in members.items() if principal.organisation_id in orgs}


def require_member(session: Session, actor: Actor, series_row: ConsultationSeries) -> None:
    """Writers of a series' content: see ``changeable``."""
    rights.require_write(actor, what="change a consultation")
    if series_row.id not in changeable(session, actor.principal, [series_row]):
        raise Forbidden("only the owner and the participants of a series change it")


def _participant_rows(session: Session, data: Sequence[ParticipantIn]) -> list[tuple[Organisation, ParticipantIn, str]]:
    rows = []
    for spec in data:
        org = directory.get_organisation(session, spec.organisation)
        if org is None:
            raise InvalidInput(f"unknown participant organisation {spec.organisation!r}")
        name = spec.zone or zones.default_zone(org.nation_code)
        zones.zone(name)
        rows.append((org, spec, name))
    return rows


def create_series(session: Session, actor: Actor, *, data: SeriesCreate, accreditation: Level) -> ConsultationSeries:
    """Validate everything (zone, rule, participants, releasability) before writing anything."""
    rights.require_write(actor, what="create a consultation series")
    if actor.principal.organisation_id is None:
        raise Forbidden("a series is owned by an organisation: act as a user")
    zones.zone(data.anchor_zone)
    scheduling.occurrence_dates(data.rule, data.first_date, 1)
    rows = _participant_rows(session, data.participants)
    audience = marking_audience(session, actor, data.marking, default=None, accreditation=accreditation)
    refuse_outside(session, audience, [org for org, _, _ in rows], "series")
    row = ConsultationSeries(
        uid=f"{uuid.uuid4()}@liaison-hub",
        title=data.title,
        areas=[a.value for a in data.areas],
        rule=scheduling.parse_rule(data.rule),
        first_date=data.first_date,
        anchor_zone=data.anchor_zone,
        duration_minutes=data.duration_minutes,
        owner_organisation_id=actor.principal.organisation_id,
        audience_id=audience.id,
    )
    session.add(row)
    session.flush()
    session.add_all(
        SeriesParticipant(
            series_id=row.id,
            organisation_id=org.id,
            zone=name,
            earliest_minute=spec.earliest.hour * 60 + spec.earliest.minute,
            latest_minute=spec.latest.hour * 60 + spec.latest.minute,
        )
        for org, spec, name in rows
    )
    session.flush()
    audit_write(
        session,
        actor,
        action="consultation.series.create",
        entity_type="consultation_series",
        entity_id=row.id,
        audience=audience,
        details={"participants": len(rows)},
    )
    return row


def attendees(session: Session, series_row: ConsultationSeries) -> list[scheduling.Attendee]:
    return [
        scheduling.Attendee(
            name=org.short_name,
            zone=zones.zone(p.zone),
            earliest=time(p.earliest_minute // 60, p.earliest_minute % 60),
            latest=time(p.latest_minute // 60, p.latest_minute % 60),
            is_holiday=zones.holiday_check(org.nation_code),
        )
        for p, org in repo.participants(session, [series_row.id])
    ]


def _parse_time(text: str | None) -> time | None:
    return time.fromisoformat(text) if text else None


@dataclass(frozen=True)
class Proposal:
    series: ConsultationSeries
    schedule: scheduling.Schedule
    warnings: list[str]
    applied: bool


def propose(
    session: Session, actor: Actor, *, series_id: int, request: ScheduleRequest, today: date | None = None
) -> Proposal:
    """Fair start times for the next occurrences; with ``apply`` the meetings are created or moved."""
    row = series(session, actor.principal, series_id)
    people = attendees(session, row)
    plan = scheduling.schedule(
        row.rule,
        request.start or row.first_date,
        request.count,
        anchor=zones.zone(row.anchor_zone),
        duration=timedelta(minutes=row.duration_minutes),
        attendees=people,
        step_minutes=request.step_minutes,
        max_shift_days=request.max_shift_days,
        rule_time=_parse_time(row.rule_time),
    )
    since = datetime.combine(today or utcnow().date(), time(), UTC)
    warnings = scheduling.dst_warnings([s.start for s in plan.slots], plan.duration, people, since)
    if request.apply:
        require_member(session, actor, row)
        apply_schedule(session, actor, series_row=row, plan=plan)
    return Proposal(row, plan, warnings, request.apply)


def apply_schedule(
    session: Session, actor: Actor, *, series_row: ConsultationSeries, plan: scheduling.Schedule
) -> None:
    """Create the meetings of a schedule, or move existing ones; a series' UID and rule time stay fixed."""
    taken = {m.recurrence_id: m for m in repo.meetings_of_series(session, actor.principal, [series_row.id])}
    hidden = bookkeeping.rule_instants_of_series(session, series_row.id) - set(taken)
    for slot in plan.slots:
        if slot.recurrence_id in hidden:
            continue  # a meeting the caller may not read keeps its time
        existing = taken.get(slot.recurrence_id)
        if existing is None:
            session.add(
                Meeting(
                    series_id=series_row.id,
                    recurrence_id=slot.recurrence_id,
                    starts_at=slot.start,
                    ends_at=slot.start + plan.duration,
                    audience_id=series_row.audience_id,
                )
            )
        elif existing.status == "scheduled" and existing.starts_at != slot.start:
            existing.starts_at, existing.ends_at = slot.start, slot.start + plan.duration
            existing.sequence += 1
            existing.updated_at = utcnow()
    series_row.rule_time = f"{plan.rule_time:%H:%M}"
    series_row.sequence += 1
    series_row.updated_at = utcnow()
    session.flush()
    audit_write(
        session,
        actor,
        action="consultation.series.schedule",
        entity_type="consultation_series",
        entity_id=series_row.id,
        audience=repo.audiences(session, [series_row.audience_id])[series_row.audience_id],
        details={"occurrences": len(plan.slots)},
    )


def update_meeting(
    session: Session, actor: Actor, *, meeting_id: int, data: MeetingUpdate, accreditation: Level
) -> Meeting:
    """Move, relocate, re-mark or cancel one meeting (a RECURRENCE-ID override or a cancellation in feeds)."""
    row = meeting(session, actor.principal, meeting_id)
    series_row = series(session, actor.principal, row.series_id)
    require_member(session, actor, series_row)
    details: dict[str, object] = {"fields": sorted(data.model_dump(exclude_none=True))}
    audience = old = repo.audiences(session, [row.audience_id])[row.audience_id]
    if data.marking is not None:
        audience = remarked_audience(session, actor, old, data.marking, accreditation=accreditation)
        details["marking_from"] = audience_label(old)
        row.audience_id = audience.id
    if data.starts_at is not None:
        if data.starts_at.tzinfo is None:
            raise InvalidInput("starts_at needs a time zone offset (e.g. 2027-04-14T05:00:00Z)")
        row.starts_at = data.starts_at.astimezone(UTC)
        row.ends_at = row.starts_at + timedelta(minutes=series_row.duration_minutes)
    if data.status is not None:
        row.status = data.status
    if data.location is not None:
        row.location = data.location
    row.sequence += 1
    row.updated_at = utcnow()
    session.flush()
    audit_write(
        session,
        actor,
        action="consultation.meeting.remark" if data.marking is not None else "consultation.meeting.update",
        entity_type="consultation_meeting",
        entity_id=row.id,
        audience=audience,
        details=details,
    )
    return row


def upcoming(
    session: Session, principal: Principal, *, after: datetime | None = None, limit: int = 50
) -> Sequence[Meeting]:
    return repo.list_meetings(session, principal, after=after or utcnow(), limit=limit)


def participant_orgs(session: Session, series_id: int) -> list[Organisation]:
    return [org for _, org in repo.participants(session, [series_id])]


def allowed_to_write(principal: Principal) -> bool:
    return principal.has_role(Role.admin, Role.liaison_officer, Role.analyst)
