"""FIMI queries. Every read of reports, appearances, mentions, suggestions, narratives, term sets, term counts and
incidents goes through ``policy.readable``; rows that belong to a parent (near-duplicate links, terms, incident
actors, techniques and links) are read only for parents the reader may read. Counts, ranks, clusters and chart
points are computed in SQL over readable rows."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, delete, func, select
from sqlalchemy.orm import Session

from liaison_hub.models import Audience, Grouping, Organisation
from liaison_hub.models.fimi import (
    FimiAppearance,
    FimiIncident,
    FimiIncidentActor,
    FimiIncidentLink,
    FimiIncidentTechnique,
    FimiMention,
    FimiNarrative,
    FimiNearDuplicate,
    FimiReport,
    FimiSuggestion,
    FimiTerm,
    FimiTermCount,
    FimiTermSet,
)
from liaison_hub.policy.filter import readable
from liaison_hub.policy.principal import Principal

AnySelect = Select[Any]


def visible_reports(principal: Principal) -> Select[Any]:
    return readable(select(FimiReport.id), principal, FimiReport)


def visible_narratives(principal: Principal) -> Select[Any]:
    return readable(select(FimiNarrative.id), principal, FimiNarrative)


def get_report(session: Session, principal: Principal, report_id: int) -> FimiReport | None:
    return session.scalar(readable(select(FimiReport).where(FimiReport.id == report_id), principal))


def reports_by_ids(session: Session, principal: Principal, ids: Iterable[int]) -> dict[int, FimiReport]:
    stmt = readable(select(FimiReport).where(FimiReport.id.in_(list(ids))), principal)
    return {r.id: r for r in session.scalars(stmt)}


def list_reports(
    session: Session,
    principal: Principal,
    *,
    pending_only: bool = False,
    narrative_id: int | None = None,
    mentions: tuple[str, str] | None = None,
    before: tuple[datetime, int] | None = None,
    limit: int = 50,
) -> Sequence[FimiReport]:
    """Newest first, a keyset page: ``before`` is the (published, id) of the last report of the previous page."""
    stmt = readable(select(FimiReport), principal)
    if pending_only:
        stmt = stmt.where(FimiReport.id.in_(_pending_reports(principal)))
    if narrative_id is not None:
        stmt = stmt.where(FimiReport.id.in_(_confirmed_reports(principal, narrative_id)))
    if mentions is not None:
        kind, ref = mentions
        named = readable(
            select(FimiMention.report_id).where(FimiMention.kind == kind, FimiMention.ref == ref), principal
        )
        stmt = stmt.where(FimiReport.id.in_(named))
    if before is not None:
        at, last_id = before
        stmt = stmt.where(
            (FimiReport.published_at < at) | ((FimiReport.published_at == at) & (FimiReport.id < last_id))
        )
    order = stmt.order_by(FimiReport.published_at.desc(), FimiReport.id.desc())
    return session.scalars(order.limit(limit)).all()


def _readable_suggestions(principal: Principal) -> AnySelect:
    stmt = select(FimiSuggestion).where(FimiSuggestion.narrative_id.in_(visible_narratives(principal)))
    return readable(stmt, principal, FimiSuggestion)


def _pending_reports(principal: Principal) -> AnySelect:
    stmt = select(FimiSuggestion.report_id).where(
        FimiSuggestion.status == "suggested", FimiSuggestion.narrative_id.in_(visible_narratives(principal))
    )
    return readable(stmt, principal, FimiSuggestion)


def _confirmed_reports(principal: Principal, narrative_id: int) -> AnySelect:
    stmt = select(FimiSuggestion.report_id).where(
        FimiSuggestion.status == "confirmed", FimiSuggestion.narrative_id == narrative_id
    )
    return readable(stmt, principal, FimiSuggestion)


def suggestions(session: Session, principal: Principal, report_ids: Iterable[int]) -> Sequence[FimiSuggestion]:
    """Suggestions of these reports whose report and narrative the principal may both read, best first."""
    stmt = _readable_suggestions(principal).where(FimiSuggestion.report_id.in_(list(report_ids)))
    stmt = stmt.where(FimiSuggestion.report_id.in_(visible_reports(principal)))
    order = stmt.order_by(FimiSuggestion.report_id, FimiSuggestion.score.desc(), FimiSuggestion.narrative_id)
    return session.scalars(order).all()


def get_suggestion(session: Session, principal: Principal, report_id: int, narrative_id: int) -> FimiSuggestion | None:
    stmt = _readable_suggestions(principal).where(
        FimiSuggestion.report_id == report_id, FimiSuggestion.narrative_id == narrative_id
    )
    return session.scalar(stmt.where(FimiSuggestion.report_id.in_(visible_reports(principal))))


def pending_counts(session: Session, principal: Principal, report_ids: Iterable[int]) -> dict[int, int]:
    stmt = readable(
        select(FimiSuggestion.report_id, func.count())
        .where(FimiSuggestion.report_id.in_(list(report_ids)), FimiSuggestion.status == "suggested")
        .where(FimiSuggestion.narrative_id.in_(visible_narratives(principal)))
        .group_by(FimiSuggestion.report_id),
        principal,
        FimiSuggestion,
    )
    return {int(r): int(n) for r, n in session.execute(stmt)}


def appearances(session: Session, principal: Principal, report_ids: Iterable[int]) -> Sequence[FimiAppearance]:
    stmt = readable(select(FimiAppearance).where(FimiAppearance.report_id.in_(list(report_ids))), principal)
    return session.scalars(stmt.order_by(FimiAppearance.published_at, FimiAppearance.outlet)).all()


def mentions(session: Session, principal: Principal, report_id: int) -> Sequence[FimiMention]:
    stmt = readable(select(FimiMention).where(FimiMention.report_id == report_id), principal)
    return session.scalars(stmt.order_by(FimiMention.offset, FimiMention.kind)).all()


def near_duplicate_links(
    session: Session, principal: Principal, report_ids: Iterable[int] | None = None
) -> list[tuple[int, int, float]]:
    """Links between two reports the principal may both read (of these reports, or all)."""
    link = FimiNearDuplicate
    stmt = select(link.report_id, link.other_id, link.similarity).where(
        link.report_id.in_(visible_reports(principal)), link.other_id.in_(visible_reports(principal))
    )
    if report_ids is not None:
        wanted = list(report_ids)
        stmt = stmt.where(link.report_id.in_(wanted) | link.other_id.in_(wanted))
    return [(int(a), int(b), float(s)) for a, b, s in session.execute(stmt)]


def get_narrative(session: Session, principal: Principal, narrative_id: int) -> FimiNarrative | None:
    return session.scalar(readable(select(FimiNarrative).where(FimiNarrative.id == narrative_id), principal))


def narratives_by_ids(session: Session, principal: Principal, ids: Iterable[int]) -> dict[int, FimiNarrative]:
    stmt = readable(select(FimiNarrative).where(FimiNarrative.id.in_(list(ids))), principal)
    return {n.id: n for n in session.scalars(stmt)}


def list_narratives(session: Session, principal: Principal) -> Sequence[FimiNarrative]:
    stmt = readable(select(FimiNarrative), principal).order_by(FimiNarrative.title, FimiNarrative.id)
    return session.scalars(stmt).all()


def narrative_stats(
    session: Session, principal: Principal, narrative_ids: Iterable[int]
) -> dict[int, tuple[datetime | None, datetime | None, int]]:
    """Narrative -> (first seen, last seen, reports) over confirmed reports the principal may read."""
    stmt = (
        select(
            FimiSuggestion.narrative_id,
            func.min(FimiReport.published_at),
            func.max(FimiReport.published_at),
            func.count(FimiReport.id),
        )
        .join(FimiReport, FimiReport.id == FimiSuggestion.report_id)
        .where(FimiSuggestion.narrative_id.in_(list(narrative_ids)), FimiSuggestion.status == "confirmed")
        .group_by(FimiSuggestion.narrative_id)
    )
    stmt = readable(readable(stmt, principal, FimiSuggestion), principal, FimiReport)
    return {int(n): (first, last, int(count)) for n, first, last, count in session.execute(stmt)}


def narrative_weeks(session: Session, principal: Principal, narrative_id: int) -> list[tuple[Any, int]]:
    """(week, appearances) of the narrative's confirmed reports the principal may read."""
    stmt = (
        select(FimiAppearance.week, func.count())
        .join(FimiSuggestion, FimiSuggestion.report_id == FimiAppearance.report_id)
        .where(FimiSuggestion.narrative_id == narrative_id, FimiSuggestion.status == "confirmed")
        .group_by(FimiAppearance.week)
        .order_by(FimiAppearance.week)
    )
    stmt = readable(readable(stmt, principal, FimiAppearance), principal, FimiSuggestion)
    return [(week, int(n)) for week, n in session.execute(stmt)]


def list_term_sets(session: Session, principal: Principal) -> Sequence[FimiTermSet]:
    return session.scalars(readable(select(FimiTermSet), principal).order_by(FimiTermSet.name, FimiTermSet.id)).all()


def get_term_set(session: Session, principal: Principal, term_set_id: int) -> FimiTermSet | None:
    return session.scalar(readable(select(FimiTermSet).where(FimiTermSet.id == term_set_id), principal))


def terms_of(session: Session, term_set_ids: Iterable[int]) -> Sequence[FimiTerm]:
    """Terms of sets the caller has already read."""
    stmt = select(FimiTerm).where(FimiTerm.term_set_id.in_(list(term_set_ids)))
    return session.scalars(stmt.order_by(FimiTerm.term_set_id, FimiTerm.position)).all()


def chart(
    session: Session, principal: Principal, term_set_id: int, *, by: str, since: Any = None, until: Any = None
) -> list[tuple[Any, int, str | None, int]]:
    """(week, term id, group, count) summed over the term counts the principal may read; group is the outlet, the
    outlet's country or None for totals."""
    c = FimiTermCount
    group = {"outlet": c.outlet, "country": c.outlet_country}.get(by)
    columns = [c.week, c.term_id, *([group] if group is not None else []), func.sum(c.count)]
    stmt = select(*columns).where(c.term_set_id == term_set_id)
    if since is not None:
        stmt = stmt.where(c.week >= since)
    if until is not None:
        stmt = stmt.where(c.week <= until)
    keys = [c.week, c.term_id, *([group] if group is not None else [])]
    stmt = readable(stmt.group_by(*keys).order_by(*keys), principal, c)
    rows = [tuple(r) for r in session.execute(stmt)]
    if group is None:
        return [(r[0], int(r[1]), None, int(r[2])) for r in rows]
    return [(r[0], int(r[1]), r[2], int(r[3])) for r in rows]


def term_count_audiences(session: Session, principal: Principal, term_set_id: int) -> list[int]:
    """The markings of the readable term counts of a set (what a chart of them is made of)."""
    stmt = readable(select(FimiTermCount.audience_id).where(FimiTermCount.term_set_id == term_set_id), principal)
    return [int(a) for a in session.scalars(stmt.distinct())]


def get_incident(session: Session, principal: Principal, incident_id: int) -> FimiIncident | None:
    return session.scalar(readable(select(FimiIncident).where(FimiIncident.id == incident_id), principal))


def incident_by_stix_uuid(session: Session, principal: Principal, stix_uuid: str) -> FimiIncident | None:
    return session.scalar(readable(select(FimiIncident).where(FimiIncident.stix_uuid == stix_uuid), principal))


def narrative_by_stix_uuid(session: Session, principal: Principal, stix_uuid: str) -> FimiNarrative | None:
    return session.scalar(readable(select(FimiNarrative).where(FimiNarrative.stix_uuid == stix_uuid), principal))


def list_incidents(session: Session, principal: Principal) -> Sequence[FimiIncident]:
    stmt = readable(select(FimiIncident), principal).order_by(FimiIncident.first_seen.desc(), FimiIncident.id)
    return session.scalars(stmt).all()


def incident_parts(
    session: Session, incident_id: int
) -> tuple[Sequence[FimiIncidentActor], Sequence[FimiIncidentTechnique], Sequence[FimiIncidentLink]]:
    """Actors, techniques and links of an incident the caller has already read."""
    actors = session.scalars(
        select(FimiIncidentActor).where(FimiIncidentActor.incident_id == incident_id).order_by(FimiIncidentActor.id)
    ).all()
    techniques = session.scalars(
        select(FimiIncidentTechnique)
        .where(FimiIncidentTechnique.incident_id == incident_id)
        .order_by(FimiIncidentTechnique.id)
    ).all()
    links = session.scalars(
        select(FimiIncidentLink).where(FimiIncidentLink.incident_id == incident_id).order_by(FimiIncidentLink.id)
    ).all()
    return actors, techniques, links


def existing_reports(
    session: Session, principal: Principal, audience_id: int, url_keys: Iterable[str], text_keys: Iterable[str]
) -> tuple[dict[str, int], dict[str, int]]:
    """(url key -> report, text key -> report) among readable reports of one marking: where imports merge."""
    by_url = readable(
        select(FimiAppearance.url_key, FimiAppearance.report_id).where(
            FimiAppearance.audience_id == audience_id, FimiAppearance.url_key.in_(list(url_keys))
        ),
        principal,
        FimiAppearance,
    )
    by_text = readable(
        select(FimiReport.text_key, FimiReport.id).where(
            FimiReport.audience_id == audience_id, FimiReport.text_key.in_(list(text_keys))
        ),
        principal,
        FimiReport,
    )
    return (
        {str(k): int(r) for k, r in session.execute(by_url)},
        {str(k): int(r) for k, r in session.execute(by_text)},
    )


def appearance_keys(session: Session, principal: Principal, report_ids: Iterable[int]) -> set[tuple[int, str, str]]:
    """(report, outlet, url) of appearances of readable reports: a merge adds only a new outlet or URL."""
    stmt = readable(
        select(FimiAppearance.report_id, FimiAppearance.outlet, FimiAppearance.url).where(
            FimiAppearance.report_id.in_(list(report_ids))
        ),
        principal,
        FimiAppearance,
    )
    return {(int(r), str(o), str(u or "")) for r, o, u in session.execute(stmt)}


def drop_undecided(session: Session, report_ids: Sequence[int]) -> None:
    """Drop undecided suggestions of these reports before re-scoring them (decisions stay)."""
    session.execute(
        delete(FimiSuggestion).where(
            FimiSuggestion.report_id.in_(list(report_ids)), FimiSuggestion.status == "suggested"
        )
    )


def delete_term_counts(session: Session, term_set_id: int) -> None:
    session.execute(delete(FimiTermCount).where(FimiTermCount.term_set_id == term_set_id))


def audiences(session: Session, ids: Iterable[int]) -> dict[int, Audience]:
    return {a.id: a for a in session.scalars(select(Audience).where(Audience.id.in_(set(ids))))}


def organisation_names(session: Session) -> dict[int, str]:
    return dict(session.execute(select(Organisation.id, Organisation.short_name)).all())


def directory_names(session: Session) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]:
    """(name, short name) of organisations and (code, name) of groupings, for linking."""
    orgs = tuple((str(n), str(s)) for n, s in session.execute(select(Organisation.name, Organisation.short_name)))
    groups = tuple((str(c), str(n)) for c, n in session.execute(select(Grouping.code, Grouping.name)))
    return orgs, groups
