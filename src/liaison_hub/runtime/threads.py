"""Background threads that live as long as the server."""

from __future__ import annotations

import threading


class ServerThread:
    """A daemon thread that lives as long as the server (``liaison serve``'s lifespan): ``start``, then ``stop``,
    which sets ``stopping`` and waits up to ``join_timeout_s`` for ``run`` to return. Subclasses write ``run`` and
    poll ``stopping``."""

    name = "server-thread"
    join_timeout_s = 5.0

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
