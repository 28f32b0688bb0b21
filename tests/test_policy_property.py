"""Property test of the marking policy: for random directories, markings and principals stored in the real
database, the SQL filter (``visible_audiences`` / ``readable``) agrees with the pure-Python reference ``may_read``."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Integer, delete, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from liaison_hub.db.engine import create_db_engine, make_session_factory
from liaison_hub.models import Audience, Grouping, GroupingMember, Organisation
from liaison_hub.policy import (
    ANONYMOUS,
    TLP,
    Marking,
    Principal,
    audience_for,
    classification_levels,
    readable,
    visible_audiences,
)
from liaison_hub.policy.reference import DirectoryView, may_read
from tests.conftest import Database

NATIONS = ("AUS", "JPN", "KOR", "NZL", "BEL", "FRA", "USA", "BRA")
SEEDED_GROUPINGS = ("ALLIANCE", "AP4")
NEW_GROUPINGS = ("GRP0", "GRP1")
LEVELS = tuple(level.code for level in classification_levels())


class ProbeBase(DeclarativeBase):
    """A metadata of its own, so the probe table never reaches the hub's models or migrations."""


class PolicyProbe(ProbeBase):
    """A stand-in shareable table: one row per marking, filtered through ``readable`` like any real record."""

    __tablename__ = "policy_probe"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    audience_id: Mapped[int] = mapped_column(Integer, index=True)


@dataclass(frozen=True)
class MarkingSpec:
    tlp: TLP
    classification: str
    releasable_to: frozenset[str]
    recipients: frozenset[int]  # indices into Scenario.organisations
    owner: int | None


@dataclass(frozen=True)
class Scenario:
    groupings: dict[str, frozenset[str]]
    organisations: tuple[str | None, ...]  # each organisation's nation; None for an alliance body
    markings: tuple[MarkingSpec, ...]
    users: tuple[tuple[int, int], ...]  # (organisation index, clearance rank)
    peers: tuple[tuple[str, int], ...]  # (nation, clearance rank): a principal with a nation but no organisation


@st.composite
def marking_specs(draw: st.DrawFn, codes: tuple[str, ...], organisations: int) -> MarkingSpec:
    tlp = draw(st.sampled_from(TLP))
    org_index = st.integers(0, organisations - 1)
    recipients: frozenset[int] = frozenset()
    if tlp is TLP.red:
        recipients = draw(st.frozensets(org_index, min_size=1, max_size=3))
    elif tlp is TLP.amber_strict:
        recipients = draw(st.frozensets(org_index, max_size=3))
    return MarkingSpec(
        tlp=tlp,
        classification=draw(st.sampled_from(LEVELS)),
        releasable_to=draw(st.frozensets(st.sampled_from(codes), max_size=4)),
        recipients=recipients,
        owner=draw(st.none() | org_index),
    )


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    members = st.frozensets(st.sampled_from(NATIONS))
    names = SEEDED_GROUPINGS + NEW_GROUPINGS[: draw(st.integers(0, len(NEW_GROUPINGS)))]
    groupings = {code: draw(members) for code in names}
    organisations = tuple(draw(st.lists(st.none() | st.sampled_from(NATIONS), min_size=1, max_size=5)))
    codes = NATIONS + tuple(groupings)
    clearance = st.integers(0, len(LEVELS) - 1)
    return Scenario(
        groupings=groupings,
        organisations=organisations,
        markings=tuple(draw(st.lists(marking_specs(codes, len(organisations)), min_size=1, max_size=6))),
        users=tuple(draw(st.lists(st.tuples(st.integers(0, len(organisations) - 1), clearance), max_size=6))),
        peers=tuple(draw(st.lists(st.tuples(st.sampled_from(NATIONS), clearance), max_size=2))),
    )


def _store_directory(session: Session, scenario: Scenario) -> list[int]:
    """Give the seeded groupings the scenario's members, add its groupings and organisations; return org ids."""
    seeded = select(Grouping.code, Grouping.id).where(Grouping.code.in_(SEEDED_GROUPINGS))
    existing: dict[str, int] = {code: id_ for code, id_ in session.execute(seeded)}
    session.execute(delete(GroupingMember).where(GroupingMember.grouping_id.in_(existing.values())))
    new = [Grouping(code=code, name=f"Grouping {code}") for code in scenario.groupings if code not in existing]
    orgs = [
        Organisation(name=f"Probe organisation {i}", short_name=f"PROBE-{i}", nation_code=nation)
        for i, nation in enumerate(scenario.organisations)
    ]
    session.add_all([*new, *orgs])
    session.flush()
    ids = existing | {g.code: g.id for g in new}
    session.add_all(
        GroupingMember(grouping_id=ids[code], nation_code=nation)
        for code, nations in scenario.groupings.items()
        for nation in sorted(nations)
    )
    session.flush()
    return [org.id for org in orgs]


def _marking(spec: MarkingSpec, org_ids: list[int]) -> Marking:
    return Marking(
        tlp=spec.tlp,
        classification=spec.classification,
        releasable_to=tuple(spec.releasable_to),
        recipients=tuple(org_ids[i] for i in spec.recipients),
        owner_organisation_id=None if spec.owner is None else org_ids[spec.owner],
    )


def _principals(scenario: Scenario, org_ids: list[int]) -> Iterator[Principal]:
    for n, (org, clearance) in enumerate(scenario.users):
        yield Principal(
            username=f"user-{n}",
            user_id=n + 1,
            organisation_id=org_ids[org],
            nation_code=scenario.organisations[org],
            clearance_rank=clearance,
        )
    for n, (nation, clearance) in enumerate(scenario.peers):
        yield Principal(f"peer-{n}", None, None, nation, clearance, kind="peer")
    yield ANONYMOUS


def check_scenario(session: Session, scenario: Scenario) -> None:
    """Store the scenario, then compare the SQL filter with the reference for every principal."""
    org_ids = _store_directory(session, scenario)
    markings = [_marking(spec, org_ids) for spec in scenario.markings]
    top = classification_levels()[-1]
    audience_ids = [audience_for(session, marking, accreditation=top).id for marking in markings]
    probes = [PolicyProbe(audience_id=audience_id) for audience_id in audience_ids]
    session.add_all(probes)
    session.flush()
    view = DirectoryView(
        grouping_members=scenario.groupings, organisation_nation=dict(zip(org_ids, scenario.organisations, strict=True))
    )
    ours = select(Audience.id).where(Audience.id.in_(audience_ids))
    for principal in _principals(scenario, org_ids):
        allowed = [may_read(marking, principal, view) for marking in markings]
        expected_audiences = {a for a, ok in zip(audience_ids, allowed, strict=True) if ok}
        expected_probes = {p.id for p, ok in zip(probes, allowed, strict=True) if ok}
        visible = set(session.scalars(ours.where(Audience.id.in_(visible_audiences(principal)))))
        assert visible == expected_audiences, principal
        assert set(session.scalars(readable(select(PolicyProbe.id), principal))) == expected_probes, principal


@pytest.fixture
def policy_session(database: Database) -> Iterator[Session]:
    """One outer transaction for the whole property test, rolled back at the end."""
    engine = create_db_engine(database.url)
    session = make_session_factory(engine)()
    ProbeBase.metadata.create_all(session.connection())
    yield session
    session.rollback()
    session.close()
    engine.dispose()


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(scenario=scenarios())
def test_sql_filter_agrees_with_reference(policy_session: Session, scenario: Scenario) -> None:
    savepoint = policy_session.begin_nested()
    try:
        check_scenario(policy_session, scenario)
    finally:
        savepoint.rollback()
