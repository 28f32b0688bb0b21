"""My API tokens: create one (shown once, never again) and revoke one's own."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from liaison_hub.api.deps import DbSession, State
from liaison_hub.directory import service as directory
from liaison_hub.directory.schemas import TokenCreate
from liaison_hub.errors import HubError
from liaison_hub.policy.principal import Actor
from liaison_hub.web.deps import SignedIn, WebActor
from liaison_hub.web.errors import page_router
from liaison_hub.web.forms import ChoiceFields, TextField, optional, parse_form
from liaison_hub.web.rendering import Viewer, flash, redirect, render
from liaison_hub.web.security import Csrf

router = page_router(prefix="/me/tokens")


def _tokens_page(
    request: Request,
    session: Session,
    viewer: Viewer,
    *,
    created: str | None = None,
    error: HubError | None = None,
    status_code: int = 200,
) -> Response:
    context = {
        "tokens": directory.my_tokens(session, Actor(viewer.principal, "web")),
        "allowed_scopes": sorted(viewer.principal.scopes),
        "created": created,
        "error": error.message if error else None,
    }
    return render(request, "tokens.html", context, status_code=error.status if error else status_code)


@router.get("")
def my_tokens(request: Request, session: DbSession, viewer: SignedIn) -> Response:
    return _tokens_page(request, session, viewer)


@router.post("")
def create_my_token(
    request: Request,
    session: DbSession,
    actor: WebActor,
    viewer: SignedIn,
    state: State,
    _: Csrf,
    name: TextField = "",
    scopes: ChoiceFields = None,
    expires_in_days: TextField = "90",
) -> Response:
    """Create a token for yourself; the page that answers is the only place it is ever shown."""
    fields = {"name": name.strip() or "api", "scopes": scopes or [], "expires_in_days": optional(expires_in_days)}
    try:
        data = parse_form(TokenCreate, **fields)
        _row, token = directory.create_token(
            session, actor, username=viewer.principal.username, data=data, secret_key=state.settings.secret_key
        )
    except HubError as exc:
        session.rollback()
        return _tokens_page(request, session, viewer, error=exc)
    return _tokens_page(request, session, viewer, created=token, status_code=201)


@router.post("/{token_id}/revoke")
def revoke_my_token(request: Request, session: DbSession, actor: WebActor, _: Csrf, token_id: int) -> Response:
    """Revoke one of your tokens; anyone else's (even for an administrator) is "not found" here."""
    row = directory.revoke_token(session, actor, token_id=token_id, own_only=True)
    flash(request, f"Token {row.name!r} ({row.prefix}…) revoked.", "success")
    return redirect("/me/tokens")
