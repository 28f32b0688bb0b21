"""The API's interactive documentation, served entirely by the hub: Swagger UI's files come from the
``fastapi-offline`` package (installed from PyPI with the hub), never from a CDN, so the docs work air-gapped."""

from __future__ import annotations

from importlib.resources import files

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = files("fastapi_offline") / "static"


def install_docs(app: FastAPI, prefix: str) -> None:
    """``{prefix}/docs`` (Swagger UI) over ``{prefix}/openapi.json``, its scripts and styles under ``/docs/assets``."""
    assets = f"{prefix}/docs/assets"
    app.mount(assets, StaticFiles(directory=str(ASSETS)), name="api-docs-assets")

    @app.get(f"{prefix}/docs", include_in_schema=False)
    async def docs(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_swagger_ui_html(
            openapi_url=f"{root}{prefix}/openapi.json",
            title=f"{app.title} · API",
            swagger_js_url=f"{root}{assets}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{assets}/swagger-ui.css",
            swagger_favicon_url=f"{root}/static/favicon.svg",
        )
