"""How the server runs: the background work that lives as long as the application (the correlation index worker,
the SQLite WAL checkpointer), and uvicorn, in one process or several."""

from __future__ import annotations

import uvicorn
from fastapi import FastAPI
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from liaison_hub.config import Settings
from liaison_hub.db.engine import is_sqlite
from liaison_hub.runtime.checkpoint import WalCheckpointer
from liaison_hub.runtime.heap import settle_heap
from liaison_hub.runtime.index_worker import IndexProcess, IndexWorker

ASGI_FACTORY = "liaison_hub.asgi:app_from_env"


def index_worker(settings: Settings, engine: Engine, factory: sessionmaker[Session]) -> IndexWorker | IndexProcess:
    """The correlation index worker: a process of its own unless configured as a thread or the database lives only
    in this process's memory."""
    in_memory = is_sqlite(engine) and engine.url.database in (None, "", ":memory:")
    if settings.index_worker == "thread" or in_memory:
        return IndexWorker(factory)
    return IndexProcess(settings.effective_database_url)


class Background:
    """The application's background work, started by its lifespan and stopped when it ends."""

    def __init__(self, settings: Settings, engine: Engine, factory: sessionmaker[Session]) -> None:
        self.indexer = index_worker(settings, engine, factory)
        self.checkpointer = WalCheckpointer.for_engine(engine)

    def start(self) -> None:
        self.indexer.start()
        if self.checkpointer is not None:
            self.checkpointer.start()

    def stop(self) -> None:
        self.indexer.stop()
        if self.checkpointer is not None:
            self.checkpointer.stop()


def serve(application: FastAPI, *, host: str, port: int, access_log: bool) -> None:
    """Serve one application in this process until it is told to stop."""
    settle_heap()
    uvicorn.run(application, host=host, port=port, log_level="info", proxy_headers=False, access_log=access_log)


def serve_workers(*, host: str, port: int, workers: int, access_log: bool) -> None:
    """Serve with several worker processes, each building its own application from the same ``LIAISON_*``
    environment (``asgi.app_from_env``)."""
    uvicorn.run(ASGI_FACTORY, factory=True, host=host, port=port, workers=workers, access_log=access_log)
