"""Dependencies of web pages: the signed-in viewer (from the session cookie only) and the actor for writes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from liaison_hub.api.deps import DbSession, State, client_source, cookie_principal
from liaison_hub.directory import service as directory
from liaison_hub.errors import Unauthenticated
from liaison_hub.policy.principal import Actor
from liaison_hub.policy.rights import require_admin, require_write
from liaison_hub.web.rendering import Viewer


def signed_in(request: Request, session: DbSession, state: State) -> Viewer:
    """The signed-in user; anyone else is sent to the sign-in page (see errors.py)."""
    principal = cookie_principal(request, session, state)
    if principal is None:
        raise Unauthenticated()
    account = directory.user(session, principal.username)
    viewer = Viewer(
        principal=principal,
        display_name=account.display_name,
        organisation=account.organisation.short_name,
        timezone=account.timezone,
    )
    request.state.viewer = viewer
    return viewer


SignedIn = Annotated[Viewer, Depends(signed_in)]


async def web_actor(request: Request, viewer: SignedIn) -> Actor:
    """The viewer acting from their address, for services and the audit trail."""
    return Actor(viewer.principal, client_source(request))


async def web_writer(actor: Annotated[Actor, Depends(web_actor)]) -> Actor:
    """A viewer who may write shared records at all (``policy.rights``, as the API's ``Writer`` asks), before any
    form is read; the service then asks about the record itself."""
    require_write(actor, what="change shared records")
    return actor


async def web_admin(actor: Annotated[Actor, Depends(web_actor)]) -> Actor:
    require_admin(actor)
    return actor


WebActor = Annotated[Actor, Depends(web_actor)]
WebWriter = Annotated[Actor, Depends(web_writer)]
WebAdmin = Annotated[Actor, Depends(web_admin)]
