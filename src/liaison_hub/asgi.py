"""ASGI entry point for process managers: ``uvicorn --factory liaison_hub.asgi:app_from_env --workers N``."""

from __future__ import annotations

from fastapi import FastAPI

from liaison_hub.app import create_app
from liaison_hub.config import get_settings
from liaison_hub.runtime.heap import settle_heap


def app_from_env() -> FastAPI:
    """Build the hub from LIAISON_* environment variables (each worker process builds its own)."""
    application = create_app(get_settings())
    settle_heap()
    return application
