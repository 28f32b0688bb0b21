"""Correlation on both databases: stored batches are queued and indexed by a catch-up (the server's worker, or the
query itself), so answers are exact right after a write; search, correlations (with their counts and
over-correlation flags) and sightings show only records the asking principal may read."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from liaison_hub.directory import repository as directory
from liaison_hub.errors import NotFound
from liaison_hub.intel import service as intel
from liaison_hub.intel.correlation import service
from liaison_hub.intel.schemas import ObjectFilters
from liaison_hub.models import Audience, Organisation
from liaison_hub.models.intel import IntelIndexQueue, StixObject
from liaison_hub.models.intel_correlation import IntelObservable, IntelSightingLink
from liaison_hub.policy import marking_of
from liaison_hub.policy.principal import Actor
from liaison_hub.policy.reference import DirectoryView, may_read
from tests.factories import principal
from tests.intel_extras.conftest import READERS, indicator, make_collection, marked, sco, sighting, store

MARKINGS: list[dict[str, Any]] = [
    {"level": "clear"},
    {"level": "green"},
    {"level": "amber", "releasable_to": ("JPN",)},
    {"level": "amber", "releasable_to": ("ALLIANCE", "AP4")},
    {"level": "amber", "releasable_to": ("BEL",), "classification": "NC"},
    {"level": "amber+strict", "releasable_to": ("AP4",)},
    {"level": "amber", "releasable_to": ("ALLIANCE", "AP4"), "classification": "NR"},
    {"level": "red", "recipients": ("JPN-NCC",)},
]
_values = itertools.count(1)


def _count(session: Session, table: type[object]) -> int:
    return int(session.scalar(select(func.count()).select_from(table)) or 0)  # type: ignore[call-overload]


def test_ingest_queues_and_the_first_search_indexes_then_finds_every_form(session: Session) -> None:
    make_collection(session)
    objects = [
        indicator("[ipv4-addr:value = '198.51.100.7/32']", "bad host"),
        sco("ipv4-addr", "198.51.100.7"),
        indicator("[domain-name:value = 'Evil.Example.']", "bad domain"),
    ]
    queued = _count(session, IntelIndexQueue)  # the collection's reference objects
    assert store(session, "analyst-jp", objects).stored == 3
    assert (_count(session, IntelObservable), _count(session, IntelIndexQueue)) == (0, queued + 1)  # not indexed yet
    found = service.search(session, principal(session, "analyst-au"), value="198.51.100.7")
    assert (_count(session, IntelObservable), _count(session, IntelIndexQueue)) == (3, 0)
    assert service.catch_up(session) == 0  # nothing left
    assert found.count == 2
    assert {r.stix_id for r in found.records} == {objects[0]["id"], objects[1]["id"]}
    assert {r.name for r in found.records} == {"bad host", "198.51.100.7"}
    assert service.search(session, principal(session, "analyst-au"), value="evil.EXAMPLE").count == 1
    assert service.search(session, principal(session, "analyst-au"), value="192.0.2.1").count == 0


def test_correlations_never_list_or_count_an_invisible_record(session: Session) -> None:
    make_collection(session)
    shared = indicator("[domain-name:value = 'c2.example']", "visible to all")
    japan_only = indicator("[domain-name:value = 'c2.example']", "japan only")
    other = sco("domain-name", "C2.Example")
    store(session, "analyst-jp", [*marked(shared, "green"), *marked(japan_only, "amber", releasable_to=("JPN",))])
    store(session, "analyst-au", marked(other, "clear"))
    korea = principal(session, "reader-kr")
    result = service.correlations(session, korea, collection="shared", stix_id=shared["id"], correlation_limit=20)
    [value] = result.values
    assert (value.kind, value.value, value.count, value.over_correlating) == ("domain-name", "c2.example", 2, False)
    assert [r.stix_id for r in value.records] == [other["id"]]
    japan = principal(session, "analyst-jp")
    result = service.correlations(session, japan, collection="shared", stix_id=shared["id"], correlation_limit=20)
    assert result.values[0].count == 3
    assert {r.stix_id for r in result.values[0].records} == {japan_only["id"], other["id"]}
    with pytest.raises(NotFound):
        service.correlations(session, korea, collection="shared", stix_id=japan_only["id"])
    assert service.search(session, korea, value="c2.example").count == 2


def test_over_correlation_is_decided_over_readable_records_only(session: Session) -> None:
    """Three records mention a value; Korea may read two of them. With a limit of two, the value over-correlates
    for Japan (three readable) but not for Korea, whose flag thus says nothing about the record it cannot read."""
    make_collection(session)
    records = [indicator("[ipv4-addr:value = '203.0.113.9']", f"n{i}") for i in range(3)]
    store(session, "analyst-jp", [*marked(records[0], "clear"), *marked(records[1], "green")])
    store(session, "analyst-jp", marked(records[2], "amber", releasable_to=("JPN",)))
    for username, over, count in (("analyst-jp", True, 3), ("reader-kr", False, 2)):
        who = principal(session, username)
        result = service.correlations(session, who, collection="shared", stix_id=records[0]["id"], correlation_limit=2)
        assert (result.values[0].over_correlating, result.values[0].count) == (over, count)
        assert [r.stix_id for r in result.values[0].records] == ([] if over else [records[1]["id"]])
        found = service.search(session, who, value="203.0.113.9", correlation_limit=2)
        assert (found.over_correlating, found.count, len(found.records)) == (over, count, count)


def _directory(session: Session) -> DirectoryView:
    nations = {o.id: o.nation_code for o in session.scalars(select(Organisation))}
    return DirectoryView(grouping_members=directory.grouping_members(session), organisation_nation=nations)


def _readable_ids(session: Session, username: str, ids: set[str]) -> set[str]:
    """The reference answer: ids of which the user may read at least one stored version (policy.may_read)."""
    view, who = _directory(session), principal(session, username)
    rows = session.execute(select(StixObject.stix_id, Audience).join(Audience).where(StixObject.stix_id.in_(ids)))
    return {stix_id for stix_id, audience in rows if may_read(marking_of(audience), who, view)}


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    choices=st.lists(
        st.tuples(st.sampled_from(range(len(MARKINGS))), st.sampled_from(["analyst-jp", "analyst-be"])),
        min_size=1,
        max_size=7,
    ),
    limit=st.integers(min_value=1, max_value=5),
)
def test_search_and_correlations_match_the_reference_policy(
    session: Session, choices: list[tuple[int, str]], limit: int
) -> None:
    if intel.list_collections(session, principal(session, "admin")) == []:
        make_collection(session)
    n = next(_values)
    value = f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"
    records = []
    for i, (marking, author) in enumerate(choices):
        obj = indicator(f"[ipv4-addr:value = '{value}']", f"r{i}")
        assert store(session, author, marked(obj, **MARKINGS[marking])).refused == 0
        records.append(obj["id"])
    for username in READERS:
        who = principal(session, username)
        expected = _readable_ids(session, username, set(records))
        found = service.search(session, who, value=value, correlation_limit=limit)
        assert {r.stix_id for r in found.records} == expected
        assert (found.count, found.over_correlating) == (len(expected), len(expected) > limit)
        for stix_id in sorted(expected)[:2]:
            result = service.correlations(session, who, collection="shared", stix_id=stix_id, correlation_limit=limit)
            [shared] = result.values
            assert shared.over_correlating == (len(expected) > limit)
            assert shared.count == min(len(expected), limit + 1)
            listed = {r.stix_id for r in shared.records}
            assert listed == (set() if shared.over_correlating else expected - {stix_id})


def test_sightings_link_back_only_when_readable(session: Session) -> None:
    make_collection(session)
    target = indicator("[url:value = 'http://drop.example/x']", "dropper url")
    stamp = target["created"]
    place = {"type": "identity", "spec_version": "2.1", "id": "identity--6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d",
             "created": stamp, "modified": stamp, "name": "Canberra SOC"}  # fmt: skip
    data = {"type": "observed-data", "spec_version": "2.1", "id": "observed-data--1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
            "created": stamp, "modified": stamp, "first_observed": stamp, "last_observed": stamp,
            "number_observed": 1, "object_refs": ["url--0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e"]}  # fmt: skip
    seen = sighting(target["id"], count=4, where_sighted_refs=[place["id"]], last_seen="2025-03-02T00:00:00Z")
    hidden = sighting(target["id"], count=1)
    observed = sighting(target["id"], observed_data_refs=[data["id"]], count=2)
    store(session, "analyst-jp", [*marked(target, "green"), *marked(data, "green")])
    store(session, "analyst-au", [*marked(place, "green"), *marked(seen, "amber", releasable_to=("AP4",))])
    result = store(
        session, "analyst-au", [*marked(hidden, "amber", releasable_to=("AUS",)), *marked(observed, "clear")]
    )
    assert result.refused == 0, result.failures
    assert _count(session, IntelSightingLink) == 0
    assert service.catch_up(session) == _count(session, StixObject)  # every stored version, once
    assert _count(session, IntelSightingLink) == 4
    japan = principal(session, "analyst-jp")
    found = service.sightings(session, japan, collection="shared", stix_id=target["id"])
    assert [(s.sighting.stix_id, s.role, s.count) for s in found] == [
        (observed["id"], "sighting_of", 2),
        (seen["id"], "sighting_of", 4),
    ]
    assert (found[1].where_sighted, found[1].last_seen) == (["Canberra SOC"], "2025-03-02T00:00:00.000Z")
    australia = principal(session, "analyst-au")
    assert len(service.sightings(session, australia, collection="shared", stix_id=target["id"])) == 3
    belgium = principal(session, "analyst-be")
    assert [
        s.sighting.stix_id for s in service.sightings(session, belgium, collection="shared", stix_id=target["id"])
    ] == [observed["id"]]
    through = service.sightings(session, belgium, collection="shared", stix_id=data["id"])
    assert [(s.sighting.stix_id, s.role) for s in through] == [(observed["id"], "observed_data")]


def test_deleting_an_object_removes_its_index_rows_and_reindex_rebuilds_them(session: Session) -> None:
    make_collection(session)
    doomed = indicator("[ipv4-addr:value = '192.0.2.66']", "doomed")
    kept = indicator("[ipv4-addr:value = '192.0.2.66']", "kept")
    store(session, "analyst-jp", [*marked(doomed, "green"), *marked(kept, "green")])
    service.catch_up(session)
    before = {(r.stix_id, r.value_key, r.audience_id) for r in session.scalars(select(IntelObservable))}
    japan = Actor(principal(session, "analyst-jp"), "test")
    intel.delete_object(
        session, japan, collection="shared", stix_id=doomed["id"], filters=ObjectFilters(versions=("all",))
    )
    session.expire_all()
    assert {r.stix_id for r in session.scalars(select(IntelObservable))} == {kept["id"]}
    admin = Actor(principal(session, "admin"), "test")
    store(session, "analyst-jp", marked(doomed, "green"))
    assert service.reindex(session, admin) == _count(session, StixObject)
    assert {(r.stix_id, r.value_key, r.audience_id) for r in session.scalars(select(IntelObservable))} == before
    with pytest.raises(Exception, match="admin"):
        service.reindex(session, japan)


def test_a_catch_up_skips_versions_deleted_before_it_and_a_collection_delete_empties_its_queue(
    session: Session,
) -> None:
    make_collection(session)
    service.catch_up(session)
    doomed = indicator("[ipv4-addr:value = '192.0.2.77']", "doomed")
    kept = indicator("[ipv4-addr:value = '192.0.2.77']", "kept")
    store(session, "analyst-jp", [*marked(doomed, "green"), *marked(kept, "green")])
    japan = Actor(principal(session, "analyst-jp"), "test")
    intel.delete_object(session, japan, collection="shared", stix_id=doomed["id"], filters=ObjectFilters())
    assert service.catch_up(session) == 1  # the kept version: the deleted one is gone, and nothing fails
    assert {r.stix_id for r in session.scalars(select(IntelObservable))} == {kept["id"]}

    store(session, "analyst-jp", marked(indicator("[ipv4-addr:value = '192.0.2.78']", "later"), "green"))
    assert _count(session, IntelIndexQueue) == 1
    intel.delete_collection(session, Actor(principal(session, "admin"), "test"), collection="shared")
    session.expire_all()
    assert (_count(session, IntelIndexQueue), _count(session, IntelObservable)) == (0, 0)
