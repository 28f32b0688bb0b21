"""EDT pages: the radar (inline SVG, date and since filters, export links), a technology with its readiness chart
and history, and the signal inbox with promotion (projects: ``web/edt_projects.py``). Writers get the forms; a
refused form is shown again with the service's message (422) and nothing saved."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from markupsafe import Markup
from sqlalchemy.orm import Session

from liaison_hub.api.deps import DbSession, State
from liaison_hub.edt import chart, drawing, radar, service, signals
from liaison_hub.edt.areas import catalogue
from liaison_hub.edt.schemas import HistoryIn, PromoteIn, SignalCreate, TechnologyCreate
from liaison_hub.errors import HubError, InvalidInput
from liaison_hub.models import Audience
from liaison_hub.policy.principal import Principal
from liaison_hub.policy.schemas import MarkingIn
from liaison_hub.web.deps import SignedIn, WebWriter
from liaison_hub.web.errors import page_router
from liaison_hub.web.forms import ChoiceFields, TextField, comma_list, parse_form
from liaison_hub.web.rendering import NAV_ITEMS, NavItem, flash, redirect, render
from liaison_hub.web.security import Csrf

router = page_router(prefix="/edt")
NAV_ITEMS.append(NavItem("EDT", "/edt", order=45))


def _audiences(session: Session, ids: Iterable[int]) -> list[Audience]:
    return list(service.audiences(session, ids).values())


def _date(text: str, what: str) -> date | None:
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"{what}: {text[:20]!r} is not a date (YYYY-MM-DD)") from None


def marking_from(values: dict[str, str]) -> MarkingIn:
    return MarkingIn(
        tlp=values.get("tlp", "green") or "green",
        classification=values.get("classification", "NU") or "NU",
        releasable_to=comma_list(values.get("releasable_to", "")) or None,
    )


def _radar_page(
    request: Request,
    session: Session,
    principal: Principal,
    query: dict[str, str],
    error: HubError | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    try:
        view = radar.radar(session, principal, at=_date(query["at"], "date"), since=_date(query["since"], "since"))
    except HubError as exc:
        error = error or exc
        view = radar.radar(session, principal)
    ids = [e.technology_id for e in view.entries]
    techs = service.technologies_by_ids(session, principal, ids)
    audience_ids = {t.audience_id for t in techs.values()} | service.history_audience_ids(session, principal, ids)
    context: dict[str, Any] = {
        "radar": view,
        "svg": Markup(drawing.svg(view)),  # noqa: S704 - drawn by edt.drawing, every text escaped there
        "query": query,
        "areas": catalogue().areas,
        "rings": catalogue().rings,
        "error": error.message if error else None,
        "values": values or {},
    }
    status = error.status if error else 200
    return render(request, "edt/radar.html", context, audiences=_audiences(session, audience_ids), status_code=status)


@router.get("")
def radar_page(request: Request, session: DbSession, viewer: SignedIn, at: str = "", since: str = "") -> Response:
    """The radar as the viewer may read it, at a date and with moves since another."""
    return _radar_page(request, session, viewer.principal, {"at": at[:20], "since": since[:20]})


@router.post("/technologies")
def create_technology(
    request: Request,
    session: DbSession,
    actor: WebWriter,
    state: State,
    _: Csrf,
    name: TextField = "",
    description: TextField = "",
    area: ChoiceFields = None,
    readiness: TextField = "",
    ring: TextField = "",
    effective_on: TextField = "",
    horizon: TextField = "mid",
    tlp: TextField = "green",
    classification: TextField = "NU",
    releasable_to: TextField = "",
) -> Response:
    values = {
        "name": name,
        "description": description,
        "readiness": readiness,
        "ring": ring,
        "effective_on": effective_on,
        "horizon": horizon,
        "tlp": tlp,
        "classification": classification,
        "releasable_to": releasable_to,
    }
    try:
        data = parse_form(
            TechnologyCreate,
            name=name,
            description=description,
            areas=area or [],
            readiness=readiness,
            ring=ring,
            effective_on=effective_on,
            horizon=horizon,
            marking=marking_from(values),
        )
        row = service.create_technology(session, actor, data=data, accreditation=state.accreditation)
    except HubError as exc:
        session.rollback()
        return _radar_page(request, session, actor.principal, {"at": "", "since": ""}, exc, values)
    flash(request, "Technology added.", "success")
    return redirect(f"/edt/technologies/{row.id}")


def _technology_page(
    request: Request,
    session: Session,
    principal: Principal,
    technology_id: int,
    error: HubError | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    read = service.technology_read(session, principal, technology_id)
    tech = service.technology(session, principal, technology_id)
    context = {
        "technology": read,
        "chart": Markup(chart.readiness_svg(read.history, service.today_utc())),  # noqa: S704 - escaped in edt.chart
        "rings": catalogue().rings,
        "error": error.message if error else None,
        "values": values or {},
    }
    ids = {tech.audience_id} | service.history_audience_ids(session, principal, [technology_id])
    status = error.status if error else 200
    return render(request, "edt/technology.html", context, audiences=_audiences(session, ids), status_code=status)


@router.get("/technologies/{technology_id}")
def technology_page(technology_id: int, request: Request, session: DbSession, viewer: SignedIn) -> Response:
    """A technology with its readiness chart, its history as the viewer may read it, signals and projects."""
    return _technology_page(request, session, viewer.principal, technology_id)


@router.post("/technologies/{technology_id}/history")
def add_history(
    technology_id: int,
    request: Request,
    session: DbSession,
    actor: WebWriter,
    state: State,
    _: Csrf,
    effective_on: TextField = "",
    readiness: TextField = "",
    ring: TextField = "",
    reason: TextField = "",
    evidence: TextField = "",
    tlp: TextField = "",
    classification: TextField = "NU",
    releasable_to: TextField = "",
) -> Response:
    """Record a readiness level and ring; an empty TLP keeps the technology's marking."""
    values = {
        "effective_on": effective_on,
        "readiness": readiness,
        "ring": ring,
        "reason": reason,
        "evidence": evidence,
    }
    marking = (
        marking_from({"tlp": tlp, "classification": classification, "releasable_to": releasable_to}) if tlp else None
    )
    try:
        data = parse_form(
            HistoryIn,
            effective_on=effective_on,
            readiness=readiness,
            ring=ring,
            reason=reason,
            evidence=evidence,
            marking=marking,
        )
        service.add_history(session, actor, technology_id=technology_id, data=data, accreditation=state.accreditation)
    except HubError as exc:
        session.rollback()
        return _technology_page(request, session, actor.principal, technology_id, exc, values)
    flash(request, "Readiness recorded.", "success")
    return redirect(f"/edt/technologies/{technology_id}")


def _signals_page(
    request: Request,
    session: Session,
    principal: Principal,
    show: str,
    error: HubError | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    rows = signals.list_signals(session, principal, status="new" if show == "new" else None)
    context = {
        "signals": signals.signal_reads(session, principal, rows),
        "technologies": service.list_technologies(session, principal),
        "show": show,
        "rings": catalogue().rings,
        "error": error.message if error else None,
        "values": values or {},
    }
    status = error.status if error else 200
    audiences = _audiences(session, [r.audience_id for r in rows])
    return render(request, "edt/signals.html", context, audiences=audiences, status_code=status)


@router.get("/signals")
def signals_page(request: Request, session: DbSession, viewer: SignedIn, show: str = "new") -> Response:
    """The signal inbox (new signals) or every signal, with promotion for writers."""
    return _signals_page(request, session, viewer.principal, "all" if show == "all" else "new")


@router.post("/signals")
def create_signal(
    request: Request,
    session: DbSession,
    actor: WebWriter,
    state: State,
    _: Csrf,
    kind: TextField = "",
    title: TextField = "",
    summary: TextField = "",
    url: TextField = "",
    observed_on: TextField = "",
    confidence: TextField = "",
    impact: TextField = "medium",
    technology: ChoiceFields = None,
    tlp: TextField = "green",
    classification: TextField = "NU",
    releasable_to: TextField = "",
) -> Response:
    values = {"kind": kind, "title": title, "summary": summary, "url": url, "observed_on": observed_on}
    values |= {"confidence": confidence, "impact": impact, "tlp": tlp, "classification": classification}
    values["releasable_to"] = releasable_to
    try:
        data = parse_form(
            SignalCreate,
            kind=kind,
            title=title,
            summary=summary,
            url=url or None,
            observed_on=observed_on,
            confidence=confidence,
            impact=impact,
            technologies=[int(t) for t in technology or [] if t.isdigit()],
            marking=marking_from(values),
        )
        signals.create_signal(session, actor, data=data, accreditation=state.accreditation)
    except HubError as exc:
        session.rollback()
        return _signals_page(request, session, actor.principal, "new", exc, values)
    flash(request, "Signal recorded.", "success")
    return redirect("/edt/signals")


@router.post("/signals/{signal_id}/promote")
def promote_signal(
    signal_id: int,
    request: Request,
    session: DbSession,
    actor: WebWriter,
    state: State,
    _: Csrf,
    technology: TextField = "",
    readiness: TextField = "",
    ring: TextField = "",
    reason: TextField = "",
) -> Response:
    """Move a technology on the strength of the signal."""
    try:
        data = parse_form(
            PromoteIn,
            technology_id=technology,
            readiness=readiness or None,
            ring=ring or None,
            reason=reason,
        )
        signals.promote(session, actor, signal_id=signal_id, data=data, accreditation=state.accreditation)
    except HubError as exc:
        session.rollback()
        return _signals_page(request, session, actor.principal, "new", exc)
    flash(request, "Signal promoted.", "success")
    return redirect(f"/edt/technologies/{data.technology_id}")


@router.post("/signals/{signal_id}/dismiss")
def dismiss_signal(signal_id: int, request: Request, session: DbSession, actor: WebWriter, _: Csrf) -> Response:
    signals.dismiss(session, actor, signal_id=signal_id)
    flash(request, "Signal dismissed.", "info")
    return redirect("/edt/signals")
