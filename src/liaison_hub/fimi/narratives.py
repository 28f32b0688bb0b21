"""The narrative catalogue and analysts' decisions on suggestions. A decision is kept (re-scoring never undoes it)
and used: confirmed reports are the narrative's reports (first and last seen, reports over time, incident
evidence), and confirmed passages and the balance of decisions of a marking weigh later suggestions for reports of
that same marking."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from sqlalchemy.orm import Session

from liaison_hub.audit.service import record_per_audience
from liaison_hub.db.bulk import insert_rows
from liaison_hub.db.types import utcnow
from liaison_hub.errors import InvalidInput, NotFound
from liaison_hub.fimi import bookkeeping, processing
from liaison_hub.fimi import repository as repo
from liaison_hub.fimi.schemas import Decision, NarrativeCreate, WeekCount
from liaison_hub.fimi.service import audit_write, marking_audience
from liaison_hub.fimi.suggest import Matcher
from liaison_hub.models.fimi import FimiNarrative, FimiSuggestion
from liaison_hub.policy import rights
from liaison_hub.policy.levels import Level
from liaison_hub.policy.principal import Actor, Principal


def narrative(session: Session, principal: Principal, narrative_id: int) -> FimiNarrative:
    found = repo.get_narrative(session, principal, narrative_id)
    if found is None:
        raise NotFound(f"no narrative {narrative_id}")
    return found


def create_narrative(
    session: Session, actor: Actor, *, data: NarrativeCreate, accreditation: Level, stix_uuid: str | None = None
) -> FimiNarrative:
    """Add a narrative to the catalogue; its parent must be one the writer may read."""
    rights.require_write(actor, what="add a narrative")
    audience = marking_audience(session, actor, data.marking, accreditation=accreditation)
    if data.parent_id is not None and repo.get_narrative(session, actor.principal, data.parent_id) is None:
        raise InvalidInput(f"no parent narrative {data.parent_id}")
    row = FimiNarrative(
        stix_uuid=stix_uuid or str(uuid.uuid4()),
        title=data.title,
        summary=data.summary,
        statements=[s for s in data.statements if s.strip()],
        aliases=[a for a in data.aliases if a.strip()],
        parent_id=data.parent_id,
        owner_organisation_id=actor.principal.organisation_id,
        audience_id=audience.id,
    )
    session.add(row)
    session.flush()
    details: dict[str, object] = {"statements": len(row.statements), "aliases": len(row.aliases)}
    audit_write(
        session,
        actor,
        action="fimi.narrative.create",
        entity_type="fimi_narrative",
        entity_id=row.id,
        audience=audience,
        details=details,
    )
    return row


def decide(session: Session, actor: Actor, *, report_id: int, narrative_id: int, status: Decision) -> FimiSuggestion:
    """Confirm or reject a suggestion the analyst may read (its report and its narrative)."""
    rights.require_write(actor, what="decide on a suggestion")
    row = repo.get_suggestion(session, actor.principal, report_id, narrative_id)
    if row is None:
        raise NotFound(f"no suggestion of narrative {narrative_id} for report {report_id}")
    report_audience = repo.audiences(session, [row.audience_id])[row.audience_id]
    rights.require_cleared(actor.principal, report_audience.classification_rank)
    row.status = status.value
    row.decided_by = actor.principal.user_id
    row.decided_at = utcnow()
    session.flush()
    audit_write(
        session,
        actor,
        action=f"fimi.suggestion.{status.value}",
        entity_type="fimi_report",
        entity_id=report_id,
        audience=report_audience,
        details={"narrative_id": narrative_id},
    )
    return row


def link_report(
    session: Session, actor: Actor, *, report_id: int, narrative_id: int, passage: str = ""
) -> FimiSuggestion:
    """Confirm a narrative for a report by hand, with the passage that carries it (it then weighs later suggestions
    for reports of the same marking): the analyst's own reading, where no suggestion was made."""
    rights.require_write(actor, what="link a report to a narrative")
    found = repo.get_report(session, actor.principal, report_id)
    if found is None or repo.get_narrative(session, actor.principal, narrative_id) is None:
        raise NotFound(f"no report {report_id} or no narrative {narrative_id}")
    if passage and passage not in found.text:
        raise InvalidInput("the passage is not part of the report's text")
    existing = repo.get_suggestion(session, actor.principal, report_id, narrative_id)
    if existing is None:
        row = FimiSuggestion(
            report_id=report_id,
            narrative_id=narrative_id,
            score=1.0,
            passage=passage[:1000],
            status="suggested",
            audience_id=found.audience_id,
        )
        session.add(row)
        session.flush()
    elif passage:
        existing.passage = passage[:1000]
    return decide(session, actor, report_id=report_id, narrative_id=narrative_id, status=Decision.confirmed)


def weeks(session: Session, principal: Principal, narrative_id: int) -> list[WeekCount]:
    narrative(session, principal, narrative_id)
    return [WeekCount(week=w, count=n) for w, n in repo.narrative_weeks(session, principal, narrative_id)]


def rescore(session: Session, actor: Actor, *, on_progress: Callable[[int], None] | None = None) -> int:
    """Score every report against the catalogue again (after narratives were added or changed); decisions stay.
    A hub job: administrators only. Returns how many suggestions there are now awaiting a decision."""
    rights.require_admin(actor, what="re-score every report")
    matchers: dict[int, Matcher] = {}
    per_audience: dict[int, dict[str, object]] = {}
    pending = 0
    for batch in bookkeeping.report_batches(session):
        ids = [r for r, _, _ in batch]
        decided = bookkeeping.decided_pairs(session, ids)
        repo.drop_undecided(session, ids)
        rows = []
        for report_id, audience_id, text in batch:
            tally = per_audience.setdefault(audience_id, {"reports": 0})
            tally["reports"] = int(str(tally["reports"])) + 1
            matcher = matchers.get(audience_id) or matchers.setdefault(
                audience_id, processing.matcher_for(session, audience_id)
            )
            skip = {n for r, n in decided if r == report_id}
            for s in matcher.suggest(text, skip=skip):
                rows.append(
                    {
                        "report_id": report_id,
                        "narrative_id": s.narrative_id,
                        "score": s.score,
                        "passage": s.passage,
                        "status": "suggested",
                        "decided_by": None,
                        "decided_at": None,
                        "audience_id": audience_id,
                    }
                )
        insert_rows(session, FimiSuggestion.__table__, rows)  # type: ignore[arg-type]
        pending += len(rows)
        if on_progress is not None:
            on_progress(len(batch))
    session.flush()
    record_per_audience(
        session,
        actor,
        action="fimi.suggestions.rescore",
        entity_type="fimi_report",
        entity_id="rescore",
        per_audience=per_audience,
    )
    return pending
