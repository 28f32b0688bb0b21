"""The server's index worker: drains the correlation index queue after the ingest commits.

A TAXII POST only queues its batches; this thread indexes them a little later, up to ``MAX_BATCHES`` batches per
transaction, so that the value index, whose keys are random, is written in key order many batches at a time rather
than page by page inside every POST. Queries never wait for it: each catches up first (``service.catch_up``).
"""

from __future__ import annotations

import logging
import threading

from sqlalchemy.orm import Session, sessionmaker

from liaison_hub.db.engine import session_scope
from liaison_hub.intel.correlation.service import catch_up

log = logging.getLogger(__name__)

EVERY_S = 0.2
MAX_BATCHES = 20


class IndexWorker:
    """A daemon thread that indexes queued batches every ``every_s`` seconds until the queue is empty."""

    def __init__(
        self, session_factory: sessionmaker[Session], *, every_s: float = EVERY_S, max_batches: int = MAX_BATCHES
    ) -> None:
        self.session_factory, self.every_s, self.max_batches = session_factory, every_s, max_batches
        self.indexed = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="correlation-index-worker", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def drain(self) -> int:
        """Index everything queued, a transaction per ``max_batches`` batches; the versions indexed."""
        total = 0
        while not self._stop.is_set():
            with session_scope(self.session_factory) as session:
                done = catch_up(session, max_batches=self.max_batches)
            if not done:
                break
            total += done
            self.indexed += done
        return total

    def _run(self) -> None:
        while not self._stop.wait(self.every_s):
            try:
                self.drain()
            except Exception:  # a locked or unreachable database: the queue waits for the next round
                log.exception("correlation index worker: catch-up failed; retrying")
