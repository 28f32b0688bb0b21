"""EDT technologies and their history: create, add a dated readiness level and ring, read. Everything is checked
before anything is written (unknown area or ring, readiness outside 1-9, a date in the future or before the first
entry, a marking above the writer's clearance); services only flush, and every write asks ``policy.rights`` and
is audited with ids, kinds and marking labels only."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pycountry
from sqlalchemy.orm import Session

from liaison_hub.edt import repository as repo
from liaison_hub.edt.areas import Catalogue, catalogue
from liaison_hub.edt.marking import audit_write, narrowed, writer_audience
from liaison_hub.edt.schemas import HistoryIn, HistoryRead, NamedRef, TechnologyCreate, TechnologyRead
from liaison_hub.errors import InvalidInput, NotFound
from liaison_hub.models import Audience
from liaison_hub.models.edt import EdtHistory, EdtInterest, EdtTechnology
from liaison_hub.policy import rights
from liaison_hub.policy.levels import Level
from liaison_hub.policy.principal import Actor, Principal
from liaison_hub.policy.schemas import MarkingIn, MarkingRead, marking_read

READINESS = range(1, 10)


def today_utc() -> date:
    return datetime.now(UTC).date()


def check_readiness(value: int) -> int:
    if value not in READINESS:
        raise InvalidInput(f"readiness {value} is outside 1-9 (technology readiness levels)")
    return value


def check_not_future(on: date, today: date | None = None) -> None:
    limit = today or today_utc()
    if on > limit:
        raise InvalidInput(f"the date {on.isoformat()} is in the future (today is {limit.isoformat()} UTC)")


def check_areas(codes: list[str], known: Catalogue) -> list[str]:
    return [known.area(code.strip().lower()).code for code in dict.fromkeys(codes)]


def _interest(codes: list[tuple[str, str]]) -> list[tuple[str, str]]:
    found = []
    for nation, level in codes:
        code = nation.strip().upper()
        if pycountry.countries.get(alpha_3=code) is None:
            raise InvalidInput(f"unknown nation code {code[:10]!r} (ISO 3166-1 alpha-3, e.g. JPN, KOR)")
        found.append((code, level))
    return found


def technology(session: Session, principal: Principal, technology_id: int) -> EdtTechnology:
    """A technology the principal may read; 404 alike for missing and forbidden."""
    found = repo.get_technology(session, principal, technology_id)
    if found is None:
        raise NotFound(f"no technology {technology_id}")
    return found


def create_technology(
    session: Session,
    actor: Actor,
    *,
    data: TechnologyCreate,
    accreditation: Level,
    stix_uuid: str | None = None,
    today: date | None = None,
) -> EdtTechnology:
    """A technology and its first history entry (under the technology's marking)."""
    rights.require_write(actor, what="add a technology to the watch")
    known = catalogue()
    areas = check_areas(data.areas, known)
    check_readiness(data.readiness)
    ring = known.rings[known.ring_index(data.ring.strip().lower())].code
    check_not_future(data.effective_on, today)
    interest = _interest([(i.nation, i.level.value) for i in data.interest])
    audience = writer_audience(session, actor, data.marking, accreditation=accreditation)
    row = EdtTechnology(
        stix_uuid=stix_uuid or str(uuid.uuid4()),
        name=data.name,
        description=data.description,
        areas=areas,
        horizon=data.horizon.value,
        first_on=data.effective_on,
        owner_organisation_id=audience.owner_organisation_id,
        audience_id=audience.id,
    )
    session.add(row)
    session.flush()
    session.add_all(EdtInterest(technology_id=row.id, nation_code=n, level=lv) for n, lv in dict(interest).items())
    entry = _entry(actor, row, data.effective_on, data.readiness, ring, data.reason, data.evidence, audience)
    session.add(entry)
    session.flush()
    audit_write(
        session,
        actor,
        action="edt.technology.create",
        entity_type="edt_technology",
        entity_id=row.id,
        audience=audience,
        details={"areas": len(areas), "interest": len(interest), "history_entry": entry.id},
    )
    return row


def _entry(
    actor: Actor,
    row: EdtTechnology,
    on: date,
    readiness: int,
    ring: str,
    reason: str,
    evidence: str,
    audience: Audience,
    signal_id: int | None = None,
) -> EdtHistory:
    return EdtHistory(
        technology_id=row.id,
        effective_on=on,
        readiness=readiness,
        ring=ring,
        reason=reason,
        evidence=evidence,
        signal_id=signal_id,
        recorded_by=actor.principal.user_id,
        audience_id=audience.id,
    )


def entry_audience(
    session: Session,
    actor: Actor,
    parents: list[Audience],
    spec: MarkingIn | None,
    *,
    accreditation: Level,
) -> Audience:
    """A history entry's audience: the parents' marking (owned as the technology is), or the writer's marking
    narrowed to within them (owned by the writer's organisation)."""
    if spec is None:
        if len(parents) == 1:
            return parents[0]
        owner = parents[0].owner_organisation_id
        return narrowed(session, parents[:-1], parents[-1], accreditation=accreditation, owner=owner)
    own = writer_audience(session, actor, spec, accreditation=accreditation)
    return narrowed(session, parents, own, accreditation=accreditation)


def add_history(
    session: Session,
    actor: Actor,
    *,
    technology_id: int,
    data: HistoryIn,
    accreditation: Level,
    signal_id: int | None = None,
    extra_parents: list[Audience] | None = None,
    today: date | None = None,
) -> EdtHistory:
    """A new dated readiness level and ring of a technology the writer may read."""
    rights.require_write(actor, what="record a readiness change")
    row = technology(session, actor.principal, technology_id)
    known = catalogue()
    check_readiness(data.readiness)
    ring = known.rings[known.ring_index(data.ring.strip().lower())].code
    check_not_future(data.effective_on, today)
    if data.effective_on < row.first_on:
        raise InvalidInput(
            f"the date {data.effective_on.isoformat()} is before the technology's first entry ({row.first_on})"
        )
    parents = [repo.audiences(session, [row.audience_id])[row.audience_id], *(extra_parents or [])]
    audience = entry_audience(session, actor, parents, data.marking, accreditation=accreditation)
    entry = _entry(actor, row, data.effective_on, data.readiness, ring, data.reason, data.evidence, audience, signal_id)
    session.add(entry)
    session.flush()
    audit_write(
        session,
        actor,
        action="edt.history.add",
        entity_type="edt_history",
        entity_id=entry.id,
        audience=audience,
        details={"technology": row.id, "signal": signal_id},
    )
    return entry


class Markings:
    """Marking descriptions of audiences, loaded once per response."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.names = repo.organisation_names(session)
        self.loaded: dict[int, Audience] = {}

    def read(self, audience_id: int) -> MarkingRead:
        if audience_id not in self.loaded:
            self.loaded.update(repo.audiences(self.session, [audience_id]))
        return marking_read(self.loaded[audience_id], self.names)


def history_reads(session: Session, principal: Principal, technology_id: int) -> list[HistoryRead]:
    rows = repo.history(session, principal, technology_id)
    users = repo.usernames(session, {r.recorded_by for r in rows if r.recorded_by is not None})
    signals = {s.id for s in repo.signals_by_ids(session, principal, {r.signal_id for r in rows if r.signal_id})}
    markings = Markings(session)
    return [
        HistoryRead(
            id=r.id,
            effective_on=r.effective_on,
            readiness=r.readiness,
            ring=r.ring,
            reason=r.reason,
            evidence=r.evidence,
            recorded_by=users.get(r.recorded_by or -1),
            recorded_at=r.recorded_at,
            signal_id=r.signal_id if r.signal_id in signals else None,
            marking=markings.read(r.audience_id),
        )
        for r in rows
    ]


def technology_read(session: Session, principal: Principal, technology_id: int) -> TechnologyRead:
    """A technology as the principal sees it: its readable history, and its current state from that history."""
    row = technology(session, principal, technology_id)
    entries = history_reads(session, principal, row.id)
    latest = entries[-1] if entries else None
    return TechnologyRead(
        id=row.id,
        stix_id=f"grouping--{row.stix_uuid}",
        name=row.name,
        description=row.description,
        areas=list(row.areas),
        horizon=row.horizon,
        readiness=latest.readiness if latest else 0,
        ring=latest.ring if latest else "",
        first_on=row.first_on,
        interest=repo.interest(session, [row.id]).get(row.id, {}),
        history=entries,
        signals=[NamedRef(id=i, title=t) for i, t in repo.linking(session, principal, "signal", row.id)],
        projects=[NamedRef(id=i, title=t) for i, t in repo.linking(session, principal, "project", row.id)],
        marking=Markings(session).read(row.audience_id),
    )


list_technologies = repo.list_technologies
technologies_by_ids = repo.technologies_by_ids
audiences = repo.audiences
history_audience_ids = repo.history_audience_ids
