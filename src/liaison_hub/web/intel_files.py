"""Intel files and collections: upload a STIX bundle or JSON lines with a marking of the writer's choice, export
what the viewer may read as one STIX bundle (a collection or all, by type, newest versions only if wished), and for
administrators create and delete collections."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import File, Query, Request, UploadFile
from fastapi.responses import Response, StreamingResponse
from sqlalchemy.orm import Session

from liaison_hub.api.deps import DbSession, State
from liaison_hub.db.engine import session_scope
from liaison_hub.errors import Forbidden, HubError
from liaison_hub.intel import exchange
from liaison_hub.intel import service as intel
from liaison_hub.intel.api import UploadResult, upload_result
from liaison_hub.intel.schemas import DEFAULT_WRITE_ROLES, CollectionCreate, DefaultMarking
from liaison_hub.intel.stix import MEDIA_TYPE_STIX
from liaison_hub.policy.levels import classification_levels
from liaison_hub.policy.principal import Role
from liaison_hub.web.deps import SignedIn, WebAdmin, WebWriter
from liaison_hub.web.errors import page_router
from liaison_hub.web.forms import ChoiceFields, TextField, comma_list, form_problems, parse_form
from liaison_hub.web.intel import TLPS
from liaison_hub.web.rendering import flash, redirect, render
from liaison_hub.web.security import Csrf

router = page_router(prefix="/intel")


NEW_COLLECTION: dict[str, object] = {
    "tlp": "amber",
    "classification": "NU",
    "write_roles": [r.value for r in DEFAULT_WRITE_ROLES],
    "with_definitions": True,
}


def _new_collection_page(
    request: Request, *, error: HubError | None = None, values: dict[str, object] | None = None
) -> Response:
    context = {
        "problems": form_problems(error),
        "values": values or NEW_COLLECTION,
        "tlps": TLPS,
        "levels": classification_levels(),
        "roles": [r.value for r in Role],
    }
    return render(request, "intel/collection_form.html", context, status_code=error.status if error else 200)


@router.get("/collections/new")
def new_collection(request: Request, actor: WebAdmin) -> Response:
    """Admins: a form for a new TAXII collection (title, alias, default marking, who may write)."""
    return _new_collection_page(request)


@router.post("/collections")
def create_collection(
    request: Request,
    session: DbSession,
    actor: WebAdmin,
    state: State,
    _: Csrf,
    title: TextField = "",
    alias: TextField = "",
    description: TextField = "",
    tlp: TextField = "amber",
    classification: TextField = "NU",
    releasable_to: TextField = "",
    recipients: TextField = "",
    write_roles: ChoiceFields = None,
    with_definitions: TextField = "",
) -> Response:
    """Create the collection; a bad field or a taken alias shows the form again, filled in, with the reason."""
    values: dict[str, object] = {
        "title": title,
        "alias": alias,
        "description": description,
        "tlp": tlp,
        "classification": classification,
        "releasable_to": releasable_to,
        "recipients": recipients,
        "write_roles": write_roles or [],
        "with_definitions": bool(with_definitions),
    }
    try:
        data = parse_form(
            CollectionCreate,
            title=title.strip(),
            alias=alias.strip() or None,
            description=description.strip(),
            default_marking={
                "tlp": tlp.strip().lower(),
                "classification": classification.strip(),
                "releasable_to": comma_list(releasable_to) or None,
                "recipients": comma_list(recipients),
            },
            write_roles=write_roles or [],
            with_definitions=bool(with_definitions),
        )
        created = intel.create_collection(session, actor, data=data, accreditation=state.accreditation)
    except HubError as exc:
        session.rollback()
        return _new_collection_page(request, error=exc, values=values)
    flash(request, f"Collection “{created.title}” created.", "success")
    return redirect(f"/intel/collections/{quote(created.alias or created.taxii_id, safe='')}")


def _upload_page(
    request: Request,
    session: Session,
    viewer: SignedIn,
    ref: str,
    *,
    error: HubError | None = None,
    values: dict[str, object] | None = None,
    result: UploadResult | None = None,
) -> Response:
    access = intel.get_collection(session, viewer.principal, ref)
    chosen = values or {"marking": "collection", **access.default_marking}
    context = {
        "collection": access,
        "ref": ref,
        "problems": form_problems(error),
        "result": result,
        "values": chosen,
        "tlps": TLPS,
        "levels": [lv for lv in classification_levels() if lv.rank <= viewer.principal.clearance_rank],
    }
    return render(request, "intel/upload.html", context, status_code=error.status if error else 200)


@router.get("/collections/{ref}/upload")
def upload_form(ref: str, request: Request, session: DbSession, viewer: SignedIn) -> Response:
    """The upload form, for those who may write to the collection (403 otherwise, as its submission would be)."""
    if not intel.get_collection(session, viewer.principal, ref).can_write:
        raise Forbidden("you may not write to this collection")
    return _upload_page(request, session, viewer, ref)


@router.post("/collections/{ref}/upload")
def upload(
    ref: str,
    request: Request,
    session: DbSession,
    viewer: SignedIn,
    actor: WebWriter,
    state: State,
    _: Csrf,
    file: Annotated[UploadFile, File(description="A STIX 2.1 bundle or JSON lines")],
    marking: TextField = "collection",
    tlp: TextField = "amber",
    classification: TextField = "NU",
    releasable_to: TextField = "",
    recipients: TextField = "",
) -> Response:
    """Store the file's objects as the viewer, unmarked ones under the collection's default or the marking chosen
    here; a file that is not JSON or not STIX stores nothing."""
    values: dict[str, object] = {
        "marking": marking,
        "tlp": tlp,
        "classification": classification,
        "releasable_to": releasable_to,
        "recipients": recipients,
    }
    try:
        chosen = None
        if marking == "chosen":
            chosen = parse_form(
                DefaultMarking,
                tlp=tlp.strip().lower(),
                classification=classification.strip(),
                releasable_to=comma_list(releasable_to) or None,
                recipients=comma_list(recipients),
            )
        result = intel.ingest(
            session,
            actor,
            collection=ref,
            objects=exchange.read_objects(file.file),
            accreditation=state.accreditation,
            default_marking=chosen,
        )
    except HubError as exc:
        session.rollback()
        return _upload_page(request, session, viewer, ref, error=exc, values=values)
    return _upload_page(request, session, viewer, ref, values=values, result=upload_result(result))


def _delete_page(
    request: Request, session: Session, actor: WebAdmin, ref: str, *, error: str | None = None
) -> Response:
    access = intel.get_collection(session, actor.principal, ref)
    context = {"collection": access, "ref": ref, "error": error}
    return render(request, "intel/delete.html", context, status_code=422 if error else 200)


@router.get("/collections/{ref}/delete")
def delete_form(ref: str, request: Request, session: DbSession, actor: WebAdmin) -> Response:
    """Admins: what deleting the collection does, and a confirmation by typing its alias."""
    return _delete_page(request, session, actor, ref)


@router.post("/collections/{ref}/delete")
def delete(
    ref: str, request: Request, session: DbSession, actor: WebAdmin, _: Csrf, confirm: TextField = ""
) -> Response:
    """Delete the collection once its alias (or TAXII id) is typed; the count names only what the admin could read."""
    access = intel.get_collection(session, actor.principal, ref)
    if confirm.strip() != (access.alias or access.taxii_id):
        return _delete_page(request, session, actor, ref, error="Type the collection's alias exactly to delete it.")
    deleted = intel.delete_collection(session, actor, collection=ref)
    flash(request, f"Collection “{access.title}” deleted with its {deleted} stored versions you could read.", "success")
    return redirect("/intel")


@router.get("/export")
def export(
    request: Request,
    session: DbSession,
    viewer: SignedIn,
    state: State,
    collection: Annotated[list[str] | None, Query()] = None,
    type: Annotated[list[str] | None, Query()] = None,
    latest: str = "",
) -> Response:
    """One STIX bundle (STIX 2.1 section 8) of what the viewer may read: every collection or those named, every type
    or those named, all versions or the newest of each; streamed page by page, each page in its own short
    transaction (AMBER+STRICT and RED reads audited as through TAXII)."""
    documents = exchange.export_documents(
        session,
        lambda: session_scope(state.session_factory),
        viewer.principal,
        collections=collection,
        versions="last" if latest else "all",
        types=[t for t in type or [] if t],
    )
    name = "-".join(collection or ["all"])[:60]
    disposition = f'attachment; filename="liaison-hub-{quote(name, safe="")}.json"'
    return StreamingResponse(
        exchange.bundle_parts(documents),
        media_type=MEDIA_TYPE_STIX,
        headers={"Content-Disposition": disposition, "Cache-Control": "no-store"},
    )
