"""Read models of reports, narratives and suggestions for a principal: only what it may read, with counts and ranks
computed over what it may read."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy.orm import Session

from liaison_hub.fimi import clusters
from liaison_hub.fimi import repository as repo
from liaison_hub.fimi.schemas import (
    AppearanceRead,
    MentionRead,
    NarrativeRead,
    ReportRead,
    ReportSummary,
    SuggestionRead,
)
from liaison_hub.fimi.service import report
from liaison_hub.models import Audience
from liaison_hub.models.fimi import FimiNarrative, FimiReport
from liaison_hub.policy.principal import Principal
from liaison_hub.policy.schemas import MarkingRead, marking_read


class Markings:
    """Marking descriptions of audiences, loaded once per response."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.names = repo.organisation_names(session)
        self.loaded: dict[int, Audience] = {}

    def load(self, ids: Iterable[int]) -> list[Audience]:
        wanted = set(ids) - self.loaded.keys()
        if wanted:
            self.loaded.update(repo.audiences(self.session, wanted))
        return [self.loaded[i] for i in set(ids) if i in self.loaded]

    def read(self, audience_id: int) -> MarkingRead:
        self.load([audience_id])
        return marking_read(self.loaded[audience_id], self.names)


def suggestion_reads(
    session: Session, principal: Principal, report_ids: Iterable[int]
) -> dict[int, list[SuggestionRead]]:
    """Per report, the suggestions of narratives the principal may read, ranked 1, 2, 3... among those."""
    rows = repo.suggestions(session, principal, list(report_ids))
    titles = {
        n.id: n.title for n in repo.narratives_by_ids(session, principal, {s.narrative_id for s in rows}).values()
    }
    found: dict[int, list[SuggestionRead]] = {}
    for row in rows:
        ranked = found.setdefault(row.report_id, [])
        ranked.append(
            SuggestionRead(
                rank=len(ranked) + 1,
                narrative_id=row.narrative_id,
                narrative_title=titles.get(row.narrative_id, ""),
                score=row.score,
                passage=row.passage,
                status=row.status,
            )
        )
    return found


def summaries(session: Session, principal: Principal, rows: Sequence[FimiReport]) -> list[ReportSummary]:
    ids = [r.id for r in rows]
    outlets: dict[int, set[str]] = {}
    for appearance in repo.appearances(session, principal, ids):
        outlets.setdefault(appearance.report_id, set()).add(appearance.outlet)
    pending = repo.pending_counts(session, principal, ids)
    markings = Markings(session)
    return [
        ReportSummary(
            id=r.id,
            outlet=r.outlet,
            outlet_country=r.outlet_country,
            language=r.language,
            url=r.url,
            published_at=r.published_at,
            title=r.title,
            outlets=len(outlets.get(r.id, {r.outlet})),
            pending=pending.get(r.id, 0),
            marking=markings.read(r.audience_id),
        )
        for r in rows
    ]


def report_read(session: Session, principal: Principal, report_id: int) -> ReportRead:
    row = report(session, principal, report_id)
    summary = summaries(session, principal, [row])[0]
    cluster = clusters.cluster_of(session, principal, row.id)
    return ReportRead(
        **summary.model_dump(),
        text=row.text,
        language_detected=row.language_detected,
        appearances=[
            AppearanceRead(outlet=a.outlet, outlet_country=a.outlet_country, url=a.url, published_at=a.published_at)
            for a in repo.appearances(session, principal, [row.id])
        ],
        mentions=[
            MentionRead(kind=m.kind, ref=m.ref, surface=m.surface, quote=m.quote)
            for m in repo.mentions(session, principal, row.id)
        ],
        suggestions=suggestion_reads(session, principal, [row.id]).get(row.id, []),
        near_duplicates=max(0, len(cluster) - 1),
    )


def narrative_reads(session: Session, principal: Principal, rows: Sequence[FimiNarrative]) -> list[NarrativeRead]:
    stats = repo.narrative_stats(session, principal, [n.id for n in rows])
    visible = repo.narratives_by_ids(session, principal, {n.parent_id for n in rows if n.parent_id})
    markings = Markings(session)
    reads = []
    for n in rows:
        first, last, count = stats.get(n.id, (None, None, 0))
        reads.append(
            NarrativeRead(
                id=n.id,
                title=n.title,
                summary=n.summary,
                statements=list(n.statements),
                aliases=list(n.aliases),
                parent_id=n.parent_id if n.parent_id in visible else None,
                first_seen=first,
                last_seen=last,
                reports=count,
                marking=markings.read(n.audience_id),
            )
        )
    return reads
