"""A meeting's agenda: reorder and remove items (adding one is ``meetings.add_agenda_item``). Positions are ordering
keys; a reader sees items numbered 1, 2, 3... over those they may read, so an item moves past the neighbour the
writer sees, whatever hidden items lie between."""

from __future__ import annotations

from sqlalchemy.orm import Session

from liaison_hub.consultations import repository as repo
from liaison_hub.consultations.service import audit_write, meeting, require_member, series
from liaison_hub.errors import InvalidInput, NotFound
from liaison_hub.models.consultations import AgendaItem
from liaison_hub.policy import rights
from liaison_hub.policy.principal import Actor


def _writable_item(session: Session, actor: Actor, item_id: int) -> AgendaItem:
    """An agenda item the actor may read, of a series the actor may change; the item's own marking must be one the
    actor is cleared for."""
    item = repo.agenda_item(session, actor.principal, item_id)
    if item is None:
        raise NotFound(f"no agenda item {item_id}")
    row = meeting(session, actor.principal, item.meeting_id)
    require_member(session, actor, series(session, actor.principal, row.series_id))
    audience = repo.audiences(session, [item.audience_id])[item.audience_id]
    rights.require_cleared(actor.principal, audience.classification_rank)
    return item


def move_agenda_item(session: Session, actor: Actor, *, item_id: int, direction: int) -> AgendaItem:
    """Move an item one place up (``direction`` -1) or down (+1) among the items the actor sees."""
    if direction not in (-1, 1):
        raise InvalidInput("direction: move an item up (-1) or down (+1)")
    item = _writable_item(session, actor, item_id)
    visible = list(repo.agenda(session, actor.principal, item.meeting_id))
    index = next(i for i, other in enumerate(visible) if other.id == item.id)
    if not 0 <= index + direction < len(visible):
        raise InvalidInput(f"this item is already {'first' if direction < 0 else 'last'} on the agenda")
    other = visible[index + direction]
    item.position, other.position = other.position, item.position
    session.flush()
    audit_write(
        session,
        actor,
        action="consultation.agenda.move",
        entity_type="consultation_agenda_item",
        entity_id=item.id,
        audience=repo.audiences(session, [item.audience_id])[item.audience_id],
        details={"meeting_id": item.meeting_id, "direction": direction},
    )
    return item


def remove_agenda_item(session: Session, actor: Actor, *, item_id: int) -> int:
    """Remove an item and its record links; returns the meeting's id."""
    item = _writable_item(session, actor, item_id)
    meeting_id, audience = item.meeting_id, repo.audiences(session, [item.audience_id])[item.audience_id]
    links = repo.delete_agenda_item(session, item.id)
    session.expunge(item)
    audit_write(
        session,
        actor,
        action="consultation.agenda.remove",
        entity_type="consultation_agenda_item",
        entity_id=item_id,
        audience=audience,
        details={"meeting_id": meeting_id, "links": links},
    )
    return meeting_id
