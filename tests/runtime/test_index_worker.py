"""The correlation index queue under real concurrency, on both databases: the server's worker (a thread, or a
process of its own reading outside the write lock) drains it in the background, and catch-ups running at the same
time (worker and queries) index every batch exactly once."""

from __future__ import annotations

import threading
import time

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from liaison_hub.db.engine import create_db_engine, make_session_factory, session_scope
from liaison_hub.intel import service as intel
from liaison_hub.intel.correlation import service as correlation
from liaison_hub.intel.correlation.repository import queue_state
from liaison_hub.intel.schemas import ObjectFilters
from liaison_hub.models.intel import IntelIndexQueue, StixObject
from liaison_hub.models.intel_correlation import IntelObservable
from liaison_hub.policy.principal import Actor
from liaison_hub.runtime.index_worker import IndexProcess, IndexWorker, Pacing, drain_in_two_phases
from tests.conftest import Database
from tests.factories import principal, threaded_collection
from tests.intel.stixgen import indicator, tlp
from tests.taxii.conftest import NS

BATCHES, PER_BATCH = 12, 25


def _fill(database: Database) -> sessionmaker[Session]:
    """A collection with BATCHES stored, queued batches of PER_BATCH indicators with one address each."""
    return _filled(database)[0]


def _filled(database: Database) -> tuple[sessionmaker[Session], str]:
    _, factory, collection = threaded_collection(database, "queued")
    with session_scope(factory) as session:
        analyst = Actor(principal(session, "analyst-jp"), "test")
        for b in range(BATCHES):
            objects = [indicator(f"10.9.{b}.{i}", markings=(tlp("green"),)) for i in range(PER_BATCH)]
            intel.ingest(
                session, analyst, collection=collection, objects=objects, accreditation=NS, batch_size=PER_BATCH
            )
    return factory, collection


def _counts(factory: sessionmaker[Session]) -> tuple[int, int]:
    with session_scope(factory) as session:
        queued = session.scalar(select(func.count()).select_from(IntelIndexQueue)) or 0
        indexed = session.scalar(select(func.count()).select_from(IntelObservable)) or 0
    return int(queued), int(indexed)


def test_the_worker_drains_the_queue_in_the_background(database: Database) -> None:
    factory = _fill(database)
    assert _counts(factory) == (BATCHES, 0)
    worker = IndexWorker(factory, every_s=0.02, quiet_s=0.1, max_batches=5)
    worker.start()
    try:
        deadline = time.monotonic() + 30
        while _counts(factory)[0] and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        worker.stop()
    assert _counts(factory) == (0, BATCHES * PER_BATCH)
    assert worker.indexed == BATCHES * PER_BATCH


def test_concurrent_catch_ups_index_every_batch_once(database: Database) -> None:
    factory = _fill(database)
    indexed: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(3)

    def catch_up() -> None:
        try:
            start.wait()
            for _ in range(BATCHES):
                with session_scope(factory) as session:
                    indexed.append(correlation.catch_up(session, max_batches=2))
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=catch_up) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert sum(indexed) == BATCHES * PER_BATCH
    assert _counts(factory) == (0, BATCHES * PER_BATCH)
    with session_scope(factory) as session:
        found = correlation.search(session, principal(session, "analyst-au"), value="10.9.3.7")
    assert found.count == 1


def test_the_worker_waits_while_batches_keep_arriving_unless_the_backlog_is_long(database: Database) -> None:
    factory = _fill(database)
    with session_scope(factory) as session:
        state = queue_state(session)
    assert state[0] == BATCHES
    patient = Pacing(quiet_s=60, max_backlog=BATCHES)
    assert not patient.due(state)  # the queue just grew: writers are busy
    assert not patient.due(state)  # unchanged, but not for 60 s yet
    quiet = Pacing(quiet_s=0, max_backlog=BATCHES)
    assert quiet.due(state)  # quiet long enough
    assert Pacing(quiet_s=60, max_backlog=BATCHES - 1).due(state)  # too long to wait
    assert not Pacing(quiet_s=0).due((0, None))  # nothing queued


def _wait_until_drained(factory: sessionmaker[Session], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while _counts(factory)[0] and time.monotonic() < deadline:
        time.sleep(0.05)


def test_the_worker_process_drains_the_queue_next_to_the_server(database: Database) -> None:
    factory = _fill(database)
    worker = IndexProcess(database.url, every_s=0.02, quiet_s=0.1, max_batches=5)
    worker.start()
    try:
        _wait_until_drained(factory)
        assert worker.process.is_alive()
    finally:
        worker.stop()
    assert not worker.process.is_alive()
    assert worker.process.exitcode == 0  # stopped on request, not killed
    assert _counts(factory) == (0, BATCHES * PER_BATCH)
    with session_scope(factory) as session:
        found = correlation.search(session, principal(session, "analyst-au"), value="10.9.11.24")
    assert found.count == 1


def test_a_plan_writes_only_batches_still_queued_and_versions_still_stored(database: Database) -> None:
    factory, collection = _filled(database)
    with session_scope(factory) as session:
        plan = correlation.plan_catch_up(session, max_batches=3)
    assert [len(plan.batches), len(plan.observables)] == [3, 3 * PER_BATCH]
    second = plan.batches[1]
    with session_scope(factory) as session:  # meanwhile: a query indexes the first batch, a version is deleted
        assert correlation.catch_up(session, max_batches=1) == PER_BATCH
        doomed = session.scalar(
            select(StixObject.stix_id).where(
                StixObject.collection_id == second.collection_id, StixObject.date_added == second.first_added
            )
        )
        analyst = Actor(principal(session, "analyst-jp"), "test")
        intel.delete_object(session, analyst, collection=collection, stix_id=str(doomed), filters=ObjectFilters())
    with session_scope(factory) as session:
        assert correlation.apply_catch_up(session, plan) == 2 * PER_BATCH - 1
    assert _counts(factory) == (BATCHES - 3, 3 * PER_BATCH - 1)  # the first batch once, nothing of the deleted one
    with session_scope(factory) as session:
        assert correlation.apply_catch_up(session, plan) == 0  # a plan is written at most once
    assert _counts(factory) == (BATCHES - 3, 3 * PER_BATCH - 1)
    with session_scope(factory) as session:
        reader = principal(session, "analyst-au")
        assert correlation.search(session, reader, value="10.9.1.0").count == 0  # the deleted one
        assert correlation.search(session, reader, value="10.9.1.1").count == 1
        assert correlation.search(session, reader, value="10.9.0.3").count == 1  # indexed once, by the query


def test_two_phase_drains_read_outside_the_write_lock(database: Database) -> None:
    factory = _fill(database)
    reader = create_db_engine(database.url, read_only=True)
    try:
        readers = make_session_factory(reader)
        if database.url.startswith("sqlite"):
            with session_scope(factory) as writing, session_scope(readers) as session:
                writing.execute(select(1))  # a writer holds the lock (BEGIN IMMEDIATE): the read phase goes on
                assert len(correlation.plan_catch_up(session, max_batches=BATCHES).batches) == BATCHES
        assert drain_in_two_phases(readers, factory, max_batches=5) == BATCHES * PER_BATCH
    finally:
        reader.dispose()
    assert _counts(factory) == (0, BATCHES * PER_BATCH)
