"""Intel pages: collections (with what the viewer may read in each), a collection's objects with filters and
newer/older pages, an object (marking references resolved, relationships by the names of both ends, indicators of
a malware, versions, correlated records, sightings) and a search over names, descriptions and values. Times are in
the viewer's own zone. Upload, export and collection management are in ``web.intel_files``."""

from __future__ import annotations

import json
from urllib.parse import quote, urlencode

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup, escape

from liaison_hub.api.deps import DbSession, State
from liaison_hub.errors import InvalidInput, NotFound
from liaison_hub.intel import service as intel
from liaison_hub.intel.browse import relations, stats
from liaison_hub.intel.browse import service as browse
from liaison_hub.intel.correlation import service as correlation
from liaison_hub.intel.schemas import CollectionAccess
from liaison_hub.policy.levels import TLP
from liaison_hub.web.deps import SignedIn
from liaison_hub.web.errors import page_router
from liaison_hub.web.rendering import NAV_ITEMS, NavItem, render

router = page_router(prefix="/intel")
NAV_ITEMS.append(NavItem("Intel", "/intel", order=20))
TLPS = [t.value for t in TLP]


def object_url(collection: str, stix_id: str) -> str:
    return f"/intel/collections/{quote(collection, safe='')}/objects/{quote(stix_id, safe='')}"


def ref_of(access: CollectionAccess) -> str:
    return access.alias or access.taxii_id


@router.get("")
def collections_page(request: Request, session: DbSession, viewer: SignedIn) -> Response:
    """The collections the viewer can read or write, how many objects it may read in each, and a search box."""
    rows = intel.list_collections(session, viewer.principal)
    context = {"collections": rows, "ref": ref_of, "counts": stats.object_counts(session, viewer.principal)}
    return render(request, "intel/collections.html", context)


@router.get("/search")
def search_page(request: Request, session: DbSession, viewer: SignedIn, state: State, q: str = "") -> Response:
    """Objects whose name or description holds the text, and, when the text is an address, domain, URL, e-mail
    address or hash, every readable record that mentions it in any form."""
    if len(q) > 4096:
        raise InvalidInput("search text: at most 4096 characters")
    result, named = None, []
    if q.strip():
        named = browse.search_text(session, viewer.principal, text=q)
        try:
            result = correlation.search(
                session, viewer.principal, value=q, correlation_limit=state.settings.correlation_limit
            )
        except InvalidInput:
            result = None  # not a value: the text search alone answers
        if result is not None:  # each record once: those found by value are listed there
            by_value = {(r.collection, r.stix_id) for r in result.records}
            named = [r for r in named if (r.collection, r.stix_id) not in by_value]
    ids = [r.audience_id for r in named] + ([r.audience_id for r in result.records] if result else [])
    context = {"q": q, "result": result, "named": named, "object_url": object_url}
    return render(request, "intel/search.html", context, audiences=browse.audiences(session, ids))


@router.get("/objects/{stix_id}")
def find_object(stix_id: str, session: DbSession, viewer: SignedIn) -> Response:
    """An object by its STIX id alone (links from agendas and other modules): its newest readable version's page."""
    found = correlation.describe(session, viewer.principal, [stix_id]).get(stix_id)
    if found is None:
        raise NotFound(f"no object {stix_id!r} that you may read")
    return RedirectResponse(object_url(found.collection, stix_id), status_code=302)


def _page_link(filters: dict[str, str], **position: str | None) -> str | None:
    wanted = {k: v for k, v in position.items() if v}
    if not wanted:
        return None
    return "?" + urlencode({k: v for k, v in filters.items() if v} | wanted)


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
    after: str = "",
) -> Response:
    """A collection's objects (newest readable version of each), newest first, with filters and newer/older pages."""
    listing = browse.list_objects(
        session,
        viewer.principal,
        collection=ref,
        type=type or None,
        query=q or None,
        tlp=tlp or None,
        before=before or None,
        after=after or None,
    )
    filters = {"type": type, "q": q, "tlp": tlp}
    context = {
        "listing": listing,
        "ref": ref,
        "filters": filters,
        "tlps": TLPS,
        "older": _page_link(filters, before=listing.next_before),
        "newer": _page_link(filters, after=listing.newer_after),
        "object_url": object_url,
        "count": stats.object_counts(session, viewer.principal).get(listing.collection.id, 0),
    }
    audiences = browse.audiences(session, [o.audience_id for o in listing.objects])
    return render(request, "intel/objects.html", context, audiences=audiences)


def _annotated(document: str, labels: dict[str, str]) -> Markup:
    """The STIX JSON, escaped, with each marking reference followed by what it means."""
    text = escape(document)
    for ref, label in labels.items():
        text = text.replace(
            escape(f'"{ref}"'), Markup('"{}" <span class="marking-label">⟨{}⟩</span>').format(ref, label)
        )
    return text


@router.get("/collections/{ref}/objects/{stix_id}")
def object_page(
    ref: str, stix_id: str, request: Request, session: DbSession, viewer: SignedIn, state: State
) -> Response:
    """One object: its newest readable version, what its markings mean, its relationships, versions, correlations
    and sightings."""
    detail = browse.object_detail(
        session, viewer.principal, collection=ref, stix_id=stix_id, correlation_limit=state.settings.correlation_limit
    )
    document = json.loads(detail.document)
    owner = browse.audiences(session, [detail.audience_id])[0].owner_organisation_id
    labels = relations.marking_labels(session, relations.marking_refs(document), owner_organisation_id=owner)
    related = relations.relations(session, viewer.principal, stix_id)
    indicators = [r for r in related if r.relationship_type == "indicates" and r.target_ref == stix_id]
    context = {
        "detail": detail,
        "ref": ref,
        "object_url": object_url,
        "labels": labels,
        "document": _annotated(detail.document, labels),
        "relations": [r for r in related if r not in indicators],
        "indicators": indicators,
    }
    ids = detail.audience_ids | {e.audience_id for r in related for e in (r.source, r.target) if e is not None}
    return render(request, "intel/object.html", context, audiences=browse.audiences(session, ids))
