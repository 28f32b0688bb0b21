"""TAXII error resources (TAXII 2.1 section 3.6.1) for every failure under /taxii2, with the TAXII media type."""

from __future__ import annotations

from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from liaison_hub.errors import HubError
from liaison_hub.taxii.media import taxii_response


class BadRequest(HubError):
    status = 400
    code = "bad_request"


class PayloadTooLarge(HubError):
    status = 413
    code = "payload_too_large"


class NotAcceptable(HubError):
    status = 406
    code = "not_acceptable"

    def __init__(self) -> None:
        super().__init__("this server answers with application/taxii+json;version=2.1 only")


class UnsupportedMediaType(HubError):
    status = 415
    code = "unsupported_media_type"


class Unprocessable(HubError):
    status = 422
    code = "unprocessable"


AUTHENTICATE = 'Basic realm="liaison-hub TAXII", Bearer realm="liaison-hub TAXII"'


def error_response(status: int, description: str, headers: dict[str, str] | None = None) -> Response:
    """An error resource: ``title`` (required), ``description`` and ``http_status``."""
    try:
        title = HTTPStatus(status).phrase
    except ValueError:
        title = "Error"
    if status == 401:
        headers = {**(headers or {}), "WWW-Authenticate": AUTHENTICATE}
    body = {"title": title, "description": description, "http_status": str(status)}
    return taxii_response(body, status_code=status, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    """Render domain errors, framework errors (404, 405, bad parameters) and crashes as TAXII error resources."""

    @app.exception_handler(HubError)
    async def hub_error(_: Request, exc: HubError) -> Response:
        return error_response(exc.status, exc.message)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, exc: RequestValidationError) -> Response:
        problems = "; ".join(f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', '')}" for e in exc.errors())
        return error_response(400, problems or "the request is not valid")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> Response:
        headers = dict(exc.headers) if exc.headers else None
        return error_response(exc.status_code, str(exc.detail), headers)

    @app.exception_handler(Exception)
    async def crash(_: Request, exc: Exception) -> Response:
        return error_response(500, "the server failed to process the request")
