"""My account: who I am on this hub, change my password, and links to my API tokens and calendar feeds."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from liaison_hub.api.deps import DbSession, State
from liaison_hub.directory import service as directory
from liaison_hub.errors import HubError, InvalidInput
from liaison_hub.web.deps import SignedIn, WebActor
from liaison_hub.web.errors import page_router
from liaison_hub.web.forms import TextField, form_problems
from liaison_hub.web.rendering import Viewer, flash, redirect, render
from liaison_hub.web.security import Csrf, start_session

router = page_router(prefix="/me")


def _account_page(request: Request, session: Session, viewer: Viewer, error: HubError | None = None) -> Response:
    account = directory.user(session, viewer.principal.username)
    context = {"account": account, "problems": form_problems(error)}
    return render(request, "account.html", context, status_code=error.status if error else 200)


@router.get("")
def account_page(request: Request, session: DbSession, viewer: SignedIn) -> Response:
    return _account_page(request, session, viewer)


@router.post("/password")
def change_password(
    request: Request,
    session: DbSession,
    state: State,
    actor: WebActor,
    viewer: SignedIn,
    _: Csrf,
    current: TextField = "",
    new: TextField = "",
    confirm: TextField = "",
) -> Response:
    """Change my password; every other session of mine ends, this browser gets a fresh one."""
    try:
        if new != confirm:
            raise InvalidInput("new password: the two entries differ; type the same new password twice")
        account = directory.change_own_password(session, actor, current=current, new=new)
    except HubError as exc:
        session.rollback()
        return _account_page(request, session, viewer, exc)
    start_session(request, session, state, account)
    flash(request, "Your password has been changed; your other sessions have been signed out.", "success")
    return redirect("/me")
