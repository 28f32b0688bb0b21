"""The TAXII sub-application: its routes, its error format, and trailing-slash tolerance."""

from __future__ import annotations

from fastapi import FastAPI
from starlette.types import ASGIApp, Receive, Scope, Send

from liaison_hub.api.deps import HubState
from liaison_hub.taxii import collections, discovery, objects, reads
from liaison_hub.taxii.errors import install_error_handlers


class TrailingSlash:
    """TAXII URLs end in '/' (TAXII 2.1 section 3.2); clients that drop it (e.g. status URLs) are served anyway."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not scope["path"].endswith("/"):
            scope = {**scope, "path": scope["path"] + "/"}
        await self.app(scope, receive, send)


def create_taxii_app(state: HubState) -> FastAPI:
    """A FastAPI app to mount at ``/taxii2``; it shares the hub's state (settings, sessions, accreditation)."""
    app = FastAPI(title="TAXII 2.1", docs_url=None, redoc_url=None, openapi_url=None, redirect_slashes=False)
    app.state.hub = state
    install_error_handlers(app)
    app.router.routes.extend(reads.READ_ROUTES)  # first: found without trying the other routes
    app.include_router(discovery.router)
    app.include_router(collections.router)
    app.include_router(objects.router)
    app.add_middleware(TrailingSlash)
    return app
