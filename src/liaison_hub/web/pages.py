"""Sign in (Argon2 password), sign out (a GET asks to confirm), the favicon, and the home dashboard."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import FileResponse, Response

from liaison_hub.api.deps import SESSION_KEY, DbSession, State
from liaison_hub.consultations import service as consultations
from liaison_hub.consultations import views
from liaison_hub.directory import service as directory
from liaison_hub.directory.auth import authenticate_password
from liaison_hub.errors import Unauthenticated
from liaison_hub.intel.browse import stats as intel_stats
from liaison_hub.policy.levels import parse_classification
from liaison_hub.web.deps import SignedIn, signed_in
from liaison_hub.web.errors import page_router
from liaison_hub.web.rendering import STATIC_DIR, flash, level_name, redirect, render
from liaison_hub.web.security import Csrf, end_session, safe_next, start_session

router = page_router()

ShortText = Annotated[str, Form(max_length=256)]


@router.get("/login")
def login_page(request: Request, next: str = "/") -> Response:
    """The sign-in form; it carries the anonymous session's CSRF token."""
    if isinstance(request.session.get(SESSION_KEY), str):
        return redirect(safe_next(next))
    return render(request, "login.html", {"next": safe_next(next), "username": "", "error": None})


@router.post("/login")
def login(
    request: Request,
    session: DbSession,
    state: State,
    _: Csrf,
    username: ShortText = "",
    password: ShortText = "",
    next: ShortText = "/",
) -> Response:
    """Check the password (Argon2); on success start a fresh session and go where the visitor was heading."""
    try:
        account = authenticate_password(session, username.strip(), password)
    except Unauthenticated as exc:
        context = {"next": safe_next(next), "username": username, "error": exc.message}
        return render(request, "login.html", context, status_code=401)
    start_session(request, session, state, account)
    flash(request, f"Signed in as {account.display_name}.", "success")
    return redirect(safe_next(next))


@router.get("/logout")
def logout_page(request: Request, session: DbSession, state: State) -> Response:
    """A sign-out link followed (or typed): ask to confirm with a button, since a GET must not sign anyone out (any
    page on any site could link here); a visitor who is not signed in goes to the sign-in page."""
    try:
        signed_in(request, session, state)
    except Unauthenticated:
        flash(request, "You are not signed in.", "info")
        return redirect("/login")
    return render(request, "logout.html")


@router.get("/favicon.ico", include_in_schema=False)
def favicon() -> Response:
    return FileResponse(STATIC_DIR / "favicon.svg", media_type="image/svg+xml")


@router.post("/logout")
def logout(request: Request, session: DbSession, state: State, _: Csrf) -> Response:
    end_session(request, session, state)
    flash(request, "You have signed out.", "success")
    return redirect("/login")


@router.get("/")
def home(request: Request, session: DbSession, viewer: SignedIn, state: State) -> Response:
    """The dashboard: who I am here, what was shared with me this week (by nation and TLP), objects added per week,
    my open actions and the next consultations, all counted over what I may read."""
    account = directory.user(session, viewer.principal.username)
    nation = directory.nation(session, account.organisation.nation_code) if account.organisation.nation_code else None
    today = viewer.today
    actions = consultations.my_actions(session, viewer.principal, today)[:ACTIONS_SHOWN]
    upcoming = consultations.upcoming(session, viewer.principal, limit=MEETINGS_SHOWN)
    weeks = intel_stats.weekly(session, viewer.principal, today=today)
    context = {
        "account": account,
        "organisation": account.organisation,
        "nation": nation,
        "nation_names": directory.nation_names(session),
        "clearance": level_name(viewer.principal.clearance_rank),
        "personal_clearance": parse_classification(account.clearance).name,
        "roles": sorted(viewer.principal.roles),
        "hub_accreditation": state.accreditation.name,
        "this_week": intel_stats.this_week(session, viewer.principal),
        "weeks": weeks,
        "chart": bar_chart(weeks),
        "actions": views.action_reads(session, viewer.principal, actions, today),
        "meetings": views.meeting_reads(session, viewer.principal, upcoming),
    }
    ids = [a.audience_id for a in actions] + [m.audience_id for m in upcoming]
    return render(request, "home.html", context, audiences=consultations.audiences(session, ids))


ACTIONS_SHOWN = 5
MEETINGS_SHOWN = 5


def bar_chart(weeks: list[intel_stats.WeekCount], *, width: int = 600, height: int = 160) -> list[dict[str, object]]:
    """Bars of a small server-rendered SVG chart: one per week, scaled to the busiest week."""
    top = max((w.objects for w in weeks), default=0) or 1
    step = width / max(len(weeks), 1)
    bars = []
    for index, week in enumerate(weeks):
        bar = round((height - 45) * week.objects / top)
        bars.append(
            {"x": round(index * step + 4), "y": height - 20 - bar, "w": round(step - 8), "h": bar, "week": week}
        )
    return bars
