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
import signal
import time
from collections.abc import Callable
from functools import partial
from multiprocessing.connection import Connection
from multiprocessing.context import SpawnProcess

from sqlalchemy.orm import Session, sessionmaker

from liaison_hub.db.engine import create_db_engine, make_session_factory, session_scope
from liaison_hub.db.maintenance import analyze_if_grown, engine_of
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


GROWING_TABLES = ("stix_object", "intel_observable", "intel_sighting_link")
"""Tables a push grows in bulk: their statistics are refreshed after the worker indexes what was pushed."""


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
            self.session_factory, self.session_factory, max_batches=self.max_batches, stopping=self.stopping.is_set
        )
        self.indexed += done
        return done

    def run(self) -> None:
        factory = self.session_factory
        while not self.stopping.wait(self.every_s):
            self.indexed += _drain_when_due(
                factory, factory, self.pacing, max_batches=self.max_batches, stopping=self.stopping.is_set
            )


def drain_in_two_phases(
    readers: sessionmaker[Session],
    writers: sessionmaker[Session],
    *,
    max_batches: int,
    stopping: Callable[[], bool] | None = None,
) -> int:
    """Index everything queued (until ``stopping()``), ``max_batches`` at a time: read and extract in one
    transaction of ``readers``, then write what is still queued in a short one of ``writers``. The versions
    indexed. The process passes a read-only engine as ``readers``; the thread, whose reads would wait for the GIL
    anyway, passes its one session factory twice."""
    return catch_up_in(
        partial(session_scope, readers), partial(session_scope, writers), group=max_batches, stopping=stopping
    )


def _drain_when_due(
    readers: sessionmaker[Session],
    writers: sessionmaker[Session],
    pacing: Pacing,
    *,
    max_batches: int,
    stopping: Callable[[], bool],
) -> int:
    """One round of the worker, thread or process: drain if ``pacing`` says so; the versions indexed."""
    try:
        if pacing.due(_state(readers)):
            indexed = drain_in_two_phases(readers, writers, max_batches=max_batches, stopping=stopping)
            if indexed:
                with writers() as session:
                    analyze_if_grown(engine_of(session), GROWING_TABLES)
            return indexed
    except Exception:  # a locked or unreachable database: the queue waits for the next round
        log.exception("correlation index worker: catch-up failed; retrying")
    return 0


class _StopSignals:
    """What ends the worker process: the server closing (or losing) its end of ``stop``, or a SIGTERM (from the
    server, or from systemd to the whole process group). A SIGTERM ends the process at once unless it is draining;
    a drain stops between groups of batches, and what it has not written stays queued. Ctrl-C (SIGINT) reaches the
    whole group and is left to the server, which then stops this process."""

    def __init__(self, stop: Connection) -> None:
        self.stop, self.terminated, self.draining = stop, False, False
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, self._terminate)

    def _terminate(self, _signum: int, _frame: object) -> None:
        self.terminated = True
        if not self.draining:
            raise SystemExit(0)

    def wait(self, seconds: float) -> bool:
        """Wait up to ``seconds``; whether the process is to stop."""
        return self.stop.poll(seconds) or self.terminated

    def __call__(self) -> bool:
        return self.terminated or self.stop.poll()

    def ending(self) -> None:
        """The process is stopping anyway: a SIGTERM now (the server sends one right after closing the pipe) is
        ignored, since during interpreter shutdown Python's handler is gone and it would kill the process."""
        signal.signal(signal.SIGTERM, signal.SIG_IGN)


def run_index_process(database_url: str, stop: Connection, every_s: float, quiet_s: float, max_batches: int) -> None:
    """The index worker process: drain the queue when ``Pacing`` says so, until it is told to stop
    (``_StopSignals``)."""
    stopping = _StopSignals(stop)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s:     %(name)s: %(message)s")
    # The server's checkpointer copies the WAL back; this process's commits only keep the backstop.
    reader = create_db_engine(database_url, read_only=True, sqlite_autocheckpoint=BACKSTOP_PAGES)
    writer = create_db_engine(database_url, sqlite_autocheckpoint=BACKSTOP_PAGES)
    readers, writers = make_session_factory(reader), make_session_factory(writer)
    pacing = Pacing(quiet_s=quiet_s)
    try:
        while not stopping.wait(every_s):
            stopping.draining = True
            _drain_when_due(readers, writers, pacing, max_batches=max_batches, stopping=stopping)
            stopping.draining = False
    finally:
        stopping.ending()
        reader.dispose()
        writer.dispose()


class IndexProcess:
    """The index worker as a process of its own, started and stopped like a ``ServerThread``.

    The server tells it to stop by closing its end of a pipe and sending it SIGTERM, neither of which blocks,
    whatever became of the process (a shared event's ``set`` waits for every process that ever waited on it, and
    one killed while waiting never answers). The process is then given ``stop_grace_s`` to end its round, and
    killed if it has not: a round is a transaction, rolled back when it dies, and the batches it did not finish
    stay queued."""

    stop_grace_s = 3.0

    def __init__(
        self,
        database_url: str,
        *,
        every_s: float = EVERY_S,
        quiet_s: float = QUIET_S,
        max_batches: int = MAX_BATCHES,
    ) -> None:
        self.args = (database_url, every_s, quiet_s, max_batches)
        self.context = multiprocessing.get_context("spawn")  # never fork a process that runs threads
        self.stopped = False
        self.process, self._stop = self._new_process()

    def _new_process(self) -> tuple[SpawnProcess, Connection]:
        waits, stop = self.context.Pipe(duplex=False)
        database_url, every_s, quiet_s, max_batches = self.args
        process = self.context.Process(
            target=run_index_process,
            args=(database_url, waits, every_s, quiet_s, max_batches),
            name="liaison-index-worker",
            daemon=True,
        )
        return process, stop

    def start(self) -> None:
        self.process.start()

    def died(self) -> bool:
        """The process ended without being told to (killed, or failed): not merely stopped."""
        return not self.stopped and self.process.exitcode not in (None, 0)

    def restart(self) -> None:
        """A new process in place of one that died."""
        log.warning("correlation index worker exited with code %s; starting a new one", self.process.exitcode)
        self.process.join(0)
        self._stop.close()
        self.process, self._stop = self._new_process()
        self.process.start()

    def stop(self) -> None:
        """Tell the process to stop, wait up to ``stop_grace_s`` for it, then kill it."""
        self.stopped = True
        self._stop.close()
        if self.process.pid is None:
            return
        if self.process.is_alive():
            self.process.terminate()
        self.process.join(self.stop_grace_s)
        if self.process.is_alive():
            log.warning("correlation index worker did not stop within %.0f s; killing it", self.stop_grace_s)
            self.process.kill()
            self.process.join(self.stop_grace_s)
