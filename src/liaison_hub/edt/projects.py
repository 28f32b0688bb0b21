"""Cooperative EDT projects: participating organisations and nations, status, dated milestones within the
project's dates, linked technologies and consultation decisions."""

from __future__ import annotations

from collections.abc import Sequence

import pycountry
from sqlalchemy.orm import Session

from liaison_hub.edt import links
from liaison_hub.edt import repository as repo
from liaison_hub.edt.marking import audit_write, writer_audience
from liaison_hub.edt.schemas import MilestoneIn, MilestoneRead, NamedRef, ProjectCreate, ProjectRead
from liaison_hub.edt.service import Markings
from liaison_hub.errors import InvalidInput, NotFound
from liaison_hub.models.edt import EdtMilestone, EdtProject
from liaison_hub.policy import rights
from liaison_hub.policy.levels import Level
from liaison_hub.policy.principal import Actor, Principal

PROJECT = "project"


def project(session: Session, principal: Principal, project_id: int) -> EdtProject:
    found = repo.get_project(session, principal, project_id)
    if found is None:
        raise NotFound(f"no project {project_id}")
    return found


def check_milestones(milestones: Sequence[MilestoneIn], starts_on: object, ends_on: object) -> None:
    for m in milestones:
        if not (starts_on <= m.due_on <= ends_on):  # type: ignore[operator]
            raise InvalidInput(
                f"milestone {m.title[:60]!r} is due {m.due_on.isoformat()}, outside the project's dates "
                f"({starts_on} to {ends_on})"
            )


def _nations(codes: list[str]) -> list[str]:
    found = []
    for code in dict.fromkeys(c.strip().upper() for c in codes):
        if pycountry.countries.get(alpha_3=code) is None:
            raise InvalidInput(f"unknown nation code {code[:10]!r} (ISO 3166-1 alpha-3)")
        found.append(code)
    return found


def create_project(session: Session, actor: Actor, *, data: ProjectCreate, accreditation: Level) -> EdtProject:
    rights.require_write(actor, what="record a project")
    if data.ends_on < data.starts_on:
        raise InvalidInput("the project ends before it starts")
    check_milestones(data.milestones, data.starts_on, data.ends_on)
    nations = _nations(data.nations)
    organisations = repo.organisation_ids(session, data.organisations)
    missing = sorted(set(data.organisations) - set(organisations))
    if missing:
        raise InvalidInput(f"unknown organisations: {', '.join(missing)}")
    technologies = links.check_technologies(session, actor.principal, data.technologies)
    decisions = links.check_decisions(session, actor.principal, data.decisions)
    audience = writer_audience(session, actor, data.marking, accreditation=accreditation)
    row = EdtProject(
        name=data.name,
        description=data.description,
        status=data.status.value,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        organisations=[organisations[o] for o in dict.fromkeys(data.organisations)],
        nations=nations,
        owner_organisation_id=audience.owner_organisation_id,
        audience_id=audience.id,
    )
    session.add(row)
    session.flush()
    session.add_all(
        EdtMilestone(project_id=row.id, title=m.title, due_on=m.due_on, done=m.done) for m in data.milestones
    )
    pairs = [(links.TECHNOLOGY, str(t)) for t in technologies] + [(links.DECISION, str(d)) for d in decisions]
    session.add_all(links.rows(PROJECT, row.id, pairs))
    session.flush()
    audit_write(
        session,
        actor,
        action="edt.project.create",
        entity_type="edt_project",
        entity_id=row.id,
        audience=audience,
        details={"milestones": len(data.milestones), "links": len(pairs)},
    )
    return row


def set_milestone(session: Session, actor: Actor, *, project_id: int, milestone_id: int, done: bool) -> EdtMilestone:
    """Mark a milestone done or not: the project's owner organisation (or an administrator)."""
    rights.require_write(actor, what="update a milestone")
    row = project(session, actor.principal, project_id)
    rights.require_owner(actor, row.owner_organisation_id, what="update the project's milestones")
    found = [m for m in repo.milestones(session, [row.id]) if m.id == milestone_id]
    if not found:
        raise NotFound(f"no milestone {milestone_id} in project {project_id}")
    found[0].done = done
    session.flush()
    audience = repo.audiences(session, [row.audience_id])[row.audience_id]
    audit_write(
        session,
        actor,
        action="edt.milestone.update",
        entity_type="edt_project",
        entity_id=row.id,
        audience=audience,
        details={"milestone": milestone_id, "done": done},
    )
    return found[0]


def project_reads(session: Session, principal: Principal, rows: Sequence[EdtProject]) -> list[ProjectRead]:
    ids = [r.id for r in rows]
    found = repo.links(session, PROJECT, ids)
    techs = repo.technologies_by_ids(session, principal, {int(x.ref) for x in found if x.kind == links.TECHNOLOGY})
    decisions = repo.decisions_by_ids(session, principal, {int(x.ref) for x in found if x.kind == links.DECISION})
    stones = repo.milestones(session, ids)
    names = repo.organisation_names(session)
    markings = Markings(session)
    reads = []
    for row in rows:
        mine = [x for x in found if x.owner_id == row.id]
        reads.append(
            ProjectRead(
                id=row.id,
                name=row.name,
                description=row.description,
                status=row.status,
                starts_on=row.starts_on,
                ends_on=row.ends_on,
                organisations=[names.get(o, str(o)) for o in row.organisations],
                nations=list(row.nations),
                milestones=[
                    MilestoneRead(id=m.id, title=m.title, due_on=m.due_on, done=m.done)
                    for m in stones
                    if m.project_id == row.id
                ],
                technologies=[
                    NamedRef(id=int(x.ref), title=techs[int(x.ref)].name)
                    for x in mine
                    if x.kind == links.TECHNOLOGY and int(x.ref) in techs
                ],
                decisions=[
                    NamedRef(id=int(x.ref), title=decisions[int(x.ref)][:300])
                    for x in mine
                    if x.kind == links.DECISION and int(x.ref) in decisions
                ],
                marking=markings.read(row.audience_id),
            )
        )
    return reads


def project_read(session: Session, principal: Principal, project_id: int) -> ProjectRead:
    return project_reads(session, principal, [project(session, principal, project_id)])[0]


list_projects = repo.list_projects
