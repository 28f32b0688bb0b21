"""Concurrent writers (separate connections, as several app processes would be) and a reader polling with
``added_after``: date_added stays unique and in commit order: the reader misses nothing, sees nothing twice."""

from __future__ import annotations

import random
import threading
import time

from sqlalchemy import func, select

from liaison_hub.db.engine import session_scope
from liaison_hub.intel import service
from liaison_hub.intel.schemas import ObjectFilters, PageRequest
from liaison_hub.models.intel import StixObject
from liaison_hub.policy.principal import Actor
from tests.conftest import Database
from tests.factories import principal, threaded_collection
from tests.intel.stixgen import indicator, tlp
from tests.taxii.conftest import NS

WRITERS, ROUNDS, PER_ROUND = 4, 5, 20


def test_concurrent_writers_and_an_added_after_poller(database: Database) -> None:
    engine, factory, collection = threaded_collection(database, "busy")
    written: list[str] = []
    errors: list[BaseException] = []
    done = threading.Event()

    def write(worker: int) -> None:
        try:
            for round_number in range(ROUNDS):
                objects = [
                    indicator(f"10.{worker}.{round_number}.{i}", markings=(tlp("green"),)) for i in range(PER_ROUND)
                ]
                with session_scope(factory) as session:
                    actor = Actor(principal(session, "analyst-jp"), f"worker-{worker}")
                    service.ingest(session, actor, collection=collection, objects=objects, accreditation=NS)
                written.extend(o["id"] for o in objects)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    seen: list[str] = []

    def poll() -> None:
        after: int | None = None
        last_round = False
        while True:
            with session_scope(factory) as session:
                page = service.manifest(
                    session,
                    principal(session, "analyst-au"),
                    collection=collection,
                    filters=ObjectFilters(added_after=after, versions=("all",)),
                    page=PageRequest(limit=7),
                )
            seen.extend(r.stix_id for r in page.rows)
            after = page.last_added if page.rows else after
            if not page.rows:
                if last_round:
                    return
                last_round = done.is_set()
                time.sleep(0.005)

    def linger(_session: object, _stored: object) -> None:
        time.sleep(random.uniform(0, 0.03))  # widen, unevenly, the window between assigning date_added and commit

    threads = [threading.Thread(target=write, args=(w,)) for w in range(WRITERS)]
    poller = threading.Thread(target=poll)
    service.register_batch_hook(linger)
    try:
        poller.start()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        done.set()
        poller.join(timeout=60)
    finally:
        service.unregister_batch_hook(linger)
    assert errors == []
    assert len(written) == WRITERS * ROUNDS * PER_ROUND
    assert len(seen) == len(set(seen)), "nothing seen twice"
    assert set(seen) == set(written), "nothing missed"
    with session_scope(factory) as session:
        rows = session.execute(select(func.count(), func.count(func.distinct(StixObject.date_added)))).one()
    assert rows[0] == rows[1] == len(written)
    engine.dispose()
