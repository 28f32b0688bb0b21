"""Errors on web pages render as HTML; the JSON API (and any other machine interface) keeps its own rendering.

Page routes are built with ``WebRoute``, which marks the request; the handlers installed here render HTML for
marked requests (and framework errors such as an unknown path outside ``NON_WEB_PREFIXES``) and hand everything
else to the handler installed before them (app.py's JSON handlers). Handlers run after the request's transaction
has been rolled back, so a failed form changes nothing.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException

from liaison_hub.errors import HubError, Unauthenticated, problems
from liaison_hub.web.rendering import is_htmx, redirect, render

WEB_ROUTE_KEY = "liaison_hub.web_page"
NON_WEB_PREFIXES: list[str] = ["/api/", "/taxii2/"]
"""Path prefixes of machine interfaces: unmatched paths under them keep their interface's error format."""

TITLES = {
    400: "Bad request",
    401: "Sign-in needed",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    422: "Invalid input",
    503: "Unavailable",
}

Handler = Callable[[Request, Any], Response | Awaitable[Response]]


class WebRoute(APIRoute):
    """A page route: marks its requests so that errors raised in it render as HTML pages."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page(request: Request) -> Response:
            request.scope[WEB_ROUTE_KEY] = True
            return await handler(request)

        return page


def page_router(**options: Any) -> APIRouter:
    """An APIRouter for web pages: HTML responses, HTML errors, kept out of the OpenAPI document."""
    return APIRouter(route_class=WebRoute, include_in_schema=False, default_response_class=HTMLResponse, **options)


def is_page_request(request: Request) -> bool:
    """True once a page route has taken the request (domain and validation errors come only from routes)."""
    return bool(request.scope.get(WEB_ROUTE_KEY))


def is_web_path(request: Request) -> bool:
    """For framework errors raised before any route ran (unknown path, wrong method, missing static file)."""
    return is_page_request(request) or not request.url.path.startswith(tuple(NON_WEB_PREFIXES))


def error_page(request: Request, status: int, message: str) -> Response:
    """The error as a page, or as a message for the flash area when htmx asked for a fragment."""
    context = {"status": status, "title": TITLES.get(status, "Error"), "message": message}
    if is_htmx(request):
        headers = {"HX-Retarget": "#flash-area", "HX-Reswap": "innerHTML"}
        return render(request, "_error_fragment.html", context, status_code=status, headers=headers)
    return render(request, "error.html", context, status_code=status)


def sign_in_first(request: Request) -> Response:
    """Send an anonymous visitor (or an expired session) to the sign-in page, back here afterwards."""
    target = "/login"
    if request.method in {"GET", "HEAD"} and request.url.path != "/":
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        target += "?" + urlencode({"next": path})
    if is_htmx(request):
        return Response(status_code=401, headers={"HX-Redirect": target})
    return redirect(target)


def _problems(exc: RequestValidationError) -> str:
    return "; ".join(f"{field}: {message}" for field, message in problems(exc.errors(), skip=1))


async def _delegate(previous: Handler | None, request: Request, exc: Exception, status: int) -> Response:
    if previous is None:
        return JSONResponse({"error": "error", "detail": str(exc)}, status_code=status)
    response = previous(request, exc)
    return await response if inspect.isawaitable(response) else response


def install_error_pages(app: FastAPI) -> None:
    """Render errors of web pages as HTML, delegating every other request to the handler installed before."""
    api_hub = app.exception_handlers.get(HubError)
    api_invalid = app.exception_handlers.get(RequestValidationError)
    api_http = app.exception_handlers.get(StarletteHTTPException)

    async def hub_error(request: Request, exc: HubError) -> Response:
        if not is_page_request(request):
            return await _delegate(api_hub, request, exc, exc.status)
        if isinstance(exc, Unauthenticated):
            return sign_in_first(request)
        return error_page(request, exc.status, exc.message)

    async def invalid_input(request: Request, exc: RequestValidationError) -> Response:
        if not is_page_request(request):
            return await _delegate(api_invalid, request, exc, 422)
        return error_page(request, 422, _problems(exc))

    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if not is_web_path(request):
            return await _delegate(api_http, request, exc, exc.status_code)
        message = "There is no page at this address." if exc.status_code == 404 else str(exc.detail)
        return error_page(request, exc.status_code, message)

    app.add_exception_handler(HubError, hub_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, invalid_input)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, http_error)  # type: ignore[arg-type]
