"""The consultations' unfiltered reads: ordering keys and taken rule instants, whoever may read the rows. Nothing
read here is shown to a principal (readers see positions and numbers counted over what they may read); every read
for a principal goes through ``policy.readable`` in ``consultations.repository``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from liaison_hub.models.consultations import AgendaItem, Decision, Meeting


def next_agenda_position(session: Session, meeting_id: int) -> int:
    """The ordering key of a new agenda item: after every item of the meeting, hidden ones included."""
    stmt = select(func.coalesce(func.max(AgendaItem.position), 0)).where(AgendaItem.meeting_id == meeting_id)
    return int(session.scalar(stmt) or 0) + 1


def next_decision_number(session: Session, series_id: int) -> int:
    """The ordering key of a new decision in its series: never reused, never shown (readers see the numbers of
    ``repository.visible_decision_numbers``)."""
    stmt = select(func.coalesce(func.max(Decision.number), 0)).where(Decision.series_id == series_id)
    return int(session.scalar(stmt) or 0) + 1


def rule_instants_of_series(session: Session, series_id: int) -> set[datetime]:
    """Rule instants that already have a meeting, whoever may read it (a schedule leaves those meetings alone)."""
    return set(session.scalars(select(Meeting.recurrence_id).where(Meeting.series_id == series_id)))
