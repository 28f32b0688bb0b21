"""Server-rendered web interface (Jinja2 + htmx) over the same services as the API."""

from __future__ import annotations

from fastapi import FastAPI


def install(app: FastAPI) -> None:
    """Mount the web pages on ``app`` (filled in by the web shell)."""
