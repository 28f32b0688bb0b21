"""The reads TAXII clients page through, and how every read reaches the database: manifest (TAXII 2.1 section
5.3), get objects (5.4), get one object (5.6) and its versions (5.8); ``Read`` for the other read endpoints.

The four paged reads are plain Starlette routes (``READ_ROUTES``), tried before any other, which take the request
and nothing else: ``root_reading`` makes the checks FastAPI's dependencies make for the other endpoints, in the
same order (media type, API root, then credentials inside the request's one worker-thread hop), and errors reach
the same TAXII error handlers. Filters and paging are in SQL, in ``intel``; this only translates.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, TypeVar

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response
from starlette.routing import Route

from liaison_hub.api.deps import HubState, State, hub_state
from liaison_hub.db.engine import session_scope
from liaison_hub.intel import service
from liaison_hub.policy.principal import Principal
from liaison_hub.taxii.deps import api_root, negotiate, taxii_principal
from liaison_hub.taxii.envelopes import date_headers, manifest_envelope, objects_envelope, versions_envelope
from liaison_hub.taxii.filters import OBJECT_FILTERS, VERSION_FILTERS, next_token, parse_filters, parse_page
from liaison_hub.taxii.media import taxii_response

T = TypeVar("T")
OBJECTS = "/{root}/collections/{collection}/objects/"
OBJECT = "/{root}/collections/{collection}/objects/{object_id}/"


@dataclass(frozen=True)
class Reading:
    """How the read endpoints reach the database: in one worker-thread hop per request, which opens the
    transaction, authenticates the principal exactly as ``taxii_principal`` does, runs the endpoint's work and
    commits (or rolls back on error)."""

    request: Request
    state: HubState

    async def __call__(self, work: Callable[[Session, Principal], T]) -> T:
        return await run_in_threadpool(self._run, work)

    def _run(self, work: Callable[[Session, Principal], T]) -> T:
        with session_scope(self.state.session_factory) as session:
            return work(session, taxii_principal(self.request, session, self.state))


async def reading(request: Request, state: State) -> Reading:
    return Reading(request, state)


Read = Annotated[Reading, Depends(reading)]


async def root_reading(request: Request) -> Reading:
    """What ``negotiate``, ``api_root`` and ``reading`` check, in that order, for ``READ_ROUTES``."""
    await negotiate(request)
    state = hub_state(request)
    await api_root(request.path_params["root"], state)
    return Reading(request, state)


def _scope(kind: str, collection: str, object_id: str, filters: object) -> str:
    """What a ``next`` cursor is bound to: the endpoint, collection, object and filters."""
    return f"{kind}|{collection}|{object_id}|{filters!r}"


def _paged(kind: str, collection: str, read: Reading, session: Session, principal: Principal) -> Response:
    """One keyset page of objects or of their manifest: the same filters, cursor and date headers."""
    query, settings = read.request.query_params, read.state.settings
    filters = parse_filters(query, allowed=OBJECT_FILTERS)
    scope = _scope(kind, collection, "", filters)
    page = parse_page(query, settings, scope=scope)
    if kind == "manifest":
        versions = service.manifest(session, principal, collection=collection, filters=filters, page=page)
        listing = manifest_envelope(versions, next_token(versions.last, settings, scope=scope))
        return taxii_response(listing, headers=date_headers(versions))
    objects = service.list_objects(session, principal, collection=collection, filters=filters, page=page)
    body = objects_envelope(objects, next_token(objects.last, settings, scope=scope))
    return taxii_response(body, headers=date_headers(objects))


async def get_manifest(request: Request) -> Response:
    """Section 5.3: id, date_added, version and media type of each object, paged like the objects."""
    read, collection = await root_reading(request), request.path_params["collection"]
    return await read(lambda session, principal: _paged("manifest", collection, read, session, principal))


async def get_objects(request: Request) -> Response:
    """Section 5.4: an envelope of the objects the principal may read, oldest ``date_added`` first."""
    read, collection = await root_reading(request), request.path_params["collection"]
    return await read(lambda session, principal: _paged("objects", collection, read, session, principal))


async def get_object(request: Request) -> Response:
    """Section 5.6: versions of one object (the latest by default); 404 alike for missing and invisible."""
    read, collection, object_id = await root_reading(request), *_object_path(request)
    return await read(lambda session, principal: _one_object(collection, object_id, read, session, principal))


def _object_path(request: Request) -> tuple[str, str]:
    return request.path_params["collection"], request.path_params["object_id"]


def _one_object(collection: str, object_id: str, read: Reading, session: Session, principal: Principal) -> Response:
    query, settings = read.request.query_params, read.state.settings
    filters = parse_filters(query, allowed=VERSION_FILTERS | {"version"})
    scope = _scope("object", collection, object_id, filters)
    page = parse_page(query, settings, scope=scope)
    result = service.get_object(
        session, principal, collection=collection, stix_id=object_id, filters=filters, page=page
    )
    body = objects_envelope(result, next_token(result.last, settings, scope=scope))
    return taxii_response(body, headers=date_headers(result))


async def get_versions(request: Request) -> Response:
    """Section 5.8: the versions the principal may read, oldest first."""
    read, collection, object_id = await root_reading(request), *_object_path(request)
    return await read(lambda session, principal: _versions(collection, object_id, read, session, principal))


def _versions(collection: str, object_id: str, read: Reading, session: Session, principal: Principal) -> Response:
    query, settings = read.request.query_params, read.state.settings
    filters = parse_filters(query, allowed=VERSION_FILTERS, default_version="all")
    scope = _scope("versions", collection, object_id, filters)
    page = parse_page(query, settings, scope=scope)
    result = service.list_versions(
        session, principal, collection=collection, stix_id=object_id, filters=filters, page=page
    )
    body = versions_envelope(result, next_token(result.last, settings, scope=scope))
    return taxii_response(body, headers=date_headers(result))


READ_ROUTES = (
    Route("/{root}/collections/{collection}/manifest/", get_manifest, methods=["GET"]),
    Route(OBJECTS, get_objects, methods=["GET"]),
    Route(OBJECT, get_object, methods=["GET"]),
    Route("/{root}/collections/{collection}/objects/{object_id}/versions/", get_versions, methods=["GET"]),
)
