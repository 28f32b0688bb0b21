"""FIMI pages: the report inbox (import form, suggestions to confirm or reject), a report, narratives with their
reports over time, the framing term chart (SVG drawn here; CSV from the API), copy-paste clusters and incidents
with their timeline and DISARM techniques."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated

from fastapi import File, Request, UploadFile
from fastapi.responses import Response
from sqlalchemy.orm import Session

from liaison_hub.api.deps import DbSession, State
from liaison_hub.errors import HubError, InvalidInput
from liaison_hub.fimi import clusters, correlate, formats, incidents, narratives, service, terms, views
from liaison_hub.fimi.schemas import ChartBy, Decision, ImportResult, IncidentCreate
from liaison_hub.models import Audience
from liaison_hub.policy.principal import Principal
from liaison_hub.policy.schemas import MarkingIn
from liaison_hub.web import charts
from liaison_hub.web.deps import SignedIn, WebWriter
from liaison_hub.web.errors import page_router
from liaison_hub.web.forms import ChoiceFields, TextField, comma_list, parse_form
from liaison_hub.web.rendering import NAV_ITEMS, NavItem, flash, redirect, render
from liaison_hub.web.security import Csrf

router = page_router(prefix="/fimi")
NAV_ITEMS.append(NavItem("FIMI", "/fimi", order=30))
NAV_ITEMS.append(NavItem("Narratives", "/fimi/narratives", order=31))
NAV_ITEMS.append(NavItem("Terms", "/fimi/terms", order=32))
NAV_ITEMS.append(NavItem("Incidents", "/fimi/incidents", order=33))


def _audiences(session: Session, ids: Iterable[int]) -> list[Audience]:
    return list(service.audiences(session, ids).values())


def _inbox(
    request: Request,
    session: Session,
    principal: Principal,
    *,
    show: str = "pending",
    result: ImportResult | None = None,
    error: HubError | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    rows = service.list_reports(session, principal, pending_only=show == "pending", limit=100)
    summaries = views.summaries(session, principal, rows)
    suggestions = views.suggestion_reads(session, principal, [r.id for r in rows])
    context = {
        "reports": summaries,
        "suggestions": suggestions,
        "show": show,
        "result": result,
        "error": error.message if error else None,
        "values": values or {},
        "formats": [f.value for f in formats.Format],
    }
    return render(
        request,
        "fimi/inbox.html",
        context,
        audiences=_audiences(session, [r.audience_id for r in rows]),
        status_code=error.status if error else 200,
    )


@router.get("")
def inbox(request: Request, session: DbSession, viewer: SignedIn, show: str = "pending") -> Response:
    """Reports with suggestions awaiting a decision (or all reports), and the import form for writers."""
    return _inbox(request, session, viewer.principal, show=show if show in ("pending", "all") else "pending")


@router.post("/import")
def import_reports(
    request: Request,
    session: DbSession,
    actor: WebWriter,
    state: State,
    _: Csrf,
    file: Annotated[UploadFile, File()],
    fmt: TextField = "",
    outlet: TextField = "",
    outlet_country: TextField = "",
    language: TextField = "",
    tlp: TextField = "green",
    classification: TextField = "NU",
    releasable_to: TextField = "",
) -> Response:
    """Import a file; refusals are listed with their reasons, and a file refused whole writes nothing."""
    values = {
        "tlp": tlp,
        "classification": classification,
        "releasable_to": releasable_to,
        "outlet": outlet,
        "outlet_country": outlet_country,
        "language": language,
        "fmt": fmt,
    }
    try:
        kind = formats.Format(fmt) if fmt else None
        marking = MarkingIn(tlp=tlp, classification=classification, releasable_to=comma_list(releasable_to) or None)
        defaults = formats.Defaults(
            outlet=outlet or None, outlet_country=outlet_country or None, language=language or None
        )
        result = service.import_file(
            session,
            actor,
            data=file.file.read(),
            name=file.filename or "upload",
            fmt=kind,
            defaults=defaults,
            marking=marking,
            accreditation=state.accreditation,
        )
    except ValueError as exc:
        session.rollback()
        return _inbox(request, session, actor.principal, error=InvalidInput(str(exc)), values=values)
    except HubError as exc:
        session.rollback()
        return _inbox(request, session, actor.principal, error=exc, values=values)
    return _inbox(request, session, actor.principal, show="all", result=result, values=values)


@router.get("/reports/{report_id}")
def report_page(report_id: int, request: Request, session: DbSession, viewer: SignedIn) -> Response:
    read = views.report_read(session, viewer.principal, report_id)
    row = service.report(session, viewer.principal, report_id)
    found = correlate.correlations(session, viewer.principal, report_id)
    narrative_ids = [s.narrative_id for s in read.suggestions]
    shown = [
        row.audience_id,
        *[n.audience_id for n in service.narratives_by_ids(session, viewer.principal, narrative_ids).values()],
        *[r.audience_id for v in found for r in v.records],  # the intel objects named beside the report
    ]
    context = {"report": read, "correlations": found}
    return render(request, "fimi/report.html", context, audiences=_audiences(session, shown))


@router.post("/reports/{report_id}/suggestions/{narrative_id}")
def decide(
    report_id: int,
    narrative_id: int,
    request: Request,
    session: DbSession,
    actor: WebWriter,
    _: Csrf,
    status: TextField = "",
    back: TextField = "",
) -> Response:
    """Confirm or reject a suggestion, then go back to the inbox or the report."""
    try:
        decision = Decision(status)
    except ValueError:
        raise InvalidInput("the decision is confirmed or rejected") from None
    narratives.decide(session, actor, report_id=report_id, narrative_id=narrative_id, status=decision)
    flash(request, f"Suggestion {decision.value}.", "success")
    return redirect("/fimi" if back == "inbox" else f"/fimi/reports/{report_id}")


@router.get("/narratives")
def narratives_page(request: Request, session: DbSession, viewer: SignedIn) -> Response:
    rows = service.list_narratives(session, viewer.principal)
    context = {"narratives": views.narrative_reads(session, viewer.principal, rows)}
    return render(
        request, "fimi/narratives.html", context, audiences=_audiences(session, [n.audience_id for n in rows])
    )


@router.get("/narratives/{narrative_id}")
def narrative_page(narrative_id: int, request: Request, session: DbSession, viewer: SignedIn) -> Response:
    """A narrative with its confirmed reports over time."""
    row = narratives.narrative(session, viewer.principal, narrative_id)
    weeks = narratives.weeks(session, viewer.principal, narrative_id)
    reports = service.list_reports(session, viewer.principal, narrative_id=narrative_id, limit=200)
    context = {
        "narrative": views.narrative_reads(session, viewer.principal, [row])[0],
        "chart": charts.bars((w.week, w.count) for w in weeks),
        "reports": views.summaries(session, viewer.principal, reports),
    }
    shown = [row.audience_id, *[r.audience_id for r in reports]]
    return render(request, "fimi/narrative.html", context, audiences=_audiences(session, shown))


@router.get("/terms")
def terms_page(request: Request, session: DbSession, viewer: SignedIn) -> Response:
    rows = service.list_term_sets(session, viewer.principal)
    if rows:
        return redirect(f"/fimi/terms/{rows[0].id}")
    return render(request, "fimi/terms.html", {"term_sets": [], "chart": None, "read": None, "by": "total"})


@router.get("/terms/{term_set_id}")
def term_chart(
    term_set_id: int, request: Request, session: DbSession, viewer: SignedIn, by: ChartBy = ChartBy.total
) -> Response:
    """Term counts per week over the reports the viewer may read, by outlet or outlet country."""
    read = terms.chart(session, viewer.principal, term_set_id=term_set_id, by=by)
    rows = service.list_term_sets(session, viewer.principal)
    series = (
        (p.week, p.term if by is ChartBy.total else f"{p.term} · {p.group or 'unknown'}", p.count) for p in read.points
    )
    context = {
        "term_sets": terms.term_set_reads(session, viewer.principal, rows),
        "read": read,
        "chart": charts.lines(series),
        "by": by.value,
    }
    # The chart's figures come from reports of any marking the viewer may read: the banner covers all of them.
    shown = [t.audience_id for t in rows] + service.term_count_audiences(session, viewer.principal, term_set_id)
    return render(request, "fimi/terms.html", context, audiences=_audiences(session, shown))


@router.get("/clusters")
def clusters_page(request: Request, session: DbSession, viewer: SignedIn) -> Response:
    found = clusters.list_clusters(session, viewer.principal)
    # Sizes and outlet counts come from every member: the banner covers every member's marking.
    members = [m for c in found for m in c.member_audience_ids]
    return render(request, "fimi/clusters.html", {"clusters": found}, audiences=_audiences(session, members))


@router.get("/clusters/{report_id}")
def cluster_page(report_id: int, request: Request, session: DbSession, viewer: SignedIn) -> Response:
    """Which outlets carried the same text, in what order."""
    found = clusters.cluster(session, viewer.principal, report_id)
    rows = service.reports_by_ids(session, viewer.principal, {m.report_id for m in found.members})
    return render(
        request,
        "fimi/cluster.html",
        {"cluster": found, "report_id": report_id},
        audiences=_audiences(session, [r.audience_id for r in rows.values()]),
    )


def _incidents_page(
    request: Request,
    session: Session,
    principal: Principal,
    error: HubError | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    rows = service.list_incidents(session, principal)
    reads = [incidents.incident_read(session, principal, r.id) for r in rows]
    context = {
        "incidents": reads,
        "error": error.message if error else None,
        "values": values or {},
        "narratives": service.list_narratives(session, principal),
    }
    audiences = _audiences(session, [r.audience_id for r in rows])
    return render(
        request, "fimi/incidents.html", context, audiences=audiences, status_code=error.status if error else 200
    )


@router.get("/incidents")
def incidents_page(request: Request, session: DbSession, viewer: SignedIn) -> Response:
    return _incidents_page(request, session, viewer.principal)


def _lines(text: str) -> list[list[str]]:
    """Lines of ``a | b | c`` fields."""
    return [[f.strip() for f in line.split("|")] for line in text.splitlines() if line.strip()]


def _incident_form(fields: dict[str, str], narrative_ids: list[str]) -> IncidentCreate:
    actors = [
        dict(zip(("name", "stix_type", "nation", "tier", "confidence"), f, strict=False))
        for f in _lines(fields["actors"])
    ]
    techniques = [
        {k: v for k, v in zip(("disarm_id", "observed_at", "note"), f, strict=False) if v}
        for f in _lines(fields["techniques"])
    ]
    return parse_form(
        IncidentCreate,
        title=fields["title"],
        summary=fields["summary"],
        first_seen=fields["first_seen"],
        last_seen=fields["last_seen"] or None,
        status=fields["status"],
        determination=fields["determination"],
        narratives=[int(n) for n in narrative_ids if n.isdigit()],
        channels=comma_list(fields["channels"]),
        targets=comma_list(fields["targets"]),
        actors=actors,
        techniques=techniques,
        marking=MarkingIn(
            tlp=fields["tlp"],
            classification=fields["classification"],
            releasable_to=comma_list(fields["releasable_to"]) or None,
        ),
    )


@router.post("/incidents")
def create_incident(
    request: Request,
    session: DbSession,
    actor: WebWriter,
    state: State,
    _: Csrf,
    title: TextField = "",
    summary: TextField = "",
    first_seen: TextField = "",
    last_seen: TextField = "",
    status: TextField = "open",
    determination: TextField = "suspected",
    narrative: ChoiceFields = None,
    channels: TextField = "",
    targets: TextField = "",
    actors: TextField = "",
    techniques: TextField = "",
    tlp: TextField = "amber",
    classification: TextField = "NU",
    releasable_to: TextField = "",
) -> Response:
    """Record an incident from the form; a refusal (unknown DISARM id, tier outside the list...) keeps the form."""
    values = {
        "title": title,
        "summary": summary,
        "first_seen": first_seen,
        "last_seen": last_seen,
        "status": status,
        "determination": determination,
        "channels": channels,
        "targets": targets,
        "actors": actors,
        "techniques": techniques,
        "tlp": tlp,
        "classification": classification,
        "releasable_to": releasable_to,
    }
    try:
        data = _incident_form(values, narrative or [])
        row = incidents.create_incident(session, actor, data=data, accreditation=state.accreditation)
    except HubError as exc:
        session.rollback()
        return _incidents_page(request, session, actor.principal, exc, values)
    flash(request, "Incident recorded.", "success")
    return redirect(f"/fimi/incidents/{row.id}")


@router.get("/incidents/{incident_id}")
def incident_page(incident_id: int, request: Request, session: DbSession, viewer: SignedIn) -> Response:
    """An incident with its timeline, DISARM techniques and countermeasures, actors, narratives and evidence."""
    read = incidents.incident_read(session, viewer.principal, incident_id)
    ids = incidents.incident_audience_ids(session, viewer.principal, incident_id)
    return render(request, "fimi/incident.html", {"incident": read}, audiences=_audiences(session, ids))
