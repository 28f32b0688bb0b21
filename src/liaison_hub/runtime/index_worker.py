"""The server's index worker: drains the correlation index queue after the writers' commits.

A TAXII POST only queues its batches; the worker indexes them later, up to ``MAX_BATCHES`` batches per
transaction, so that the value index, whose keys are random, is written in key order many batches at a time rather
than page by page inside every POST. Queries never wait for it: each catches up first (``service.catch_up``), so
answers are exact whatever the worker has reached.

It waits while batches keep arriving and starts once none has been queued for ``QUIET_S``, or when more than
``MAX_BACKLOG`` wait (``Pacing``): indexing next to a push slows the push more than it saves later.

``liaison serve`` runs it as a process of its own (``IndexProcess``), so that a drain during a long push runs on
another core instead of holding the request threads behind the GIL. The process reads and extracts the queued
batches in a read transaction, next to the writers, and takes the write lock only to insert the rows
(``correlation.service.catch_up_in``). As a thread (``IndexWorker``: tests, in-memory databases, the
``index_worker = "thread"`` setting) it drains the same way through the server's own session factory.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
import time
from functools import partial
from multiprocessing.synchronize import Event

from sqlalchemy.orm import Session, sessionmaker

from liaison_hub.db.engine import create_db_engine, make_session_factory, session_scope
from liaison_hub.intel.correlation.repository import queue_state
from liaison_hub.intel.correlation.service import catch_up_in
from liaison_hub.runtime.checkpoint import BACKSTOP_PAGES
from liaison_hub.runtime.threads import ServerThread

log = logging.getLogger(__name__)

EVERY_S = 0.2
QUIET_S = 1.0
MAX_BATCHES = 20
MAX_BACKLOG = 200
QueueState = tuple[int, int | None]


class Pacing:
    """When to drain: the queue has not changed for ``quiet_s`` (writes paused), or more than ``max_backlog``
    batches wait (a long push: the lag of the index, and so the catch-up of the next query, stays bounded)."""

    def __init__(self, *, quiet_s: float = QUIET_S, max_backlog: int = MAX_BACKLOG) -> None:
        self.quiet_s, self.max_backlog = quiet_s, max_backlog
        self.seen: QueueState = (0, None)
        self.since = time.monotonic()

    def due(self, state: QueueState) -> bool:
        """``state`` is ``queue_state``: how many batches wait, and the newest one's id."""
        if state != self.seen:
            self.seen, self.since = state, time.monotonic()
        backlog = state[0]
        return backlog > 0 and (backlog > self.max_backlog or time.monotonic() - self.since >= self.quiet_s)


def _state(factory: sessionmaker[Session]) -> QueueState:
    with session_scope(factory) as session:
        return queue_state(session)


class IndexWorker(ServerThread):
    """The index worker as a daemon thread: every ``every_s`` seconds, drain the queue when ``Pacing`` says so."""

    name = "correlation-index-worker"

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        *,
        every_s: float = EVERY_S,
        quiet_s: float = QUIET_S,
        max_batches: int = MAX_BATCHES,
        max_backlog: int = MAX_BACKLOG,
    ) -> None:
        super().__init__()
        self.session_factory, self.every_s, self.max_batches = session_factory, every_s, max_batches
        self.pacing = Pacing(quiet_s=quiet_s, max_backlog=max_backlog)
        self.indexed = 0

    def drain(self) -> int:
        """Index everything queued, ``max_batches`` batches at a time; the versions indexed."""
        done = drain_in_two_phases(
            self.session_factory, self.session_factory, max_batches=self.max_batches, stopping=self.stopping
        )
        self.indexed += done
        return done

    def run(self) -> None:
        factory = self.session_factory
        while not self.stopping.wait(self.every_s):
            self.indexed += _drain_when_due(
                factory, factory, self.pacing, max_batches=self.max_batches, stopping=self.stopping
            )


def drain_in_two_phases(
    readers: sessionmaker[Session],
    writers: sessionmaker[Session],
    *,
    max_batches: int,
    stopping: threading.Event | Event | None = None,
) -> int:
    """Index everything queued (until ``stopping`` is set), ``max_batches`` at a time: read and extract in one
    transaction of ``readers``, then write what is still queued in a short one of ``writers``. The versions
    indexed. The process passes a read-only engine as ``readers``; the thread, whose reads would wait for the GIL
    anyway, passes its one session factory twice."""
    return catch_up_in(
        partial(session_scope, readers),
        partial(session_scope, writers),
        group=max_batches,
        stopping=None if stopping is None else stopping.is_set,
    )


def _drain_when_due(
    readers: sessionmaker[Session],
    writers: sessionmaker[Session],
    pacing: Pacing,
    *,
    max_batches: int,
    stopping: threading.Event | Event,
) -> int:
    """One round of the worker, thread or process: drain if ``pacing`` says so; the versions indexed."""
    try:
        if pacing.due(_state(readers)):
            return drain_in_two_phases(readers, writers, max_batches=max_batches, stopping=stopping)
    except Exception:  # a locked or unreachable database: the queue waits for the next round
        log.exception("correlation index worker: catch-up failed; retrying")
    return 0


def run_index_process(database_url: str, stop: Event, every_s: float, quiet_s: float, max_batches: int) -> None:
    """The index worker process: drain the queue when ``Pacing`` says so, until ``stop`` is set or the server that
    started it is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the server stops this process
    logging.basicConfig(level=logging.INFO, format="%(levelname)s:     %(name)s: %(message)s")
    parent = os.getppid()
    # The server's checkpointer copies the WAL back; this process's commits only keep the backstop.
    reader = create_db_engine(database_url, read_only=True, sqlite_autocheckpoint=BACKSTOP_PAGES)
    writer = create_db_engine(database_url, sqlite_autocheckpoint=BACKSTOP_PAGES)
    readers, writers = make_session_factory(reader), make_session_factory(writer)
    pacing = Pacing(quiet_s=quiet_s)
    try:
        while not stop.wait(every_s) and os.getppid() == parent:
            _drain_when_due(readers, writers, pacing, max_batches=max_batches, stopping=stop)
    finally:
        reader.dispose()
        writer.dispose()


class IndexProcess:
    """The index worker as a process of its own, started and stopped like a ``ServerThread``."""

    join_timeout_s = 30.0

    def __init__(
        self,
        database_url: str,
        *,
        every_s: float = EVERY_S,
        quiet_s: float = QUIET_S,
        max_batches: int = MAX_BATCHES,
    ) -> None:
        context = multiprocessing.get_context("spawn")  # never fork a process that runs threads
        self.stopping = context.Event()
        self.process = context.Process(
            target=run_index_process,
            args=(database_url, self.stopping, every_s, quiet_s, max_batches),
            name="liaison-index-worker",
            daemon=True,
        )

    def start(self) -> None:
        self.process.start()

    def stop(self) -> None:
        """Ask the process to finish its round and wait for it; kill it only if it does not."""
        self.stopping.set()
        if self.process.pid is None:
            return
        self.process.join(self.join_timeout_s)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(self.join_timeout_s)
