"""Server-rendered web interface (Jinja2, htmx as an enhancement) over the same services as the JSON API.

How a module adds pages (intel, consultations, ...):

1. Routes: in ``web/<module>.py`` make ``router = page_router(prefix="/<module>")`` (from ``web.errors``) and
   add the router to ``_page_routers()`` below: one import and one list entry. Page routes take ``SignedIn``
   (or ``WebWriter`` for writes of shared records, ``WebActor`` for self-service, ``WebAdmin``) from ``web.deps``
   and ``DbSession`` from ``api.deps``, call services, and return ``render(...)`` or ``redirect(...)`` from
   ``web.rendering``. The services ask ``policy.rights`` again for the record itself. Raise the usual
   ``HubError`` subclasses: on a page they render as an HTML error page with their status (anonymous visitors
   are sent to /login), while the JSON API keeps its JSON errors.
2. Templates: ``web/templates/<module>/<page>.html`` starting with ``{% extends "base.html" %}`` and filling
   the blocks ``title`` and ``content`` (optionally ``head`` for extra tags, ``nav_extra`` for page-specific
   nav entries). ``render`` gives every template ``viewer`` (``Viewer``: principal, display_name,
   organisation, timezone; None when signed out), ``csrf_field``, ``csrf_token``, ``timezone`` and
   ``banner``; show times with ``{{ value|local_time(timezone) }}`` (the viewer's own time zone).
3. Classification banner: pass every marked record's audience to ``render(request, template, context,
   audiences=[...])`` (``Audience`` rows, e.g. ``record.audience`` loaded with the records). The banner at
   the top and bottom of the page shows the highest classification and the most restrictive TLP among them
   (``policy.schemas.highest``); a page with no marked records shows NATO UNCLASSIFIED // TLP:CLEAR. Never
   compute a banner by hand; the macro is ``classification_banner`` in ``templates/_banner.html`` (used by
   base.html) for the rare page that needs one elsewhere (e.g. a marked fragment).
4. Navigation: append to ``NAV_ITEMS`` at import time of your page module, e.g.
   ``NAV_ITEMS.append(NavItem("Intel", "/intel", order=20))`` (``admin_only=True`` hides it from others).
   Directory items use orders 80-90; pick 10-70 for the work modules.
5. Forms and CSRF: every ``<form method="post">`` contains ``{{ csrf_field }}`` (a hidden ``csrf_token``
   input), and every POST endpoint takes ``_: Csrf`` (``web.security``); a mismatch is refused with 403.
   htmx requests may send the token in the ``X-CSRF-Token`` header instead. Post/redirect/get with
   ``flash(request, message)`` + ``redirect(url)``; for htmx (``is_htmx(request)``) return a fragment
   template (see ``templates/directory/_grouping_members.html``) rendered with ``render``. To keep what the
   visitor typed when a service refuses a form, catch ``HubError`` around the call, ``session.rollback()``
   and re-render the page with ``status_code=exc.status`` (see ``directory.add_organisation``).
6. htmx is optional: ``scripts/fetch-assets`` puts it in ``static/vendor/`` (git-ignored) from the npm
   registry; pages include it only when present, so every form must also work as a plain HTML form
   (``method``/``action`` plus ``hx-post``/``hx-target``).
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles

from liaison_hub.web.errors import install_error_pages, page_router
from liaison_hub.web.rendering import NAV_ITEMS, STATIC_DIR, NavItem, flash, is_htmx, redirect, render

__all__ = ["NAV_ITEMS", "NavItem", "flash", "install", "is_htmx", "page_router", "redirect", "render"]


def _page_routers() -> list[APIRouter]:
    """Every module's page router; a module adds its pages with one import and one entry here."""
    from liaison_hub.web import (
        account,
        audit,
        consultations,
        directory,
        edt,
        edt_projects,
        feeds,
        fimi,
        intel,
        intel_files,
        meetings,
        pages,
        tokens,
        users,
    )

    return [
        pages.router,
        account.router,
        directory.router,
        users.router,
        tokens.router,
        audit.router,
        consultations.router,
        meetings.router,
        feeds.router,
        intel_files.router,
        intel.router,
        fimi.router,
        edt.router,
        edt_projects.router,
    ]


def install(app: FastAPI) -> None:
    """Mount the web pages, their static files and their HTML error pages on ``app``."""
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for router in _page_routers():
        app.include_router(router)
    install_error_pages(app)
