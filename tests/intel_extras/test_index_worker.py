"""The correlation index queue under real concurrency, on both databases: the server's worker drains it in the
background, and catch-ups running at the same time (worker and queries) index every batch exactly once."""

from __future__ import annotations

import threading
import time

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from liaison_hub.db.engine import session_scope
from liaison_hub.intel import service as intel
from liaison_hub.intel.correlation import service as correlation
from liaison_hub.intel.correlation.worker import IndexWorker
from liaison_hub.models.intel import IntelIndexQueue
from liaison_hub.models.intel_correlation import IntelObservable
from liaison_hub.policy.principal import Actor
from tests.conftest import Database
from tests.factories import principal, threaded_collection
from tests.intel.stixgen import indicator, tlp
from tests.taxii.conftest import NS

BATCHES, PER_BATCH = 12, 25


def _fill(database: Database) -> sessionmaker[Session]:
    """A collection with BATCHES stored, queued batches of PER_BATCH indicators with one address each."""
    _, factory, collection = threaded_collection(database, "queued")
    with session_scope(factory) as session:
        analyst = Actor(principal(session, "analyst-jp"), "test")
        for b in range(BATCHES):
            objects = [indicator(f"10.9.{b}.{i}", markings=(tlp("green"),)) for i in range(PER_BATCH)]
            intel.ingest(
                session, analyst, collection=collection, objects=objects, accreditation=NS, batch_size=PER_BATCH
            )
    return factory


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
    patient = IndexWorker(factory, quiet_s=60, max_backlog=BATCHES)
    due, seen, since = patient._due((0, None), time.monotonic())  # the queue just grew: writers are busy
    assert not due
    assert seen[0] == BATCHES
    assert not patient._due(seen, since)[0]  # unchanged, but not for 60 s yet
    assert IndexWorker(factory, quiet_s=0, max_backlog=BATCHES)._due(seen, since)[0]  # quiet long enough
    assert IndexWorker(factory, quiet_s=60, max_backlog=BATCHES - 1)._due((0, None), time.monotonic())[0]  # too long
