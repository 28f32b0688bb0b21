"""EDT signals: trends, weak signals, wild cards and drivers, with their sources and technologies; the inbox of
new ones; promotion of a signal into a technology's history (its readiness or ring, with a reason)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.orm import Session

from liaison_hub.edt import links, service
from liaison_hub.edt import repository as repo
from liaison_hub.edt.marking import audit_write, writer_audience
from liaison_hub.edt.schemas import HistoryIn, NamedRef, PromoteIn, SignalCreate, SignalRead
from liaison_hub.errors import InvalidInput, NotFound
from liaison_hub.models.edt import EdtHistory, EdtLink, EdtSignal
from liaison_hub.policy import rights
from liaison_hub.policy.levels import Level
from liaison_hub.policy.principal import Actor, Principal

SIGNAL = "signal"


def signal(session: Session, principal: Principal, signal_id: int) -> EdtSignal:
    found = repo.get_signal(session, principal, signal_id)
    if found is None:
        raise NotFound(f"no signal {signal_id}")
    return found


def create_signal(
    session: Session, actor: Actor, *, data: SignalCreate, accreditation: Level, stix_uuid: str | None = None
) -> EdtSignal:
    rights.require_write(actor, what="record a signal")
    service.check_not_future(data.observed_on)
    technologies = links.check_technologies(session, actor.principal, data.technologies)
    sources = links.check_sources(session, actor.principal, [(s.kind.value, s.ref) for s in data.sources])
    audience = writer_audience(session, actor, data.marking, accreditation=accreditation)
    row = EdtSignal(
        stix_uuid=stix_uuid or str(uuid.uuid4()),
        kind=data.kind.value,
        title=data.title,
        summary=data.summary,
        url=data.url,
        observed_on=data.observed_on,
        confidence=data.confidence,
        impact=data.impact.value,
        owner_organisation_id=audience.owner_organisation_id,
        audience_id=audience.id,
    )
    session.add(row)
    session.flush()
    pairs = [(links.TECHNOLOGY, str(t)) for t in technologies] + sources
    session.add_all(links.rows(SIGNAL, row.id, pairs))
    session.flush()
    audit_write(
        session,
        actor,
        action="edt.signal.create",
        entity_type="edt_signal",
        entity_id=row.id,
        audience=audience,
        details={"technologies": len(technologies), "sources": len(sources)},
    )
    return row


def promote(session: Session, actor: Actor, *, signal_id: int, data: PromoteIn, accreditation: Level) -> EdtHistory:
    """Move a technology on the strength of a signal: a history entry naming the signal, marked within both the
    technology's and the signal's markings unless the writer gives a marking (still within the technology's)."""
    rights.require_write(actor, what="promote a signal")
    row = signal(session, actor.principal, signal_id)
    if data.readiness is None and data.ring is None:
        raise InvalidInput("promoting a signal moves a readiness level or a ring: give one")
    on = data.effective_on or row.observed_on
    tech = service.technology(session, actor.principal, data.technology_id)
    # The facet a promotion leaves unchanged is taken from the latest entry under the technology's own marking:
    # everyone who may read the new entry may read that one, so no narrower entry's value is carried wider.
    current = repo.latest_entry(session, actor.principal, tech.id, audience_id=tech.audience_id, on=on)
    if current is None:
        raise InvalidInput("the technology has no readiness entry on or before that date")
    ring, readiness = current.ring, current.readiness
    entry = HistoryIn(
        effective_on=on,
        readiness=data.readiness if data.readiness is not None else readiness,
        ring=data.ring or ring,
        reason=data.reason,
        marking=data.marking,
    )
    extra = [] if data.marking is not None else [repo.audiences(session, [row.audience_id])[row.audience_id]]
    history = service.add_history(
        session,
        actor,
        technology_id=data.technology_id,
        data=entry,
        accreditation=accreditation,
        signal_id=row.id,
        extra_parents=extra,
    )
    row.status = "promoted"
    if not repo.technology_linked(session, SIGNAL, row.id, data.technology_id):
        session.add_all(links.rows(SIGNAL, row.id, [(links.TECHNOLOGY, str(data.technology_id))]))
    session.flush()
    return history


def dismiss(session: Session, actor: Actor, *, signal_id: int) -> EdtSignal:
    """Take a signal out of the inbox without moving anything."""
    rights.require_write(actor, what="dismiss a signal")
    row = signal(session, actor.principal, signal_id)
    row.status = "dismissed"
    session.flush()
    audience = repo.audiences(session, [row.audience_id])[row.audience_id]
    audit_write(
        session, actor, action="edt.signal.dismiss", entity_type="edt_signal", entity_id=row.id, audience=audience
    )
    return row


def signal_reads(session: Session, principal: Principal, rows: Sequence[EdtSignal]) -> list[SignalRead]:
    found = repo.links(session, SIGNAL, [r.id for r in rows])
    tech_ids = {int(x.ref) for x in found if x.kind == links.TECHNOLOGY}
    techs = repo.technologies_by_ids(session, principal, tech_ids)
    markings = service.Markings(session)
    sources = links.readable_sources(session, principal, [x for x in found if x.kind != links.TECHNOLOGY])
    by_owner: dict[int, list[EdtLink]] = {}
    for link in found:
        by_owner.setdefault(link.owner_id, []).append(link)
    reads = []
    for row in rows:
        mine = by_owner.get(row.id, [])
        reads.append(
            SignalRead(
                id=row.id,
                stix_id=f"report--{row.stix_uuid}",
                kind=row.kind,
                title=row.title,
                summary=row.summary,
                url=row.url,
                observed_on=row.observed_on,
                confidence=row.confidence,
                impact=row.impact,
                status=row.status,
                technologies=[
                    NamedRef(id=int(x.ref), title=techs[int(x.ref)].name)
                    for x in mine
                    if x.kind == links.TECHNOLOGY and int(x.ref) in techs
                ],
                sources=sources.get(row.id, []),
                marking=markings.read(row.audience_id),
            )
        )
    return reads


def signal_read(session: Session, principal: Principal, signal_id: int) -> SignalRead:
    return signal_reads(session, principal, [signal(session, principal, signal_id)])[0]


list_signals = repo.list_signals
