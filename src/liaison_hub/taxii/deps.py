"""What every TAXII endpoint needs: the principal (Basic or Bearer), content negotiation, the API root, and the
request body read within ``max_content_length`` (TAXII 2.1 sections 1.6.8, 4.2.1 and 5.5)."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Any

import orjson
from fastapi import Depends, Request

from liaison_hub.api.deps import DbSession, State, client_source, optional_principal
from liaison_hub.errors import NotFound, Unauthenticated
from liaison_hub.policy.principal import ANONYMOUS, Actor, Principal, Scope
from liaison_hub.taxii.errors import BadRequest, NotAcceptable, PayloadTooLarge, Unprocessable, UnsupportedMediaType
from liaison_hub.taxii.media import accepts_taxii, is_envelope_type


async def negotiate(request: Request) -> None:
    """406 unless the client accepts TAXII 2.1 JSON (``application/taxii+json`` without a version is fine)."""
    if not accepts_taxii(request.headers.get("accept")):
        raise NotAcceptable()


def taxii_principal(request: Request, session: DbSession, state: State) -> Principal:
    """The signed-in principal; anonymous readers only when the hub allows them (they see TLP:CLEAR)."""
    principal = optional_principal(request, session, state)
    if principal.is_anonymous:
        if not state.settings.allow_anonymous:
            raise Unauthenticated()
        return replace(ANONYMOUS, scopes=frozenset({Scope.read}))
    return principal


TaxiiPrincipal = Annotated[Principal, Depends(taxii_principal)]


async def taxii_actor(request: Request, principal: TaxiiPrincipal) -> Actor:
    """Who writes: anonymous readers (when allowed) must sign in to write."""
    if principal.is_anonymous:
        raise Unauthenticated()
    return Actor(principal, f"taxii:{client_source(request)}")


TaxiiActor = Annotated[Actor, Depends(taxii_actor)]


async def api_root(root: str, state: State) -> str:
    """The one API root this hub serves; any other path is 404."""
    if root != state.settings.taxii_api_root:
        raise NotFound(f"no API root {root!r}")
    return root


ApiRoot = Annotated[str, Depends(api_root)]


async def _read_limited(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"the body is larger than max_content_length ({limit} bytes)")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"the body is larger than max_content_length ({limit} bytes)")
        chunks.append(chunk)
    return b"".join(chunks)


async def envelope_objects(request: Request, _: TaxiiActor, state: State) -> list[Any]:
    """The objects of a POSTed envelope (or bundle); read only after the caller is authenticated."""
    if not is_envelope_type(request.headers.get("content-type")):
        raise UnsupportedMediaType("send application/taxii+json;version=2.1 (an envelope) or a STIX 2.1 bundle")
    body = await _read_limited(request, state.settings.taxii_max_content_length)
    try:
        envelope = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise BadRequest(f"the body is not valid JSON: {exc}") from None
    if not isinstance(envelope, dict):
        raise Unprocessable("the body must be a JSON object: a TAXII envelope with an 'objects' list")
    objects = envelope.get("objects", [])
    if not isinstance(objects, list):
        raise Unprocessable("'objects' must be a list of STIX objects")
    return objects


EnvelopeObjects = Annotated[list[Any], Depends(envelope_objects)]
