"""The server's index worker: drains the correlation index queue when writes pause.

A TAXII POST only queues its batches; this thread indexes them later, up to ``MAX_BATCHES`` batches per
transaction, so that the value index, whose keys are random, is written in key order many batches at a time rather
than page by page inside every POST. It waits while batches keep arriving (a thread doing Python work alongside
the request threads slows them more than the work itself costs: they queue for the GIL), and starts once no batch
has been queued for ``QUIET_S`` or more than ``MAX_BACKLOG`` are waiting. Queries never wait for it: each catches
up first (``service.catch_up``), so answers are exact whatever the worker has reached.
"""

from __future__ import annotations

import logging
import time

from sqlalchemy.orm import Session, sessionmaker

from liaison_hub.db.engine import session_scope
from liaison_hub.intel.correlation.repository import queue_state
from liaison_hub.intel.correlation.service import catch_up
from liaison_hub.runtime import ServerThread

log = logging.getLogger(__name__)

EVERY_S = 0.2
QUIET_S = 1.0
MAX_BATCHES = 20
MAX_BACKLOG = 200


class IndexWorker(ServerThread):
    """A daemon thread that indexes queued batches every ``every_s`` seconds until the queue is empty."""

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
        self.session_factory, self.every_s, self.quiet_s = session_factory, every_s, quiet_s
        self.max_batches, self.max_backlog = max_batches, max_backlog
        self.indexed = 0

    def drain(self) -> int:
        """Index everything queued, a transaction per ``max_batches`` batches; the versions indexed."""
        total = 0
        while not self.stopping.is_set():
            with session_scope(self.session_factory) as session:
                done = catch_up(session, max_batches=self.max_batches)
            if not done:
                break
            total += done
            self.indexed += done
        return total

    def _due(self, seen: tuple[int, int | None], since: float) -> tuple[bool, tuple[int, int | None], float]:
        """Whether to drain now: the queue is long, or it has not grown for ``quiet_s``."""
        with session_scope(self.session_factory) as session:
            now = queue_state(session)
        if now != seen:
            since = time.monotonic()
        backlog = now[0]
        due = backlog > 0 and (backlog > self.max_backlog or time.monotonic() - since >= self.quiet_s)
        return due, now, since

    def run(self) -> None:
        seen: tuple[int, int | None] = (0, None)
        since = time.monotonic()
        while not self.stopping.wait(self.every_s):
            try:
                due, seen, since = self._due(seen, since)
                if due:
                    self.drain()
            except Exception:  # a locked or unreachable database: the queue waits for the next round
                log.exception("correlation index worker: catch-up failed; retrying")
