"""My calendar feeds: subscription URLs for a calendar application, personal (every consultation I may read) or for
one series. The URL is shown once, with a copy button; revoking it stops it at once."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from liaison_hub.api.deps import DbSession, State
from liaison_hub.consultations import feeds, service
from liaison_hub.errors import HubError, InvalidFields
from liaison_hub.web.deps import SignedIn, WebActor
from liaison_hub.web.errors import page_router
from liaison_hub.web.forms import TextField, form_problems
from liaison_hub.web.rendering import Viewer, flash, redirect, render
from liaison_hub.web.security import Csrf

router = page_router(prefix="/consultations/feeds")
FEED_PATH = "/api/v1/consultations/feeds/{secret}.ics"


def _feeds_page(
    request: Request,
    session: Session,
    viewer: Viewer,
    *,
    created: str | None = None,
    error: HubError | None = None,
    chosen: str = "",
) -> Response:
    rows = service.list_series(session, viewer.principal)
    context = {
        "feeds": feeds.feeds_of(session, viewer.principal),
        "series": {s.id: s.title for s in rows},
        "created": str(request.base_url).rstrip("/") + FEED_PATH.format(secret=created) if created else None,
        "problems": form_problems(error),
        "chosen": chosen,
    }
    status = error.status if error else 201 if created else 200
    return render(
        request,
        "consultations/feeds.html",
        context,
        audiences=service.audiences(session, [s.audience_id for s in rows]),
        status_code=status,
    )


@router.get("")
def my_feeds(request: Request, session: DbSession, viewer: SignedIn, series: str = "") -> Response:
    return _feeds_page(request, session, viewer, chosen=series)


@router.post("")
def create_feed(
    request: Request,
    session: DbSession,
    state: State,
    actor: WebActor,
    viewer: SignedIn,
    _: Csrf,
    series: TextField = "",
) -> Response:
    """A new subscription URL, for every series I may read or for one; the answering page alone shows it."""
    try:
        if series and not series.isdecimal():
            raise InvalidFields([("series", "choose a series from the list, or every series")])
        series_id = int(series) if series else None
        _row, secret = feeds.create_feed(session, actor, series_id=series_id, secret_key=state.settings.secret_key)
    except HubError as exc:
        session.rollback()
        return _feeds_page(request, session, viewer, error=exc, chosen=series)
    return _feeds_page(request, session, viewer, created=secret)


@router.post("/{feed_id}/revoke")
def revoke_feed(feed_id: int, request: Request, session: DbSession, actor: WebActor, _: Csrf) -> Response:
    """Revoke one of my feeds: calendar applications subscribed to it get nothing more."""
    row = feeds.revoke_feed(session, actor, feed_id=feed_id)
    flash(request, f"Calendar feed {row.prefix}… revoked.", "success")
    return redirect("/consultations/feeds")
