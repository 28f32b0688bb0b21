"""FIMI records as consultation agenda links: a narrative or an incident, named by its title, under a marking no
wider than its own (the generic record links of consultations carry their own marking)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from liaison_hub.consultations.schemas import RecordRef
from liaison_hub.fimi import incidents, narratives
from liaison_hub.fimi import repository as repo
from liaison_hub.policy.principal import Principal
from liaison_hub.policy.schemas import MarkingIn

NARRATIVE, INCIDENT = "fimi.narrative", "fimi.incident"


def agenda_link(session: Session, principal: Principal, *, kind: str, record_id: int) -> RecordRef:
    """A link to a narrative or an incident the principal may read, marked as the record is."""
    if kind == NARRATIVE:
        row = narratives.narrative(session, principal, record_id)
        title, audience_id = row.title, row.audience_id
    else:
        found = incidents.incident(session, principal, record_id)
        title, audience_id = found.title, found.audience_id
    audience = repo.audiences(session, [audience_id])[audience_id]
    names = repo.organisation_names(session)
    marking = MarkingIn(
        tlp=audience.tlp,
        classification=audience.classification,
        releasable_to=None if audience.releasable is None else list(audience.releasable),
        recipients=[names[r] for r in audience.recipients],
    )
    return RecordRef(kind=kind, ref=str(record_id), label=title[:300], marking=marking)
