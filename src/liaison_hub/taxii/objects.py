"""Writes to a collection's objects: add objects (TAXII 2.1 section 5.5) and delete one object (5.7). The reads of
objects are in ``taxii.reads``."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from liaison_hub.api.deps import DbSession, State
from liaison_hub.intel import service
from liaison_hub.taxii.deps import ApiRoot, EnvelopeObjects, TaxiiActor, negotiate
from liaison_hub.taxii.envelopes import status_resource
from liaison_hub.taxii.filters import DELETE_FILTERS, parse_filters
from liaison_hub.taxii.media import taxii_response
from liaison_hub.taxii.reads import OBJECT, OBJECTS

router = APIRouter(dependencies=[Depends(negotiate)])


@router.post(OBJECTS)
def add_objects(
    root: ApiRoot, collection: str, objects: EnvelopeObjects, session: DbSession, state: State, actor: TaxiiActor
) -> Response:
    """Section 5.5: store the envelope's objects; each refused one is listed in the status with its reason."""
    status = service.submit(session, actor, collection=collection, objects=objects, accreditation=state.accreditation)
    return taxii_response(status_resource(status), status_code=202)


@router.delete(OBJECT)
def delete_object(
    root: ApiRoot, collection: str, object_id: str, request: Request, session: DbSession, actor: TaxiiActor
) -> Response:
    """Section 5.7: delete the matching versions (all by default) that the caller's organisation shared."""
    filters = parse_filters(request.query_params, allowed=DELETE_FILTERS, default_version="all")
    service.delete_object(session, actor, collection=collection, stix_id=object_id, filters=filters)
    return taxii_response(b"", status_code=200)
