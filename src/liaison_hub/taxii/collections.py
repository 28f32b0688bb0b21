"""Collections (TAXII 2.1 sections 5.1 and 5.2)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from starlette.responses import Response

from liaison_hub.intel import service
from liaison_hub.intel.schemas import CollectionAccess
from liaison_hub.taxii.deps import ApiRoot, negotiate
from liaison_hub.taxii.media import STIX_MEDIA_TYPE, taxii_response
from liaison_hub.taxii.reads import Read

router = APIRouter(dependencies=[Depends(negotiate)])


def collection_resource(access: CollectionAccess) -> dict[str, Any]:
    """Section 5.2.1, with can_read / can_write for the asking principal."""
    body: dict[str, Any] = {
        "id": access.taxii_id,
        "title": access.title,
        "can_read": access.can_read,
        "can_write": access.can_write,
        "media_types": [STIX_MEDIA_TYPE],
    }
    if access.description:
        body["description"] = access.description
    if access.alias:
        body["alias"] = access.alias
    return body


@router.get("/{root}/collections/")
async def list_collections(root: ApiRoot, read: Read) -> Response:
    """Section 5.1: the collections this principal can read or write (an empty object when none)."""
    found = await read(service.list_collections)
    return taxii_response({"collections": [collection_resource(c) for c in found]} if found else {})


@router.get("/{root}/collections/{collection}/")
async def get_collection(root: ApiRoot, collection: str, read: Read) -> Response:
    """Section 5.2: one collection; 404 when it does not exist or the principal has no access to it."""
    access = await read(lambda session, principal: service.get_collection(session, principal, collection))
    return taxii_response(collection_resource(access))
