"""JSON API of EDT under /api/v1/edt: technologies with their history and readiness chart, signals (inbox,
promotion, dismissal), projects with milestones, the radar as JSON, SVG, tech-radar JSON and BYOR CSV."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Query, Response, status

from liaison_hub.api.deps import DbSession, Reader, State, Writer
from liaison_hub.edt import chart, drawing, projects, radar, service, sharing, signals, stix
from liaison_hub.edt.areas import catalogue
from liaison_hub.edt.schemas import (
    HistoryIn,
    HistoryRead,
    ProjectCreate,
    ProjectRead,
    PromoteIn,
    Radar,
    SignalCreate,
    SignalRead,
    TechnologyCreate,
    TechnologyRead,
    TechnologySummary,
)
from liaison_hub.errors import InvalidInput
from liaison_hub.fimi.schemas import ExportResult

router = APIRouter(prefix="/edt", tags=["edt"])
SVG = "image/svg+xml"
At = Annotated[date | None, Query(description="The radar's date (default: today, UTC).")]
Since = Annotated[date | None, Query(description="Show moves since this date (e.g. the last consultation).")]


@router.get("/areas")
def list_areas() -> dict[str, Any]:
    """The areas, rings and the grouping of areas into the four quadrants of the radar formats."""
    known = catalogue()
    return {
        "areas": [{"code": a.code, "name": a.name, "quadrant": a.quadrant} for a in known.areas],
        "rings": [{"code": r.code, "name": r.name} for r in known.rings],
        "quadrants": list(known.quadrants),
    }


@router.get("/technologies", response_model=list[TechnologySummary])
def list_technologies(
    session: DbSession, principal: Reader, at: At = None, area: str | None = None
) -> list[TechnologySummary]:
    """Technologies the caller may read, with their state at the date as the caller's readable history says."""
    if area is not None:
        catalogue().area(area)
    view = radar.radar(session, principal, at=at)
    markings = service.Markings(session)
    rows = {t.id: t for t in service.list_technologies(session, principal, area=area)}
    return [
        TechnologySummary(
            id=e.technology_id,
            name=e.name,
            areas=list(rows[e.technology_id].areas),
            horizon=rows[e.technology_id].horizon,
            readiness=e.readiness,
            ring=e.ring,
            marking=markings.read(rows[e.technology_id].audience_id),
        )
        for e in view.entries
        if e.technology_id in rows
    ]


@router.post("/technologies", response_model=TechnologyRead, status_code=status.HTTP_201_CREATED)
def create_technology(data: TechnologyCreate, session: DbSession, actor: Writer, state: State) -> TechnologyRead:
    row = service.create_technology(session, actor, data=data, accreditation=state.accreditation)
    return service.technology_read(session, actor.principal, row.id)


@router.get("/technologies/{technology_id}", response_model=TechnologyRead)
def get_technology(technology_id: int, session: DbSession, principal: Reader) -> TechnologyRead:
    return service.technology_read(session, principal, technology_id)


@router.post("/technologies/{technology_id}/history", response_model=HistoryRead, status_code=status.HTTP_201_CREATED)
def add_history(technology_id: int, data: HistoryIn, session: DbSession, actor: Writer, state: State) -> HistoryRead:
    """Record a readiness level and ring as of a date, with the reason and evidence."""
    entry = service.add_history(
        session, actor, technology_id=technology_id, data=data, accreditation=state.accreditation
    )
    return next(h for h in service.history_reads(session, actor.principal, technology_id) if h.id == entry.id)


@router.get("/technologies/{technology_id}/readiness.svg", response_class=Response)
def readiness_chart(technology_id: int, session: DbSession, principal: Reader) -> Response:
    """The technology's readiness over time, from the history the caller may read."""
    service.technology(session, principal, technology_id)
    entries = service.history_reads(session, principal, technology_id)
    return Response(chart.readiness_svg(entries, service.today_utc()), media_type=SVG)


@router.get("/signals", response_model=list[SignalRead])
def list_signals(
    session: DbSession, principal: Reader, signal_status: Annotated[str | None, Query(alias="status")] = None
) -> list[SignalRead]:
    """Signals the caller may read, newest first; ``status=new`` is the inbox."""
    return signals.signal_reads(session, principal, signals.list_signals(session, principal, status=signal_status))


@router.post("/signals", response_model=SignalRead, status_code=status.HTTP_201_CREATED)
def create_signal(data: SignalCreate, session: DbSession, actor: Writer, state: State) -> SignalRead:
    row = signals.create_signal(session, actor, data=data, accreditation=state.accreditation)
    return signals.signal_read(session, actor.principal, row.id)


@router.get("/signals/{signal_id}", response_model=SignalRead)
def get_signal(signal_id: int, session: DbSession, principal: Reader) -> SignalRead:
    return signals.signal_read(session, principal, signal_id)


@router.post("/signals/{signal_id}/promote", response_model=HistoryRead, status_code=status.HTTP_201_CREATED)
def promote_signal(signal_id: int, data: PromoteIn, session: DbSession, actor: Writer, state: State) -> HistoryRead:
    """Move a technology's readiness or ring on the strength of the signal; the history records it."""
    entry = signals.promote(session, actor, signal_id=signal_id, data=data, accreditation=state.accreditation)
    return next(h for h in service.history_reads(session, actor.principal, data.technology_id) if h.id == entry.id)


@router.post("/signals/{signal_id}/dismiss", response_model=SignalRead)
def dismiss_signal(signal_id: int, session: DbSession, actor: Writer) -> SignalRead:
    signals.dismiss(session, actor, signal_id=signal_id)
    return signals.signal_read(session, actor.principal, signal_id)


@router.get("/projects", response_model=list[ProjectRead])
def list_projects(session: DbSession, principal: Reader) -> list[ProjectRead]:
    return projects.project_reads(session, principal, projects.list_projects(session, principal))


@router.post("/projects", response_model=ProjectRead, status_code=status.HTTP_201_CREATED)
def create_project(data: ProjectCreate, session: DbSession, actor: Writer, state: State) -> ProjectRead:
    row = projects.create_project(session, actor, data=data, accreditation=state.accreditation)
    return projects.project_read(session, actor.principal, row.id)


@router.get("/projects/{project_id}", response_model=ProjectRead)
def get_project(project_id: int, session: DbSession, principal: Reader) -> ProjectRead:
    return projects.project_read(session, principal, project_id)


@router.put("/projects/{project_id}/milestones/{milestone_id}", response_model=ProjectRead)
def set_milestone(
    project_id: int, milestone_id: int, done: Annotated[bool, Query()], session: DbSession, actor: Writer
) -> ProjectRead:
    """Mark a milestone done (or not done again)."""
    projects.set_milestone(session, actor, project_id=project_id, milestone_id=milestone_id, done=done)
    return projects.project_read(session, actor.principal, project_id)


@router.get("/radar", response_model=Radar)
def get_radar(session: DbSession, principal: Reader, at: At = None, since: Since = None) -> Radar:
    return radar.radar(session, principal, at=at, since=since)


@router.get("/radar.svg", response_class=Response)
def radar_svg(session: DbSession, principal: Reader, at: At = None, since: Since = None) -> Response:
    return Response(drawing.svg(radar.radar(session, principal, at=at, since=since)), media_type=SVG)


@router.get("/radar/tech-radar.json")
def radar_tech_radar(session: DbSession, principal: Reader, at: At = None, since: Since = None) -> dict[str, Any]:
    """The radar in the open-source tech-radar's JSON (quadrant and ring indices, label, moved)."""
    return radar.tech_radar_json(radar.radar(session, principal, at=at, since=since))


@router.get("/radar/byor.csv", response_class=Response)
def radar_byor(session: DbSession, principal: Reader, at: At = None, since: Since = None) -> Response:
    """The radar as the build-your-own-radar CSV (name, ring, quadrant, isNew, description)."""
    view = radar.radar(session, principal, at=at, since=since)
    headers = {"Content-Disposition": f'attachment; filename="edt-radar-{view.at.isoformat()}.csv"'}
    return Response(radar.byor_csv(view), media_type="text/csv; charset=utf-8", headers=headers)


@router.get("/stix", response_class=Response)
def export_stix(session: DbSession, principal: Reader) -> Response:
    """The watch as a STIX 2.1 bundle (the EDT property extension, docs/edt.md), as the caller may read it."""
    objects = stix.export_objects(session, principal)
    bundle: dict[str, Any] = {"type": "bundle", "id": f"bundle--{stix.bundle_uuid(objects)}", "objects": objects}
    return Response(orjson.dumps(bundle), media_type="application/stix+json;version=2.1")


@router.post("/share", response_model=ExportResult)
def share(session: DbSession, actor: Writer, state: State, collection: Annotated[str, Query()]) -> ExportResult:
    """Store the caller's organisation's EDT records in an intel collection, where partners fetch them over TAXII."""
    return sharing.share_watch(session, actor, collection=collection, accreditation=state.accreditation)


@router.post("/import", status_code=status.HTTP_201_CREATED)
def import_stix(bundle: dict[str, Any], session: DbSession, actor: Writer, state: State) -> dict[str, int]:
    """Build technologies (with their history) and signals from a STIX bundle; the new ids by STIX id."""
    objects = bundle.get("objects")
    if bundle.get("type") != "bundle" or not isinstance(objects, list):
        raise InvalidInput("expected a STIX bundle (type 'bundle' with an 'objects' list)")
    return sharing.import_objects(session, actor, objects=objects, accreditation=state.accreditation)
