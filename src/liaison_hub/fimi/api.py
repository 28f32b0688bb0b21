"""JSON API of FIMI under /api/v1/fimi: reports (import, inbox, decisions, clusters, correlations), narratives,
framing term sets and their chart (JSON and CSV), incidents (DISARM, timeline, STIX export and import)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Form, Query, Response, UploadFile, status

from liaison_hub.api.deps import DbSession, Reader, State, Writer
from liaison_hub.errors import InvalidInput
from liaison_hub.fimi import clusters, correlate, formats, incidents, narratives, service, sharing, stix, terms, views
from liaison_hub.fimi.correlate import ValueRecords
from liaison_hub.fimi.schemas import (
    ChartBy,
    ChartRead,
    ClusterRead,
    ClusterSummary,
    DecisionIn,
    ExportResult,
    ImportResult,
    IncidentCreate,
    IncidentRead,
    NarrativeCreate,
    NarrativeRead,
    ReportRead,
    ReportsIn,
    ReportSummary,
    SuggestionRead,
    TermSetCreate,
    TermSetRead,
    WeekCount,
)
from liaison_hub.policy.schemas import MarkingIn

router = APIRouter(prefix="/fimi", tags=["fimi"])
Limit = Annotated[int, Query(ge=1, le=500)]


def _codes(text: str) -> list[str] | None:
    codes = [c.strip() for c in text.split(",") if c.strip()]
    return codes or None


def _result(result: ImportResult, response: Response) -> ImportResult:
    """201 when something was stored or merged; 422 when every item was refused."""
    response.status_code = 201 if result.stored or result.merged else 422 if result.refused else 200
    return result


@router.post("/reports", response_model=ImportResult, status_code=status.HTTP_201_CREATED)
def add_reports(data: ReportsIn, session: DbSession, actor: Writer, state: State, response: Response) -> ImportResult:
    """Store reports given as JSON under one marking (duplicates merged, refusals listed with their reasons)."""
    items = [(f"report {i + 1}", r.model_dump()) for i, r in enumerate(data.reports)]
    result = service.import_reports(
        session, actor, items=items, marking=data.marking, accreditation=state.accreditation
    )
    return _result(result, response)


@router.post("/reports/import", response_model=ImportResult, status_code=status.HTTP_201_CREATED)
def import_file(
    file: UploadFile,
    session: DbSession,
    actor: Writer,
    state: State,
    response: Response,
    format: Annotated[formats.Format | None, Form()] = None,
    outlet: Annotated[str, Form(max_length=200)] = "",
    outlet_country: Annotated[str, Form(max_length=3)] = "",
    language: Annotated[str, Form(max_length=20)] = "",
    published_at: Annotated[datetime | None, Form()] = None,
    tlp: Annotated[str, Form()] = "amber",
    classification: Annotated[str, Form()] = "NU",
    releasable_to: Annotated[str | None, Form(description="Comma-separated; empty: the owner's nation.")] = None,
    recipients: Annotated[str, Form()] = "",
) -> ImportResult:
    """Import a file: JSON lines, plain text with a header, a saved HTML page or an RSS/Atom feed."""
    marking = MarkingIn(
        tlp=tlp,
        classification=classification,
        recipients=_codes(recipients) or [],
        releasable_to=None if releasable_to is None else _codes(releasable_to) or [],
    )
    defaults = formats.Defaults(
        outlet=outlet or None,
        outlet_country=outlet_country or None,
        language=language or None,
        published_at=published_at,
    )
    result = service.import_file(
        session,
        actor,
        data=file.file.read(),
        name=file.filename or "upload",
        fmt=format,
        defaults=defaults,
        marking=marking,
        accreditation=state.accreditation,
    )
    return _result(result, response)


@router.get("/reports", response_model=list[ReportSummary])
def list_reports(
    session: DbSession,
    principal: Reader,
    pending: bool = False,
    narrative: int | None = None,
    mentions: Annotated[str | None, Query(description="kind:ref, e.g. nation:CHN or domain-name:example.cn")] = None,
    before: Annotated[str | None, Query(description="published_at,id of the last report of the previous page")] = None,
    limit: Limit = 50,
) -> list[ReportSummary]:
    """The inbox: reports the caller may read, newest first (``pending``: with suggestions awaiting a decision)."""
    kind_ref = None
    if mentions and ":" in mentions:
        kind, _, ref = mentions.partition(":")
        kind_ref = (kind, ref)
    cursor = None
    if before:
        at, _, last = before.rpartition(",")
        try:
            cursor = (datetime.fromisoformat(at), int(last))
        except ValueError:
            raise InvalidInput("before must be published_at,id of a report") from None
    rows = service.list_reports(
        session, principal, pending_only=pending, narrative_id=narrative, mentions=kind_ref, before=cursor, limit=limit
    )
    return views.summaries(session, principal, rows)


@router.get("/reports/{report_id}", response_model=ReportRead)
def get_report(report_id: int, session: DbSession, principal: Reader) -> ReportRead:
    return views.report_read(session, principal, report_id)


@router.get("/reports/{report_id}/cluster", response_model=ClusterRead)
def report_cluster(report_id: int, session: DbSession, principal: Reader) -> ClusterRead:
    """Which outlets carried the same (or nearly the same) text, earliest first."""
    return clusters.cluster(session, principal, report_id)


@router.get("/reports/{report_id}/correlations", response_model=list[ValueRecords])
def report_correlations(report_id: int, session: DbSession, principal: Reader) -> list[ValueRecords]:
    """Intel objects the caller may read that mention a URL or domain the report names."""
    return correlate.correlations(session, principal, report_id)


@router.put("/reports/{report_id}/suggestions/{narrative_id}", response_model=list[SuggestionRead])
def decide(
    report_id: int, narrative_id: int, data: DecisionIn, session: DbSession, actor: Writer
) -> list[SuggestionRead]:
    """Confirm or reject a suggested narrative; the decision is kept and weighs later suggestions."""
    narratives.decide(session, actor, report_id=report_id, narrative_id=narrative_id, status=data.status)
    return views.suggestion_reads(session, actor.principal, [report_id]).get(report_id, [])


@router.get("/clusters", response_model=list[ClusterSummary])
def list_clusters(session: DbSession, principal: Reader, limit: Limit = 100) -> list[ClusterSummary]:
    """Copy-paste clusters (two reports or more) among the reports the caller may read, largest first."""
    return clusters.list_clusters(session, principal, limit=limit)


@router.get("/narratives", response_model=list[NarrativeRead])
def list_narratives(session: DbSession, principal: Reader) -> list[NarrativeRead]:
    return views.narrative_reads(session, principal, service.list_narratives(session, principal))


@router.post("/narratives", response_model=NarrativeRead, status_code=status.HTTP_201_CREATED)
def create_narrative(data: NarrativeCreate, session: DbSession, actor: Writer, state: State) -> NarrativeRead:
    row = narratives.create_narrative(session, actor, data=data, accreditation=state.accreditation)
    return views.narrative_reads(session, actor.principal, [row])[0]


@router.get("/narratives/{narrative_id}", response_model=NarrativeRead)
def get_narrative(narrative_id: int, session: DbSession, principal: Reader) -> NarrativeRead:
    return views.narrative_reads(session, principal, [narratives.narrative(session, principal, narrative_id)])[0]


@router.get("/narratives/{narrative_id}/weeks", response_model=list[WeekCount])
def narrative_weeks(narrative_id: int, session: DbSession, principal: Reader) -> list[WeekCount]:
    """Appearances of the narrative's confirmed reports per week."""
    return narratives.weeks(session, principal, narrative_id)


@router.get("/term-sets", response_model=list[TermSetRead])
def list_term_sets(session: DbSession, principal: Reader) -> list[TermSetRead]:
    return terms.term_set_reads(session, principal, service.list_term_sets(session, principal))


@router.post("/term-sets", response_model=TermSetRead, status_code=status.HTTP_201_CREATED)
def create_term_set(data: TermSetCreate, session: DbSession, actor: Writer, state: State) -> TermSetRead:
    """Add a term set; its terms are counted in every stored report at once."""
    row = terms.create_term_set(session, actor, data=data, accreditation=state.accreditation)
    return terms.term_set_reads(session, actor.principal, [row])[0]


@router.get("/term-sets/{term_set_id}/chart", response_model=ChartRead)
def chart(
    term_set_id: int,
    session: DbSession,
    principal: Reader,
    by: ChartBy = ChartBy.total,
    since: date | None = None,
    until: date | None = None,
) -> ChartRead:
    return terms.chart(session, principal, term_set_id=term_set_id, by=by, since=since, until=until)


@router.get("/term-sets/{term_set_id}/chart.csv", response_class=Response)
def chart_csv(term_set_id: int, session: DbSession, principal: Reader, by: ChartBy = ChartBy.total) -> Response:
    read = terms.chart(session, principal, term_set_id=term_set_id, by=by)
    headers = {"Content-Disposition": f'attachment; filename="terms-{term_set_id}-{by.value}.csv"'}
    return Response(terms.chart_csv(read), media_type="text/csv; charset=utf-8", headers=headers)


@router.get("/incidents", response_model=list[IncidentRead])
def list_incidents(session: DbSession, principal: Reader) -> list[IncidentRead]:
    return [incidents.incident_read(session, principal, row.id) for row in service.list_incidents(session, principal)]


@router.post("/incidents", response_model=IncidentRead, status_code=status.HTTP_201_CREATED)
def create_incident(data: IncidentCreate, session: DbSession, actor: Writer, state: State) -> IncidentRead:
    row = incidents.create_incident(session, actor, data=data, accreditation=state.accreditation)
    return incidents.incident_read(session, actor.principal, row.id)


@router.get("/incidents/{incident_id}", response_model=IncidentRead)
def get_incident(incident_id: int, session: DbSession, principal: Reader) -> IncidentRead:
    return incidents.incident_read(session, principal, incident_id)


@router.get("/incidents/{incident_id}/stix", response_class=Response)
def incident_stix(incident_id: int, session: DbSession, principal: Reader) -> Response:
    """The incident as a STIX 2.1 bundle, as the caller may read it."""
    objects = stix.export_objects(session, principal, incident_id)
    bundle: dict[str, Any] = {"type": "bundle", "id": f"bundle--{stix.bundle_uuid(objects)}", "objects": objects}
    return Response(orjson.dumps(bundle), media_type="application/stix+json;version=2.1")


@router.post("/incidents/{incident_id}/share", response_model=ExportResult)
def share_incident(
    incident_id: int, session: DbSession, actor: Writer, state: State, collection: Annotated[str, Query()]
) -> ExportResult:
    """Store the incident's STIX objects in an intel collection, where partners fetch them over TAXII."""
    return sharing.share_incident(
        session, actor, incident_id=incident_id, collection=collection, accreditation=state.accreditation
    )


@router.post("/incidents/import", response_model=IncidentRead, status_code=status.HTTP_201_CREATED)
def import_incident(bundle: dict[str, Any], session: DbSession, actor: Writer, state: State) -> IncidentRead:
    """Build an incident from a STIX bundle of one incident (as ``/stix`` or a TAXII collection gives it)."""
    objects = bundle.get("objects")
    if bundle.get("type") != "bundle" or not isinstance(objects, list):
        raise InvalidInput("expected a STIX bundle (type 'bundle' with an 'objects' list)")
    row = sharing.import_incident(session, actor, objects=objects, accreditation=state.accreditation)
    return incidents.incident_read(session, actor.principal, row.id)
