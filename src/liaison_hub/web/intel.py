"""Intel pages: collections, a collection's objects with filters, an object (marking, versions, correlated
records, sightings), search by value, and an upload form for STIX bundles or JSON lines."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import File, Request, UploadFile
from fastapi.responses import Response
from sqlalchemy.orm import Session

from liaison_hub.api.deps import DbSession, State
from liaison_hub.errors import Forbidden, HubError
from liaison_hub.intel import exchange
from liaison_hub.intel import service as intel
from liaison_hub.intel.api import upload_result
from liaison_hub.intel.browse import service as browse
from liaison_hub.intel.correlation import service as correlation
from liaison_hub.intel.schemas import DEFAULT_WRITE_ROLES, CollectionAccess, CollectionCreate
from liaison_hub.policy.levels import TLP, classification_levels
from liaison_hub.policy.principal import Role
from liaison_hub.web.deps import SignedIn, WebAdmin, WebWriter
from liaison_hub.web.errors import page_router
from liaison_hub.web.forms import ChoiceFields, TextField, parse_form
from liaison_hub.web.rendering import NAV_ITEMS, NavItem, flash, redirect, render
from liaison_hub.web.security import Csrf

router = page_router(prefix="/intel")
NAV_ITEMS.append(NavItem("Intel", "/intel", order=20))
TLPS = [t.value for t in TLP]


def object_url(collection: str, stix_id: str) -> str:
    return f"/intel/collections/{quote(collection, safe='')}/objects/{quote(stix_id, safe='')}"


def _ref(access: CollectionAccess) -> str:
    return access.alias or access.taxii_id


@router.get("")
def collections_page(request: Request, session: DbSession, viewer: SignedIn) -> Response:
    """The collections the viewer can read or write, and a search box for values across all of them."""
    rows = intel.list_collections(session, viewer.principal)
    return render(request, "intel/collections.html", {"collections": rows, "ref": _ref})


def _names(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


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
        "error": error.message if error else None,
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
                "releasable_to": _names(releasable_to) or None,
                "recipients": _names(recipients),
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


@router.get("/search")
def search_page(request: Request, session: DbSession, viewer: SignedIn, state: State, q: str = "") -> Response:
    """Which readable records mention a value; an unknown form of value is a 422 with the reason."""
    result = None
    if q.strip():
        result = correlation.search(
            session, viewer.principal, value=q, correlation_limit=state.settings.correlation_limit
        )
    audiences = browse.audiences(session, [r.audience_id for r in result.records]) if result else []
    context = {"q": q, "result": result, "object_url": object_url}
    return render(request, "intel/search.html", context, audiences=audiences)


@router.get("/collections/{ref}")
def objects_page(
    ref: str,
    request: Request,
    session: DbSession,
    viewer: SignedIn,
    type: str = "",
    q: str = "",
    tlp: str = "",
    before: str = "",
) -> Response:
    """A collection's objects (newest readable version of each), newest first, with filters."""
    listing = browse.list_objects(
        session,
        viewer.principal,
        collection=ref,
        type=type or None,
        query=q or None,
        tlp=tlp or None,
        before=before or None,
    )
    filters = {"type": type, "q": q, "tlp": tlp}
    older = None
    if listing.next_before:
        older = "?" + "&".join(f"{k}={quote(v)}" for k, v in {**filters, "before": listing.next_before}.items() if v)
    context = {
        "listing": listing,
        "ref": ref,
        "filters": filters,
        "tlps": TLPS,
        "older": older,
        "object_url": object_url,
    }
    audiences = browse.audiences(session, [o.audience_id for o in listing.objects])
    return render(request, "intel/objects.html", context, audiences=audiences)


@router.get("/collections/{ref}/objects/{stix_id}")
def object_page(
    ref: str, stix_id: str, request: Request, session: DbSession, viewer: SignedIn, state: State
) -> Response:
    """One object: its newest readable version, its versions, the records that share its values, its sightings."""
    detail = browse.object_detail(
        session, viewer.principal, collection=ref, stix_id=stix_id, correlation_limit=state.settings.correlation_limit
    )
    context = {"detail": detail, "ref": ref, "object_url": object_url}
    return render(request, "intel/object.html", context, audiences=browse.audiences(session, detail.audience_ids))


def _upload_page(
    request: Request, session: Session, viewer: SignedIn, ref: str, *, error: HubError | None = None
) -> Response:
    access = intel.get_collection(session, viewer.principal, ref)
    context = {"collection": access, "ref": ref, "error": error.message if error else None, "result": None}
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
) -> Response:
    """Store the file's objects as the viewer; a file that is not JSON or not STIX stores nothing."""
    try:
        result = intel.ingest(
            session,
            actor,
            collection=ref,
            objects=exchange.read_objects(file.file),
            accreditation=state.accreditation,
        )
    except HubError as exc:
        session.rollback()
        return _upload_page(request, session, viewer, ref, error=exc)
    access = intel.get_collection(session, viewer.principal, ref)
    context = {"collection": access, "ref": ref, "error": None, "result": upload_result(result)}
    return render(request, "intel/upload.html", context)


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
