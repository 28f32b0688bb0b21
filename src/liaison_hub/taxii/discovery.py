"""Server discovery (TAXII 2.1 section 4.1), API root information (4.2) and status resources (4.3)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from liaison_hub.api.deps import State
from liaison_hub.intel import service
from liaison_hub.policy.principal import Principal
from liaison_hub.taxii.deps import ApiRoot, negotiate
from liaison_hub.taxii.envelopes import status_resource
from liaison_hub.taxii.media import TAXII_MEDIA_TYPE, taxii_response
from liaison_hub.taxii.reads import Read

router = APIRouter(dependencies=[Depends(negotiate)])


def _signed_in(_session: Session, principal: Principal) -> Principal:
    """Discovery and API root information answer whoever may read (authentication is all they need)."""
    return principal


@router.get("/")
async def discovery(request: Request, state: State, read: Read) -> Response:
    """Section 4.1: the server's title and its API roots."""
    await read(_signed_in)
    root = f"{request.scope.get('root_path', '')}/{state.settings.taxii_api_root}/"
    return taxii_response(
        {
            "title": f"{state.settings.hub_name} TAXII 2.1",
            "description": "STIX 2.1 shared under the hub's marking and releasability policy.",
            "default": root,
            "api_roots": [root],
        }
    )


@router.get("/{root}/")
async def api_root_information(root: ApiRoot, state: State, read: Read) -> Response:
    """Section 4.2: versions and the largest request body this API root accepts."""
    await read(_signed_in)
    return taxii_response(
        {
            "title": f"{state.settings.hub_name}: shared intelligence",
            "description": "Collections of STIX 2.1 objects; each object is visible only to whom its marking allows.",
            "versions": [TAXII_MEDIA_TYPE],
            "max_content_length": state.settings.taxii_max_content_length,
        }
    )


@router.get("/{root}/status/{status_id}/")
async def get_status(root: ApiRoot, status_id: str, read: Read) -> Response:
    """Section 4.3: the outcome of an add-objects request, for the client that made it."""
    status = await read(lambda session, principal: service.get_status(session, principal, status_id=status_id))
    return taxii_response(status_resource(status))
