"""Framing term sets and their chart: counts per term, week and outlet or outlet country, summed in SQL over the
term counts the reader may read (each count carries its report's marking), and the same figures as CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date

from sqlalchemy.orm import Session

from liaison_hub.audit.service import record_per_audience
from liaison_hub.db.bulk import insert_rows
from liaison_hub.db.types import random_id
from liaison_hub.errors import NotFound
from liaison_hub.fimi import bookkeeping, processing
from liaison_hub.fimi import repository as repo
from liaison_hub.fimi.schemas import ChartBy, ChartPoint, ChartRead, TermRead, TermSetCreate, TermSetRead
from liaison_hub.fimi.service import audit_write, marking_audience
from liaison_hub.fimi.text import normal_form
from liaison_hub.fimi.views import Markings
from liaison_hub.models.fimi import FimiTerm, FimiTermCount, FimiTermSet
from liaison_hub.policy import rights
from liaison_hub.policy.levels import Level
from liaison_hub.policy.principal import Actor, Principal

ASIA_INDO_PACIFIC = TermSetCreate.model_validate(
    {
        "name": "Asia-Pacific or Indo-Pacific",
        "description": "How the region is framed: China's official vocabulary keeps 'Asia-Pacific'; the allies' "
        "strategies say 'Indo-Pacific'.",
        "terms": [
            {
                "label": "Indo-Pacific",
                "variants": [
                    "Indo Pacific",
                    "印太",
                    "印度太平洋",
                    "インド太平洋",
                    "インド・太平洋",
                    "인도태평양",
                    "인도·태평양",
                ],
            },
            {
                "label": "Asia-Pacific",
                "variants": [
                    "Asia Pacific",
                    "亚太",
                    "亞太",
                    "亚洲太平洋",
                    "アジア太平洋",
                    "アジア・太平洋",
                    "아시아태평양",
                    "아태",
                    "아시아·태평양",
                ],
            },
        ],
        "marking": {"tlp": "clear"},
    }
)
"""The term set the issue asks for, in English, Chinese, Japanese and Korean (loaded by the demo)."""


def term_set(session: Session, principal: Principal, term_set_id: int) -> FimiTermSet:
    found = repo.get_term_set(session, principal, term_set_id)
    if found is None:
        raise NotFound(f"no term set {term_set_id}")
    return found


def create_term_set(session: Session, actor: Actor, *, data: TermSetCreate, accreditation: Level) -> FimiTermSet:
    """Add a term set and count its terms in every report already stored (each count with its report's marking)."""
    rights.require_write(actor, what="add a term set")
    audience = marking_audience(session, actor, data.marking, accreditation=accreditation)
    row = FimiTermSet(
        name=data.name,
        description=data.description,
        owner_organisation_id=actor.principal.organisation_id,
        audience_id=audience.id,
    )
    session.add(row)
    session.flush()
    for position, term in enumerate(data.terms):
        variants = list(dict.fromkeys(v for v in term.variants if normal_form(v)))
        session.add(
            FimiTerm(id=random_id(), term_set_id=row.id, label=term.label, variants=variants, position=position)
        )
    session.flush()
    recount(session, actor, term_set_id=row.id)
    audit_write(
        session,
        actor,
        action="fimi.terms.create",
        entity_type="fimi_term_set",
        entity_id=row.id,
        audience=audience,
        details={"terms": len(data.terms)},
    )
    return row


def recount(session: Session, actor: Actor, *, term_set_id: int) -> int:
    """Count one set's terms in every stored report again (a hub job run on the writer's behalf); returns how many
    reports hold a term. Written one audit entry per marking of the counted reports."""
    counter = processing.term_counter(session, term_set_id)
    repo.delete_term_counts(session, term_set_id)
    per_audience: dict[int, dict[str, object]] = {}
    holding = 0
    for batch in bookkeeping.report_batches(session):
        places = bookkeeping.appearances_of(session, [r for r, _, _ in batch])
        rows = []
        for report_id, audience_id, text in batch:
            found = counter.count(text)
            holding += bool(found)
            if found:
                tally = per_audience.setdefault(audience_id, {"term_set_id": term_set_id, "reports": 0})
                tally["reports"] = int(str(tally["reports"])) + 1
            for term, n in found:
                rows += [
                    {
                        "term_set_id": term_set_id,
                        "term_id": term.term_id,
                        "report_id": report_id,
                        "outlet": outlet,
                        "outlet_country": country,
                        "week": week,
                        "count": n,
                        "audience_id": audience_id,
                    }
                    for outlet, country, week in places.get(report_id, [])
                ]
        insert_rows(session, FimiTermCount.__table__, rows)  # type: ignore[arg-type]
    record_per_audience(
        session,
        actor,
        action="fimi.terms.count",
        entity_type="fimi_term_set",
        entity_id=term_set_id,
        per_audience=per_audience,
    )
    return holding


def term_set_reads(session: Session, principal: Principal, rows: Sequence[FimiTermSet]) -> list[TermSetRead]:
    terms = repo.terms_of(session, [r.id for r in rows])
    markings = Markings(session)
    return [
        TermSetRead(
            id=r.id,
            name=r.name,
            description=r.description,
            terms=[TermRead(id=t.id, label=t.label, variants=list(t.variants)) for t in terms if t.term_set_id == r.id],
            marking=markings.read(r.audience_id),
        )
        for r in rows
    ]


def chart(
    session: Session,
    principal: Principal,
    *,
    term_set_id: int,
    by: ChartBy = ChartBy.total,
    since: date | None = None,
    until: date | None = None,
) -> ChartRead:
    """Occurrences per week and term (and outlet or country), over the reports the principal may read."""
    row = term_set(session, principal, term_set_id)
    read = term_set_reads(session, principal, [row])[0]
    labels = {t.id: t.label for t in read.terms}
    points = [
        ChartPoint(week=week, term=labels.get(term, "?"), group=group, count=n)
        for week, term, group, n in repo.chart(session, principal, term_set_id, by=by.value, since=since, until=until)
    ]
    return ChartRead(term_set=read, by=by, points=points)


def chart_csv(chart_read: ChartRead) -> str:
    """The chart's points as CSV: week, term, group (outlet or country; empty for totals), count."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["week", "term", chart_read.by.value if chart_read.by is not ChartBy.total else "group", "count"])
    for p in chart_read.points:
        writer.writerow([p.week.isoformat(), p.term, p.group or "", p.count])
    return out.getvalue()
