"""create_app(settings): the hub's ASGI application with its API, web interface and error rendering."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from liaison_hub import __version__
from liaison_hub.api.deps import HubState
from liaison_hub.api.docs import install_docs
from liaison_hub.audit.api import router as audit_router
from liaison_hub.config import Environment, Settings
from liaison_hub.consultations.api import router as consultations_router
from liaison_hub.db.engine import create_db_engine, make_session_factory
from liaison_hub.db.migrate import ensure_current
from liaison_hub.directory.api import router as directory_router
from liaison_hub.edt.api import router as edt_router
from liaison_hub.errors import HubError, problems
from liaison_hub.fimi.api import router as fimi_router
from liaison_hub.intel.api import router as intel_router
from liaison_hub.policy.levels import parse_classification
from liaison_hub.runtime.checkpoint import BACKSTOP_PAGES
from liaison_hub.runtime.server import Background
from liaison_hub.taxii import create_taxii_app
from liaison_hub.web import install as install_web

API_PREFIX = "/api/v1"
TAXII_PREFIX = "/taxii2"


class TaxiiFirst:
    """Hands requests under ``/taxii2`` straight to the TAXII application, as a mount would (same ``root_path``),
    but before the web session and the hub's router: TAXII clients authenticate with Basic or Bearer credentials
    only, never with the web interface's cookie, and a client paging through a big collection does not pay for
    the layers of the web interface on every request."""

    def __init__(self, app: ASGIApp, taxii: ASGIApp) -> None:
        self.app, self.taxii = app, taxii

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path, root_path = scope["path"], scope.get("root_path", "")
            if root_path and path.startswith(root_path + "/"):  # behind a proxy's prefix (``--root-path``)
                path = path[len(root_path) :]
            if path == TAXII_PREFIX or path.startswith(TAXII_PREFIX + "/"):
                child = {**scope, "app_root_path": scope.get("app_root_path", root_path)}
                child["root_path"] = root_path + TAXII_PREFIX
                await self.taxii(child, receive, send)
                return
        await self.app(scope, receive, send)


def _error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": code, "detail": message}, status_code=status, headers=headers)


def _auth_headers(status: int) -> dict[str, str] | None:
    return {"WWW-Authenticate": 'Bearer realm="liaison-hub", Basic realm="liaison-hub"'} if status == 401 else None


def install_api_error_handlers(app: FastAPI) -> None:
    """Render domain and framework errors as JSON: {"error": code, "detail": message}."""

    @app.exception_handler(HubError)
    async def hub_error(_: Request, exc: HubError) -> JSONResponse:
        return _error(exc.status, exc.code, exc.message, _auth_headers(exc.status))

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        found = problems(exc.errors(), skip=1)
        detail = [
            {"loc": list(e.get("loc", ())), "field": field, "msg": message}
            for e, (field, message) in zip(exc.errors(), found, strict=True)
        ]
        return JSONResponse({"error": "invalid_input", "detail": detail}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return _error(exc.status_code, "http_error", str(exc.detail), _auth_headers(exc.status_code))


def create_app(settings: Settings) -> FastAPI:
    """Build the application; the database must already be at the current schema."""
    engine = create_db_engine(
        settings.effective_database_url, echo=settings.sql_echo, sqlite_autocheckpoint=BACKSTOP_PAGES
    )
    ensure_current(engine)
    state = HubState(
        settings=settings,
        session_factory=make_session_factory(engine),
        accreditation=parse_classification(settings.accreditation),
    )
    background = Background(settings, engine, state.session_factory)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        background.start()
        try:
            yield
        finally:
            background.stop()
            engine.dispose()

    app = FastAPI(
        title=settings.hub_name,
        version=__version__,
        lifespan=lifespan,
        docs_url=None,
        openapi_url=f"{API_PREFIX}/openapi.json",
        redoc_url=None,
    )
    app.state.hub = state
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key,
        session_cookie="liaison_session",
        max_age=settings.session_max_age,
        same_site="lax",
        https_only=settings.environment is Environment.production,
    )
    app.add_middleware(TaxiiFirst, taxii=create_taxii_app(state))  # added last: runs first
    install_api_error_handlers(app)
    app.include_router(directory_router, prefix=API_PREFIX)
    app.include_router(audit_router, prefix=API_PREFIX)
    app.include_router(consultations_router, prefix=API_PREFIX)
    app.include_router(intel_router, prefix=API_PREFIX)
    app.include_router(fimi_router, prefix=API_PREFIX)
    app.include_router(edt_router, prefix=API_PREFIX)
    install_docs(app, API_PREFIX)
    install_web(app)
    return app
