"""What happens in a meeting: agenda items with record links, attendance, minutes, decisions and action items.
Each row carries its own marking (default: the meeting's); every write is audited."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from liaison_hub.consultations import bookkeeping
from liaison_hub.consultations import repository as repo
from liaison_hub.consultations.schemas import (
    ActionCreate,
    ActionStatus,
    ActionUpdate,
    AgendaItemCreate,
    AttendanceIn,
    DecisionCreate,
    MinutesIn,
)
from liaison_hub.consultations.service import (
    audit_write,
    marking_audience,
    meeting,
    participant_orgs,
    refuse_outside,
    require_member,
    series,
)
from liaison_hub.db.types import utcnow
from liaison_hub.directory import repository as directory
from liaison_hub.errors import Conflict, InvalidInput, NotFound
from liaison_hub.models import Audience, Organisation, User
from liaison_hub.models.consultations import (
    ActionItem,
    AgendaItem,
    Attendance,
    ConsultationSeries,
    Decision,
    Meeting,
    Minutes,
    RecordLink,
)
from liaison_hub.policy.levels import Level
from liaison_hub.policy.principal import Actor


def _writable_meeting(session: Session, actor: Actor, meeting_id: int) -> tuple[Meeting, ConsultationSeries, Audience]:
    row = meeting(session, actor.principal, meeting_id)
    series_row = series(session, actor.principal, row.series_id)
    require_member(session, actor, series_row)
    audience = repo.audiences(session, [row.audience_id])[row.audience_id]
    return row, series_row, audience


def _organisation(session: Session, short_name: str, role: str) -> Organisation:
    org = directory.get_organisation(session, short_name)
    if org is None:
        raise InvalidInput(f"unknown {role} organisation {short_name!r}")
    return org


def add_agenda_item(
    session: Session, actor: Actor, *, meeting_id: int, data: AgendaItemCreate, accreditation: Level
) -> AgendaItem:
    row, _, default = _writable_meeting(session, actor, meeting_id)
    presenter = _organisation(session, data.presenter, "presenter") if data.presenter else None
    audience = marking_audience(session, actor, data.marking, default=default, accreditation=accreditation)
    item = AgendaItem(
        meeting_id=row.id,
        position=bookkeeping.next_agenda_position(session, row.id),
        title=data.title,
        presenter_organisation_id=presenter.id if presenter else None,
        audience_id=audience.id,
    )
    session.add(item)
    session.flush()
    for link in data.links:
        link_audience = marking_audience(session, actor, link.marking, default=audience, accreditation=accreditation)
        session.add(
            RecordLink(
                agenda_item_id=item.id, kind=link.kind, ref=link.ref, label=link.label, audience_id=link_audience.id
            )
        )
    session.flush()
    audit_write(
        session,
        actor,
        action="consultation.agenda.add",
        entity_type="consultation_agenda_item",
        entity_id=item.id,
        audience=audience,
        details={"meeting_id": row.id, "links": len(data.links)},
    )
    return item


def set_attendance(session: Session, actor: Actor, *, meeting_id: int, data: Sequence[AttendanceIn]) -> Meeting:
    """Record who attended; organisations are replaced one by one, others are left as they were."""
    row, series_row, meeting_audience = _writable_meeting(session, actor, meeting_id)
    allowed = {org.id for org in participant_orgs(session, series_row.id)} | {series_row.owner_organisation_id}
    existing = {a.organisation_id: a for a, _ in repo.attendance(session, row.id)}
    for entry in data:
        org = _organisation(session, entry.organisation, "attending")
        if org.id not in allowed:
            raise InvalidInput(f"{org.short_name} is not a participant of this series")
        current = existing.get(org.id)
        if current is None:
            session.add(
                Attendance(meeting_id=row.id, organisation_id=org.id, status=entry.status.value, names=entry.names)
            )
        else:
            current.status, current.names = entry.status.value, entry.names
    session.flush()
    audit_write(
        session,
        actor,
        action="consultation.attendance.set",
        entity_type="consultation_meeting",
        entity_id=row.id,
        audience=meeting_audience,
        details={"organisations": len(data)},
    )
    return row


def save_minutes(session: Session, actor: Actor, *, meeting_id: int, data: MinutesIn, accreditation: Level) -> Minutes:
    """Write the minutes of a meeting: one text per marking, replaced when saved again under the same marking."""
    row, _, default = _writable_meeting(session, actor, meeting_id)
    audience = marking_audience(session, actor, data.marking, default=default, accreditation=accreditation)
    same = [m for m in repo.minutes(session, actor.principal, row.id) if m.audience_id == audience.id]
    text = same[0] if same else Minutes(meeting_id=row.id, audience_id=audience.id, body="")
    text.body, text.author_user_id, text.updated_at = data.body, actor.principal.user_id, utcnow()
    session.add(text)
    session.flush()
    audit_write(
        session,
        actor,
        action="consultation.minutes.save",
        entity_type="consultation_minutes",
        entity_id=text.id,
        audience=audience,
        details={"meeting_id": row.id, "length": len(data.body)},
    )
    return text


def add_decision(
    session: Session, actor: Actor, *, meeting_id: int, data: DecisionCreate, accreditation: Level
) -> Decision:
    row, series_row, default = _writable_meeting(session, actor, meeting_id)
    audience = marking_audience(session, actor, data.marking, default=default, accreditation=accreditation)
    decided_on = data.decided_on or row.starts_at.date()
    if decided_on < row.starts_at.date():
        raise InvalidInput("a decision cannot be dated before its meeting")
    decision = Decision(
        series_id=series_row.id,
        meeting_id=row.id,
        number=bookkeeping.next_decision_number(session, series_row.id),
        text=data.text,
        decided_on=decided_on,
        audience_id=audience.id,
    )
    session.add(decision)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise Conflict("another decision was numbered at the same moment; try again") from None
    audit_write(
        session,
        actor,
        action="consultation.decision.add",
        entity_type="consultation_decision",
        entity_id=decision.id,
        audience=audience,
        details={"meeting_id": row.id, "length": len(data.text)},
    )
    return decision


def _assignee(session: Session, username: str | None) -> User | None:
    if username is None:
        return None
    account = directory.get_user(session, username)
    if account is None:
        raise InvalidInput(f"unknown assignee {username!r}")
    return account


def add_action(
    session: Session, actor: Actor, *, meeting_id: int, data: ActionCreate, accreditation: Level
) -> ActionItem:
    """An action item: due on or after its meeting, owned by an organisation the action's marking reaches."""
    row, series_row, default = _writable_meeting(session, actor, meeting_id)
    if data.due_on < row.starts_at.date():
        raise InvalidInput(f"due date {data.due_on.isoformat()} is before the meeting ({row.starts_at.date()})")
    owner = _organisation(session, data.owner, "owner")
    assignee = _assignee(session, data.assignee)
    audience = marking_audience(session, actor, data.marking, default=default, accreditation=accreditation)
    people = [owner] + ([assignee.organisation] if assignee is not None else [])
    refuse_outside(session, audience, people, "action")
    decision = None
    if data.decision_number is not None:
        decision = repo.decision_by_number(session, actor.principal, series_row.id, data.decision_number)
        if decision is None:
            raise InvalidInput(f"no decision {data.decision_number} in this series")
    action = ActionItem(
        meeting_id=row.id,
        decision_id=decision.id if decision else None,
        title=data.title,
        owner_organisation_id=owner.id,
        assignee_user_id=assignee.id if assignee else None,
        due_on=data.due_on,
        status=ActionStatus.open.value,
        audience_id=audience.id,
    )
    session.add(action)
    session.flush()
    audit_write(
        session,
        actor,
        action="consultation.action.add",
        entity_type="consultation_action_item",
        entity_id=action.id,
        audience=audience,
        details={"meeting_id": row.id, "decision_id": action.decision_id},
    )
    return action


def action(session: Session, actor: Actor, action_id: int) -> ActionItem:
    found = repo.get_action(session, actor.principal, action_id)
    if found is None:
        raise NotFound(f"no action item {action_id}")
    return found


def update_action(session: Session, actor: Actor, *, action_id: int, data: ActionUpdate) -> ActionItem:
    """Close, cancel, reopen, re-date or re-assign an action item."""
    item = action(session, actor, action_id)
    row, _, _ = _writable_meeting(session, actor, item.meeting_id)
    if data.due_on is not None:
        if data.due_on < row.starts_at.date():
            raise InvalidInput(f"due date {data.due_on.isoformat()} is before the meeting ({row.starts_at.date()})")
        item.due_on = data.due_on
    if data.assignee is not None:
        assignee = _assignee(session, data.assignee)
        assert assignee is not None
        refuse_outside(
            session, repo.audiences(session, [item.audience_id])[item.audience_id], [assignee.organisation], "action"
        )
        item.assignee_user_id = assignee.id
    if data.status is not None:
        item.status = data.status.value
        item.closed_at = None if data.status is ActionStatus.open else utcnow()
    session.flush()
    audit_write(
        session,
        actor,
        action="consultation.action.update",
        entity_type="consultation_action_item",
        entity_id=item.id,
        audience=repo.audiences(session, [item.audience_id])[item.audience_id],
        details={"fields": sorted(data.model_dump(exclude_none=True)), "status": item.status},
    )
    return item


def is_overdue(item: ActionItem, today: date) -> bool:
    return item.status == ActionStatus.open.value and item.due_on < today
