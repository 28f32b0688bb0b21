"""How the server runs: the background work that lives as long as the application (the correlation index worker,
the SQLite WAL checkpointer), and uvicorn, in one process or several."""

from __future__ import annotations

import os

import uvicorn
from fastapi import FastAPI
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from liaison_hub.config import Settings
from liaison_hub.db.engine import is_sqlite
from liaison_hub.runtime.checkpoint import WalCheckpointer
from liaison_hub.runtime.heap import settle_heap
from liaison_hub.runtime.index_worker import IndexProcess, IndexWorker
from liaison_hub.runtime.threads import ServerThread

ASGI_FACTORY = "liaison_hub.asgi:app_from_env"
WATCH_EVERY_S = 1.0


def index_worker(
    settings: Settings, engine: Engine, factory: sessionmaker[Session]
) -> IndexWorker | IndexProcess | None:
    """The correlation index worker: a process of its own unless configured as a thread or the database lives only
    in this process's memory; none when another process runs it (the supervisor of several workers)."""
    in_memory = is_sqlite(engine) and engine.url.database in (None, "", ":memory:")
    if settings.index_worker == "thread" or in_memory:
        return IndexWorker(factory)
    if settings.index_worker == "none":
        return None
    return IndexProcess(settings.effective_database_url)


class Watchdog(ServerThread):
    """Starts a new index worker process when the one running dies (killed by an operator or the kernel's
    out-of-memory killer): meanwhile queries index what they need themselves, so only their speed suffers."""

    name = "index-worker-watchdog"

    def __init__(self, worker: IndexProcess, *, every_s: float = WATCH_EVERY_S) -> None:
        super().__init__()
        self.worker, self.every_s = worker, every_s

    def run(self) -> None:
        while not self.stopping.wait(self.every_s):
            if self.worker.died():
                self.worker.restart()


class Background:
    """The application's background work, started by its lifespan and stopped when it ends."""

    def __init__(self, settings: Settings, engine: Engine, factory: sessionmaker[Session]) -> None:
        self.indexer = index_worker(settings, engine, factory)
        self.checkpointer = WalCheckpointer.for_engine(engine)
        self.watchdog = Watchdog(self.indexer) if isinstance(self.indexer, IndexProcess) else None
        self.threads = [t for t in (self.watchdog, self.checkpointer) if t is not None]

    def start(self) -> None:
        if self.indexer is not None:
            self.indexer.start()
        for thread in self.threads:
            thread.start()

    def stop(self) -> None:
        """Stop the watchdog first (it would restart the worker being stopped), then the worker and the threads."""
        if self.watchdog is not None:
            self.watchdog.stop()
        if self.indexer is not None:
            self.indexer.stop()
        for thread in self.threads:
            thread.stop()


def serve(application: FastAPI, *, host: str, port: int, access_log: bool) -> None:
    """Serve one application in this process until it is told to stop."""
    settle_heap()
    uvicorn.run(application, host=host, port=port, log_level="info", proxy_headers=False, access_log=access_log)


def serve_workers(settings: Settings, *, host: str, port: int, workers: int, access_log: bool) -> None:
    """Serve with several worker processes, each building its own application from the same ``LIAISON_*``
    environment (``asgi.app_from_env``); this supervising process runs the one correlation index worker they share,
    so the workers start none (one per worker would only compete for the same queue and the same cores)."""
    indexer = IndexProcess(settings.effective_database_url)
    watchdog = Watchdog(indexer)
    indexer.start()
    watchdog.start()
    os.environ["LIAISON_INDEX_WORKER"] = "none"  # read by each worker's own settings
    try:
        uvicorn.run(ASGI_FACTORY, factory=True, host=host, port=port, workers=workers, access_log=access_log)
    finally:
        watchdog.stop()
        indexer.stop()
