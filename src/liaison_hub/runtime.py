"""Process-level tuning for long-running commands (``liaison serve``, worker processes, ``liaison intel import``)."""

from __future__ import annotations

import gc
import threading

YOUNG_GC_THRESHOLD = 50_000


def settle_heap() -> None:
    """Collect once, then move every object alive now (the built application: routes, models, mappers, compiled
    statements, reference data) out of reach of the cyclic garbage collector.

    A request or an import batch allocates thousands of short-lived dicts, so the collector runs often, and each
    full collection used to walk the whole application as well. Measured on a 20,000-object TAXII ingest, freezing
    cut the server's CPU per object by about 12%. Objects frozen here are still freed by reference counting; only
    cycles among them would outlive the process, and the application's own objects live as long as it does.

    The youngest generation is then collected after 50,000 net allocations instead of 700: an envelope's objects are
    freed by reference counting when its request ends, and collecting while they were alive only promoted them to
    older generations, to be walked again (about 2% of the server's CPU per object on a TAXII ingest).
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_GC_THRESHOLD)


class ServerThread:
    """A daemon thread that lives as long as the server (``liaison serve``'s lifespan): ``start``, then ``stop``,
    which sets ``stopping`` and waits for ``run`` to return. Subclasses write ``run`` and poll ``stopping``."""

    name = "server-thread"
    join_timeout_s = 30.0

    def __init__(self) -> None:
        self.stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self.run, name=self.name, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self.stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=self.join_timeout_s)

    def run(self) -> None:
        raise NotImplementedError
