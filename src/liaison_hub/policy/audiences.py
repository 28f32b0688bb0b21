"""Store each distinct marking once as an audience; validate markings against the directory and accreditation."""

from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from liaison_hub.db.maintenance import engine_of
from liaison_hub.errors import AboveAccreditation, InvalidInput
from liaison_hub.models import (
    Audience,
    AudienceGrouping,
    AudienceNation,
    AudienceRecipient,
    Grouping,
    Nation,
    Organisation,
)
from liaison_hub.policy.levels import TLP, Level, parse_classification
from liaison_hub.policy.marking import Marking

AUDIENCES_MADE = "policy.audiences_made"
"""Set in ``Session.info`` when a transaction adds an audience (``policy.visibility`` then skips its cache)."""


def check_marking(marking: Marking, accreditation: Level) -> None:
    """Refuse markings the hub may not hold or that make no sense, before anything is written."""
    level = parse_classification(marking.classification)
    if level.rank > accreditation.rank:
        raise AboveAccreditation(
            f"classification {level.name} is above this hub's accreditation ({accreditation.name})"
        )
    if marking.tlp is TLP.red and not marking.recipients and not marking.owner_only:
        raise InvalidInput("TLP:RED needs named recipients (organisations)")
    if marking.recipients and marking.tlp not in (TLP.red, TLP.amber_strict):
        raise InvalidInput("named recipients are allowed only with TLP:RED or TLP:AMBER+STRICT")


def _resolve_releasable(session: Session, codes: tuple[str, ...]) -> tuple[list[str], list[int]]:
    groupings = dict(session.execute(select(Grouping.code, Grouping.id).where(Grouping.code.in_(codes))).all())
    nation_codes = [code for code in codes if code not in groupings]
    known = set(session.scalars(select(Nation.code).where(Nation.code.in_(nation_codes))))
    unknown = sorted(set(nation_codes) - known)
    if unknown:
        raise InvalidInput(f"releasable_to names unknown nations or groupings: {', '.join(unknown)}")
    return nation_codes, list(groupings.values())


def _owner_nation(session: Session, marking: Marking) -> str | None:
    if marking.owner_organisation_id is None:
        return None
    org = session.get(Organisation, marking.owner_organisation_id)
    if org is None:
        raise InvalidInput(f"unknown owner organisation {marking.owner_organisation_id}")
    return org.nation_code


_KNOWN: dict[tuple[str, str], int] = {}
"""Audience ids by database and key, of audiences found committed: audiences are never changed nor deleted, so a key
once found keeps its id in its database. Ids made by a transaction are not kept here (it might roll back)."""
_KNOWN_LIMIT = 100_000


def database_of(session: Session) -> str:
    """Which database a session works on (caches of what a database holds are kept per database)."""
    return engine_of(session).url.render_as_string(hide_password=True)


def audience_id_for(session: Session, marking: Marking, *, accreditation: Level) -> int:
    """``audience_for``'s id, without a query once the audience is known (ingest resolves one per distinct marking
    of every request)."""
    check_marking(marking, accreditation)
    found = _KNOWN.get((database_of(session), hashlib.sha256(marking.key().encode()).hexdigest()))
    return found if found is not None else audience_for(session, marking, accreditation=accreditation).id


def audience_for(session: Session, marking: Marking, *, accreditation: Level) -> Audience:
    """Return the audience of ``marking``, creating it (and its expansion rows) the first time it is seen."""
    check_marking(marking, accreditation)
    key = hashlib.sha256(marking.key().encode()).hexdigest()
    existing = session.scalar(select(Audience).where(Audience.key == key))
    if existing is not None:
        if not session.info.get(AUDIENCES_MADE) and len(_KNOWN) < _KNOWN_LIMIT:
            _KNOWN[(database_of(session), key)] = existing.id
        return existing
    nations, grouping_ids = _resolve_releasable(session, marking.releasable_to or ())
    owner_nation = _owner_nation(session, marking)
    if marking.recipients:
        found = set(session.scalars(select(Organisation.id).where(Organisation.id.in_(marking.recipients))))
        missing = sorted(set(marking.recipients) - found)
        if missing:
            raise InvalidInput(f"unknown recipient organisations: {', '.join(map(str, missing))}")
    audience = Audience(
        key=key,
        tlp=marking.tlp.value,
        classification=marking.classification,
        classification_rank=marking.classification_rank,
        owner_organisation_id=marking.owner_organisation_id,
        owner_nation_code=owner_nation,
        releasable_to=list(marking.releasable_to or ()),
        recipients=list(marking.recipients),
        restricts_nations=marking.releasable_to is not None,
        releasable_empty=marking.releasable_to == (),
        has_recipients=bool(marking.recipients),
        owner_only=marking.owner_only,
    )
    session.info[AUDIENCES_MADE] = True
    try:
        with session.begin_nested():
            session.add(audience)
            session.flush()
            session.add_all(AudienceNation(audience_id=audience.id, nation_code=n) for n in nations)
            session.add_all(AudienceGrouping(audience_id=audience.id, grouping_id=g) for g in grouping_ids)
            session.add_all(AudienceRecipient(audience_id=audience.id, organisation_id=o) for o in marking.recipients)
            session.flush()
    except IntegrityError:
        # Another transaction created the same audience first; use theirs.
        found_audience = session.scalar(select(Audience).where(Audience.key == key))
        if found_audience is None:
            raise
        return found_audience
    return audience


def marking_of(audience: Audience) -> Marking:
    return Marking(
        tlp=audience.tlp,
        classification=audience.classification,
        releasable_to=audience.releasable,
        recipients=tuple(audience.recipients),
        owner_organisation_id=audience.owner_organisation_id,
        owner_only=audience.owner_only,
    )
