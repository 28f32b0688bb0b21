"""JSON API of intel under /api/v1/intel: collections (admins manage them), upload of STIX files, search by value,
correlations and sightings of an object, and export of what the caller may read as one streamed STIX bundle."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, UploadFile, status
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from liaison_hub.api.deps import Admin, DbSession, Reader, State, Writer
from liaison_hub.db.engine import session_scope
from liaison_hub.fields import ClassificationCode, TlpName
from liaison_hub.intel import exchange
from liaison_hub.intel import service as intel
from liaison_hub.intel.correlation import service as correlation
from liaison_hub.intel.correlation.schemas import ObjectCorrelations, SearchResult, SightingRead
from liaison_hub.intel.schemas import (
    CollectionAccess,
    CollectionCreate,
    CollectionUpdate,
    DefaultMarking,
    IngestResult,
)
from liaison_hub.intel.stix import MEDIA_TYPE_STIX

router = APIRouter(prefix="/intel", tags=["intel"])
FAILURES_SHOWN = 1000


class CollectionRead(BaseModel):
    """A collection as the caller sees it (TAXII 2.1 section 5.2.1 plus the hub's own settings)."""

    taxii_id: str
    alias: str | None
    title: str
    description: str
    can_read: bool
    can_write: bool
    default_marking: dict[str, Any]
    write_roles: list[str]


class Refusal(BaseModel):
    id: str
    version: str
    message: str


class UploadResult(BaseModel):
    """What an upload stored and refused (each refused object with its reason, the first 1,000 of them)."""

    total: int
    stored: int
    duplicates: int
    refused: int
    failures: list[Refusal] = Field(default_factory=list)


def _read(access: CollectionAccess) -> CollectionRead:
    return CollectionRead(
        taxii_id=access.taxii_id,
        alias=access.alias,
        title=access.title,
        description=access.description,
        can_read=access.can_read,
        can_write=access.can_write,
        default_marking=access.default_marking,
        write_roles=list(access.write_roles),
    )


def upload_result(result: IngestResult) -> UploadResult:
    return UploadResult(
        **result.summary(),
        failures=[
            Refusal(id=f.id, version=f.version, message=f.message or "") for f in result.failures[:FAILURES_SHOWN]
        ],
    )


@router.get("/collections", response_model=list[CollectionRead])
def list_collections(session: DbSession, principal: Reader) -> list[CollectionRead]:
    """Collections the caller can read or write."""
    return [_read(c) for c in intel.list_collections(session, principal)]


@router.post("/collections", response_model=CollectionRead, status_code=status.HTTP_201_CREATED)
def create_collection(data: CollectionCreate, session: DbSession, actor: Admin, state: State) -> CollectionRead:
    """Create a collection (admins); objects that arrive unmarked take its default marking."""
    row = intel.create_collection(session, actor, data=data, accreditation=state.accreditation)
    return _read(intel.collection_access(actor.principal, row))


@router.get("/collections/{ref}", response_model=CollectionRead)
def get_collection(ref: str, session: DbSession, principal: Reader) -> CollectionRead:
    return _read(intel.get_collection(session, principal, ref))


@router.patch("/collections/{ref}", response_model=CollectionRead)
def update_collection(
    ref: str, data: CollectionUpdate, session: DbSession, actor: Admin, state: State
) -> CollectionRead:
    """Change a collection's title, description, default marking or writers (admins)."""
    row = intel.update_collection(session, actor, collection=ref, data=data, accreditation=state.accreditation)
    return _read(intel.collection_access(actor.principal, row))


@router.delete("/collections/{ref}")
def delete_collection(ref: str, session: DbSession, actor: Admin) -> dict[str, int]:
    """Delete a collection with everything stored in it (admins). The answer counts the deleted versions the
    caller may read; versions it may not read are deleted too, uncounted."""
    return {"readable_versions_deleted": intel.delete_collection(session, actor, collection=ref)}


STIX_FILE = (
    "A STIX 2.1 bundle (a JSON object with type 'bundle' and an 'objects' list) or JSON lines (one STIX object or "
    "bundle per line), UTF-8. Anything else stores nothing and answers 422; objects refused one by one are listed "
    "with their reasons in the answer."
)


@router.post(
    "/collections/{ref}/upload",
    response_model=UploadResult,
    responses={404: {"description": "No such collection"}, 422: {"description": "Not a STIX file, or a bad marking"}},
)
def upload(
    ref: str,
    file: Annotated[UploadFile, File(description=STIX_FILE, media_type="application/json")],
    session: DbSession,
    actor: Writer,
    state: State,
    tlp: Annotated[
        TlpName | None,
        Form(
            description="With the fields below: the marking of objects that carry none, "
            "instead of the collection's default."
        ),
    ] = None,
    classification: Annotated[ClassificationCode, Form()] = "NU",
    releasable_to: Annotated[list[str] | None, Form(description="Nations or groupings; repeat.")] = None,
    recipients: Annotated[list[str] | None, Form(description="Organisation short names; repeat.")] = None,
) -> UploadResult:
    """Store a STIX bundle or JSON lines file; a file that is not JSON or not STIX stores nothing (422)."""
    chosen = None
    if tlp is not None:
        chosen = DefaultMarking(
            tlp=tlp, classification=classification, releasable_to=releasable_to, recipients=recipients or []
        )
    result = intel.ingest(
        session,
        actor,
        collection=ref,
        objects=exchange.read_objects(file.file),
        accreditation=state.accreditation,
        default_marking=chosen,
    )
    return upload_result(result)


@router.get("/search", response_model=SearchResult)
def search(
    session: DbSession,
    principal: Reader,
    state: State,
    value: Annotated[str, Query(min_length=1, max_length=4096)],
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> SearchResult:
    """Which records the caller may read mention a value (an address, domain, URL, e-mail address or hash)."""
    return correlation.search(
        session, principal, value=value, limit=limit, correlation_limit=state.settings.correlation_limit
    )


@router.get("/collections/{ref}/objects/{stix_id}/correlations", response_model=ObjectCorrelations)
def correlations(ref: str, stix_id: str, session: DbSession, principal: Reader, state: State) -> ObjectCorrelations:
    """The values an object mentions and the other readable records that mention them; 404 if it is not readable."""
    return correlation.correlations(
        session, principal, collection=ref, stix_id=stix_id, correlation_limit=state.settings.correlation_limit
    )


@router.get("/collections/{ref}/objects/{stix_id}/sightings", response_model=list[SightingRead])
def sightings(ref: str, stix_id: str, session: DbSession, principal: Reader) -> list[SightingRead]:
    """Readable sightings of an object (STIX 2.1 section 5.2), newest first."""
    return correlation.sightings(session, principal, collection=ref, stix_id=stix_id)


@router.get("/export", response_class=StreamingResponse)
def export(
    session: DbSession,
    principal: Reader,
    state: State,
    collection: Annotated[list[str] | None, Query(description="Only these collections; repeat.")] = None,
    latest: Annotated[bool, Query(description="Only the newest readable version of each object.")] = False,
) -> StreamingResponse:
    """One STIX bundle (STIX 2.1 section 8) of exactly what the caller may read, streamed page by page (the pages
    are read after the request's own transaction has ended, each in a short transaction of its own)."""
    documents = exchange.export_documents(
        session,
        lambda: session_scope(state.session_factory),
        principal,
        collections=collection,
        versions="last" if latest else "all",
    )
    return StreamingResponse(exchange.bundle_parts(documents), media_type=MEDIA_TYPE_STIX)
