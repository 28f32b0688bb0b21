"""Objects of a collection: manifest (TAXII 2.1 section 5.3), get (5.4) and add (5.5) objects, get (5.6) and
delete (5.7) one object, and its versions (5.8). Filters and paging are in SQL, in ``intel``; this only translates."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session
from starlette.responses import Response
from starlette.routing import Route

from liaison_hub.api.deps import DbSession, State
from liaison_hub.intel import service
from liaison_hub.policy.principal import Principal
from liaison_hub.taxii.deps import ApiRoot, EnvelopeObjects, Reading, TaxiiActor, negotiate, root_reading
from liaison_hub.taxii.envelopes import (
    date_headers,
    manifest_envelope,
    objects_envelope,
    status_resource,
    versions_envelope,
)
from liaison_hub.taxii.filters import (
    DELETE_FILTERS,
    OBJECT_FILTERS,
    VERSION_FILTERS,
    next_token,
    parse_filters,
    parse_page,
)
from liaison_hub.taxii.media import taxii_response

router = APIRouter()
NEGOTIATED = [Depends(negotiate)]
"""The writes negotiate through this dependency; the reads (``READ_ROUTES``) in ``root_reading``."""
OBJECTS = "/{root}/collections/{collection}/objects/"
OBJECT = "/{root}/collections/{collection}/objects/{object_id}/"


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


@router.post(OBJECTS, dependencies=NEGOTIATED)
def add_objects(
    root: ApiRoot, collection: str, objects: EnvelopeObjects, session: DbSession, state: State, actor: TaxiiActor
) -> Response:
    """Section 5.5: store the envelope's objects; each refused one is listed in the status with its reason."""
    status = service.submit(session, actor, collection=collection, objects=objects, accreditation=state.accreditation)
    return taxii_response(status_resource(status), status_code=202)


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


@router.delete(OBJECT, dependencies=NEGOTIATED)
def delete_object(
    root: ApiRoot, collection: str, object_id: str, request: Request, session: DbSession, actor: TaxiiActor
) -> Response:
    """Section 5.7: delete the matching versions (all by default) that the caller's organisation shared."""
    filters = parse_filters(request.query_params, allowed=DELETE_FILTERS, default_version="all")
    service.delete_object(session, actor, collection=collection, stix_id=object_id, filters=filters)
    return taxii_response(b"", status_code=200)


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
"""The reads a client pages through: plain Starlette routes, which take the request and nothing else. FastAPI's
dependency machinery, routing and endpoint wrapping cost about 90 µs a request, more than authenticating; the
checks its dependencies would make are made, in the same order, by ``root_reading``, and errors reach the same
TAXII error handlers."""
