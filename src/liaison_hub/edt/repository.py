"""EDT reads, every one through ``policy.readable``: technologies, their history, the radar's states at two dates
(computed in SQL over the history entries the reader may read), signals, projects, and the records they link to.
Rows without a marking of their own (interest, milestones, links) are read only for parents already read here."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from liaison_hub.consultations.repository import visible_meetings
from liaison_hub.models import Audience, Grouping, GroupingMember, Organisation, User
from liaison_hub.models.consultations import Decision
from liaison_hub.models.edt import (
    EdtHistory,
    EdtInterest,
    EdtLink,
    EdtMilestone,
    EdtProject,
    EdtSignal,
    EdtTechnology,
)
from liaison_hub.models.fimi import FimiReport
from liaison_hub.models.intel import StixObject
from liaison_hub.policy import readable
from liaison_hub.policy.principal import Principal

RadarRow = tuple[int, str, list[str], str, int, str | None, int | None]
"""(technology id, name, areas, ring, readiness, ring at ``since``, readiness at ``since``)."""


def get_technology(session: Session, principal: Principal, technology_id: int) -> EdtTechnology | None:
    return session.scalar(readable(select(EdtTechnology).where(EdtTechnology.id == technology_id), principal))


def technologies_by_ids(session: Session, principal: Principal, ids: Iterable[int]) -> dict[int, EdtTechnology]:
    stmt = readable(select(EdtTechnology).where(EdtTechnology.id.in_(set(ids))), principal)
    return {t.id: t for t in session.scalars(stmt)}


def list_technologies(session: Session, principal: Principal, *, area: str | None = None) -> Sequence[EdtTechnology]:
    """Technologies the reader may read (carrying ``area`` among their areas, when given), by name."""
    stmt = readable(select(EdtTechnology), principal).order_by(EdtTechnology.name, EdtTechnology.id)
    rows = session.scalars(stmt).all()
    return [t for t in rows if area is None or area in t.areas]


def history(session: Session, principal: Principal, technology_id: int) -> Sequence[EdtHistory]:
    """The entries of a technology the reader may read, oldest first."""
    stmt = readable(select(EdtHistory).where(EdtHistory.technology_id == technology_id), principal)
    return session.scalars(stmt.order_by(EdtHistory.effective_on, EdtHistory.id)).all()


def latest_entry(
    session: Session, principal: Principal, technology_id: int, *, audience_id: int, on: date
) -> EdtHistory | None:
    """The technology's latest entry under ``audience_id`` dated on or before ``on`` that the reader may read."""
    h = EdtHistory
    stmt = select(h).where(h.technology_id == technology_id, h.audience_id == audience_id, h.effective_on <= on)
    stmt = readable(stmt, principal).order_by(h.effective_on.desc(), h.id.desc()).limit(1)
    return session.scalar(stmt)


def states(principal: Principal, at: date, since: date | None) -> Any:
    """Per technology, the latest entry the reader may read dated on or before ``at``, and the latest on or before
    ``since``: one pass over the readable entries (two row numbers, then one conditional aggregate), a subquery of
    (technology_id, ring, readiness, ring_before, readiness_before)."""
    order = (EdtHistory.effective_on.desc(), EdtHistory.id.desc())
    early = EdtHistory.effective_on <= (since if since is not None else date.min)
    inner = readable(
        select(
            EdtHistory.technology_id,
            EdtHistory.ring,
            EdtHistory.readiness,
            early.label("early"),
            func.row_number().over(partition_by=EdtHistory.technology_id, order_by=order).label("latest"),
            func.row_number()
            .over(partition_by=(EdtHistory.technology_id, early), order_by=order)
            .label("latest_early"),
        ).where(EdtHistory.effective_on <= at),
        principal,
        EdtHistory,
    ).subquery()
    now, then = inner.c.latest == 1, and_(inner.c.early, inner.c.latest_early == 1)
    return (
        select(
            inner.c.technology_id,
            func.max(case((now, inner.c.ring))).label("ring"),
            func.max(case((now, inner.c.readiness))).label("readiness"),
            func.max(case((then, inner.c.ring))).label("ring_before"),
            func.max(case((then, inner.c.readiness))).label("readiness_before"),
        )
        .where(or_(now, then))
        .group_by(inner.c.technology_id)
        .subquery()
    )


def radar_rows(
    session: Session, principal: Principal, *, at: date, since: date | None, technology_ids: Iterable[int] | None = None
) -> list[RadarRow]:
    """Technologies the reader may read with their state at ``at`` and, when asked, at ``since``; technologies
    without a readable entry by ``at`` are not on the radar."""
    found = states(principal, at, since)
    stmt = select(
        EdtTechnology.id,
        EdtTechnology.name,
        EdtTechnology.areas,
        found.c.ring,
        found.c.readiness,
        found.c.ring_before,
        found.c.readiness_before,
    ).join(found, found.c.technology_id == EdtTechnology.id)
    stmt = readable(stmt, principal, EdtTechnology)
    if technology_ids is not None:
        stmt = stmt.where(EdtTechnology.id.in_(set(technology_ids)))
    rows = session.execute(stmt.order_by(EdtTechnology.name, EdtTechnology.id)).all()
    return [
        (int(r[0]), str(r[1]), list(r[2]), str(r[3]), int(r[4]), r[5], None if r[6] is None else int(r[6]))
        for r in rows
    ]


def interest(session: Session, technology_ids: Iterable[int]) -> dict[int, dict[str, str]]:
    """Nation -> interest level per technology (for technologies the caller has read)."""
    found: dict[int, dict[str, str]] = {}
    stmt = select(EdtInterest).where(EdtInterest.technology_id.in_(set(technology_ids)))
    for row in session.scalars(stmt.order_by(EdtInterest.nation_code)):
        found.setdefault(row.technology_id, {})[row.nation_code] = row.level
    return found


def links(session: Session, owner_kind: str, owner_ids: Iterable[int]) -> list[EdtLink]:
    """Links of signals or projects the caller has read."""
    stmt = select(EdtLink).where(EdtLink.owner_kind == owner_kind, EdtLink.owner_id.in_(set(owner_ids)))
    return list(session.scalars(stmt.order_by(EdtLink.id)))


def linking(session: Session, principal: Principal, owner_kind: str, technology_id: int) -> list[tuple[int, str]]:
    """(id, title) of readable signals or projects linked to a technology."""
    model: Any = EdtSignal if owner_kind == "signal" else EdtProject
    title = model.title if owner_kind == "signal" else model.name
    stmt = select(model.id, title).join(EdtLink, and_(EdtLink.owner_id == model.id, EdtLink.owner_kind == owner_kind))
    stmt = readable(stmt.where(EdtLink.kind == "technology", EdtLink.ref == str(technology_id)), principal, model)
    return [(int(i), str(t)) for i, t in session.execute(stmt.order_by(title))]


def get_signal(session: Session, principal: Principal, signal_id: int) -> EdtSignal | None:
    return session.scalar(readable(select(EdtSignal).where(EdtSignal.id == signal_id), principal))


def list_signals(session: Session, principal: Principal, *, status: str | None = None) -> Sequence[EdtSignal]:
    stmt = readable(select(EdtSignal), principal)
    if status is not None:
        stmt = stmt.where(EdtSignal.status == status)
    return session.scalars(stmt.order_by(EdtSignal.observed_on.desc(), EdtSignal.id)).all()


def get_project(session: Session, principal: Principal, project_id: int) -> EdtProject | None:
    return session.scalar(readable(select(EdtProject).where(EdtProject.id == project_id), principal))


def list_projects(session: Session, principal: Principal) -> Sequence[EdtProject]:
    stmt = readable(select(EdtProject), principal).order_by(EdtProject.starts_on, EdtProject.name, EdtProject.id)
    return session.scalars(stmt).all()


def milestones(session: Session, project_ids: Iterable[int]) -> list[EdtMilestone]:
    stmt = select(EdtMilestone).where(EdtMilestone.project_id.in_(set(project_ids)))
    return list(session.scalars(stmt.order_by(EdtMilestone.due_on, EdtMilestone.id)))


def reports_by_ids(session: Session, principal: Principal, ids: Iterable[int]) -> dict[int, str]:
    """Report id -> title of the FIMI reports the reader may read."""
    stmt = readable(select(FimiReport.id, FimiReport.title).where(FimiReport.id.in_(set(ids))), principal, FimiReport)
    return {int(i): str(t) for i, t in session.execute(stmt)}


def decisions_by_ids(session: Session, principal: Principal, ids: Iterable[int]) -> dict[int, str]:
    """Decision id -> text of the consultation decisions the reader may read (and whose meeting it may read)."""
    stmt = select(Decision.id, Decision.text).where(
        Decision.id.in_(set(ids)), Decision.meeting_id.in_(visible_meetings(principal))
    )
    return {int(i): str(t) for i, t in session.execute(readable(stmt, principal, Decision))}


def intel_visible(session: Session, principal: Principal, collection_id: int, stix_id: str) -> bool:
    stmt = select(StixObject.id).where(StixObject.collection_id == collection_id, StixObject.stix_id == stix_id)
    return session.scalar(readable(stmt, principal, StixObject).limit(1)) is not None


def intel_visible_pairs(
    session: Session, principal: Principal, pairs: Iterable[tuple[int, str]]
) -> set[tuple[int, str]]:
    """Which (collection id, STIX id) pairs name an object the principal may read, in one query."""
    wanted = set(pairs)
    if not wanted:
        return set()
    o = StixObject
    stmt = select(o.collection_id, o.stix_id).where(
        o.collection_id.in_({c for c, _ in wanted}), o.stix_id.in_({i for _, i in wanted})
    )
    found = {(int(c), str(i)) for c, i in session.execute(readable(stmt, principal, StixObject).distinct())}
    return found & wanted


def audiences(session: Session, ids: Iterable[int]) -> dict[int, Audience]:
    return {a.id: a for a in session.scalars(select(Audience).where(Audience.id.in_(set(ids))))}


def organisation_names(session: Session) -> dict[int, str]:
    return dict(session.execute(select(Organisation.id, Organisation.short_name)).all())


def organisation_ids(session: Session, short_names: Iterable[str]) -> dict[str, int]:
    stmt = select(Organisation.short_name, Organisation.id).where(Organisation.short_name.in_(set(short_names)))
    return {str(s): int(i) for s, i in session.execute(stmt)}


def usernames(session: Session, user_ids: Iterable[int]) -> dict[int, str]:
    stmt = select(User.id, User.username).where(User.id.in_(set(user_ids)))
    return {int(i): str(n) for i, n in session.execute(stmt)}


def grouping_members(session: Session, codes: Iterable[str]) -> dict[str, set[str]]:
    """Grouping code -> its member nations now, for the groupings among ``codes``."""
    found: dict[str, set[str]] = {}
    stmt = (
        select(Grouping.code, GroupingMember.nation_code)
        .join(GroupingMember, GroupingMember.grouping_id == Grouping.id)
        .where(Grouping.code.in_(set(codes)))
    )
    for code, nation in session.execute(stmt):
        found.setdefault(str(code), set()).add(str(nation))
    return found


def nation_of(session: Session, organisation_id: int | None) -> str | None:
    if organisation_id is None:
        return None
    return session.scalar(select(Organisation.nation_code).where(Organisation.id == organisation_id))


def signals_by_ids(session: Session, principal: Principal, ids: Iterable[int]) -> list[EdtSignal]:
    stmt = readable(select(EdtSignal).where(EdtSignal.id.in_(set(ids))), principal)
    return list(session.scalars(stmt))


def technology_linked(session: Session, owner_kind: str, owner_id: int, technology_id: int) -> bool:
    stmt = select(EdtLink.id).where(
        EdtLink.owner_kind == owner_kind,
        EdtLink.owner_id == owner_id,
        EdtLink.kind == "technology",
        EdtLink.ref == str(technology_id),
    )
    return session.scalar(stmt.limit(1)) is not None


def history_audience_ids(session: Session, principal: Principal, technology_ids: Iterable[int]) -> set[int]:
    """Audiences of the readable history entries of these technologies (a page's banner)."""
    stmt = select(EdtHistory.audience_id).where(EdtHistory.technology_id.in_(set(technology_ids))).distinct()
    return {int(i) for i in session.scalars(readable(stmt, principal, EdtHistory))}


def technology_by_stix_uuid(session: Session, principal: Principal, stix_uuid: str) -> EdtTechnology | None:
    stmt = select(EdtTechnology).where(EdtTechnology.stix_uuid == stix_uuid)
    return session.scalar(readable(stmt, principal))
