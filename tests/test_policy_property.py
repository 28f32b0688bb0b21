"""Property test of the marking policy: for random directories, markings and principals stored in the real
database, the SQL filter (``visible_audiences`` / ``readable``) agrees with the pure-Python reference ``may_read``."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Integer, delete, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from liaison_hub.db.engine import create_db_engine, make_session_factory
from liaison_hub.errors import InvalidInput
from liaison_hub.intel.markings import Facets, combine, marking_refs
from liaison_hub.models import Audience, Grouping, GroupingMember, Organisation
from liaison_hub.policy import (
    ANONYMOUS,
    TLP,
    Marking,
    Principal,
    audience_for,
    classification_levels,
    parse_classification,
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


# Several markings on one record: object-level and granular marking-definitions, combined as ingest combines them.

LEVEL_OR_NONE = st.none() | st.sampled_from(LEVELS)


@st.composite
def facet_specs(draw: st.DrawFn, codes: tuple[str, ...], organisations: int) -> Facets:
    """One marking-definition: any of TLP, classification, releasability (unset, empty, a list) and recipients."""
    names = st.frozensets(st.integers(0, organisations - 1).map(lambda i: f"PROBE-{i}"), max_size=3)
    releasable = draw(st.none() | st.just(()) | st.frozensets(st.sampled_from(codes), min_size=1, max_size=4))
    recipients = draw(st.none() | names)
    return Facets(
        tlp=draw(st.none() | st.sampled_from(TLP)),
        classification=draw(LEVEL_OR_NONE),
        releasable_to=None if releasable is None else tuple(sorted(releasable)),
        recipients=None if recipients is None else tuple(sorted(recipients)),
    )


@dataclass(frozen=True)
class MarkedObject:
    facets: tuple[Facets, ...]
    granular: tuple[bool, ...]  # whether each one is sent as a granular marking rather than object-level
    owner: int | None  # index into Scenario.organisations


@dataclass(frozen=True)
class MultiScenario:
    scenario: Scenario
    default: Facets
    objects: tuple[MarkedObject, ...]


@st.composite
def multi_scenarios(draw: st.DrawFn) -> MultiScenario:
    scenario = draw(scenarios())
    codes = NATIONS + tuple(scenario.groupings)
    organisations = len(scenario.organisations)
    default = draw(facet_specs(codes, organisations))
    default = Facets(
        tlp=default.tlp or TLP.amber,
        classification=default.classification or "NU",
        releasable_to=default.releasable_to,
        recipients=default.recipients,
    )
    objects = draw(
        st.lists(
            st.builds(
                MarkedObject,
                facets=st.lists(facet_specs(codes, organisations), min_size=1, max_size=4).map(tuple),
                granular=st.lists(st.booleans(), min_size=4, max_size=4).map(tuple),
                owner=st.none() | st.integers(0, organisations - 1),
            ),
            min_size=1,
            max_size=4,
        )
    )
    return MultiScenario(scenario, default, tuple(objects))


def _as_stix(obj: MarkedObject) -> dict[str, object]:
    """The object as a STIX object marks it: each facet a marking-definition id, object-level or granular."""
    refs = [f"marking-definition--{uuid.uuid5(uuid.NAMESPACE_URL, str(i))}" for i in range(len(obj.facets))]
    level = [ref for ref, granular in zip(refs, obj.granular, strict=False) if not granular]
    granular = [
        {"marking_ref": ref, "selectors": ["description"]} for ref, g in zip(refs, obj.granular, strict=False) if g
    ]
    return {"object_marking_refs": level, "granular_markings": granular}


def allowed_alone(facets: Facets, principal: Principal, owner: int | None, view: DirectoryView) -> bool:
    """Who one marking-definition alone admits: each facet it sets is a constraint (a TLP other than CLEAR: signed
    in; a classification: cleared; a releasability list: its nations, the empty list the owner's nation; recipients:
    those organisations); the owner organisation is admitted by every constraint but clearance."""
    if facets.classification and principal.clearance_rank < parse_classification(facets.classification).rank:
        return False
    if principal.organisation_id is not None and principal.organisation_id == owner:
        return True
    if facets.tlp not in (None, TLP.clear) and principal.is_anonymous:
        return False
    if facets.releasable_to is not None:
        codes = facets.releasable_to or ()
        alone = Marking(tlp="green", releasable_to=codes, owner_organisation_id=owner)
        if principal.is_anonymous or not may_read(alone, principal, view):
            return False
    if facets.recipients is not None:
        org = principal.organisation_id
        return org is not None and f"PROBE-{_index_of(org)}" in facets.recipients
    return True


_ORG_INDEX: dict[int, int] = {}


def _index_of(organisation_id: int) -> int:
    return _ORG_INDEX[organisation_id]


def check_multi(session: Session, multi: MultiScenario) -> None:
    scenario = multi.scenario
    org_ids = _store_directory(session, scenario)
    _ORG_INDEX.clear()
    _ORG_INDEX.update({org_id: i for i, org_id in enumerate(org_ids)})
    view = DirectoryView(
        grouping_members=scenario.groupings, organisation_nation=dict(zip(org_ids, scenario.organisations, strict=True))
    )
    top = classification_levels()[-1]
    for obj in multi.objects:
        owner = None if obj.owner is None else org_ids[obj.owner]
        by_ref = dict(zip(marking_refs(_as_stix(obj)), obj.facets, strict=True))
        combined = combine(by_ref.values(), multi.default, owner_nation=view.organisation_nation.get(owner or -1))
        recipients = tuple(org_ids[int(name.removeprefix("PROBE-"))] for name in combined.recipients or ())
        marking = combined.to_marking(owner_organisation_id=owner, recipient_ids=recipients)
        try:
            audience_id = audience_for(session, marking, accreditation=top).id
        except InvalidInput:
            continue  # refused at the door (TLP:RED without recipients, recipients with GREEN): nothing stored
        for principal in _principals(scenario, org_ids):
            readable_now = session.scalar(
                select(Audience.id).where(Audience.id == audience_id, Audience.id.in_(visible_audiences(principal)))
            )
            expected = may_read(marking, principal, view)
            assert (readable_now is not None) == expected, (marking, principal)
            if expected:
                for facets in obj.facets:
                    assert allowed_alone(facets, principal, owner, view), (facets, marking, principal)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(multi=multi_scenarios())
def test_combined_markings_agree_with_reference_and_only_narrow(policy_session: Session, multi: MultiScenario) -> None:
    savepoint = policy_session.begin_nested()
    try:
        check_multi(policy_session, multi)
    finally:
        savepoint.rollback()
