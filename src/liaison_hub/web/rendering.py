"""Page rendering: one Jinja2 environment, the classification banner, the nav, flash messages and page headers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from liaison_hub.db.types import utcnow
from liaison_hub.models import Audience
from liaison_hub.policy.levels import TLP, classification_levels, parse_classification
from liaison_hub.policy.principal import Principal
from liaison_hub.policy.rights import may_write
from liaison_hub.policy.schemas import highest
from liaison_hub.web.security import CSRF_FIELD, csrf_token

TEMPLATE_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"
HTMX_FILE = STATIC_DIR / "vendor" / "htmx.min.js"
FLASH_KEY = "flash"

# Pages are ours alone: no framing, no third-party origins, forms post only back to the hub.
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


@dataclass(frozen=True)
class NavItem:
    """A link in the main navigation; ``order`` sorts it, ``admin_only`` hides it from everyone but admins."""

    label: str
    href: str
    order: int = 100
    admin_only: bool = False

    def active(self, path: str) -> bool:
        return path == self.href if self.href == "/" else path == self.href or path.startswith(self.href + "/")


NAV_ITEMS: list[NavItem] = [
    NavItem("Home", "/", order=0),
    NavItem("Directory", "/directory", order=80),
]
"""The main navigation, one short word per module so that it fits one line at 1280 px; a module's own pages link
to each other (e.g. the directory's nations, groupings, organisations and users). Other modules append their own
items (see the package docstring); the viewer's account is linked beside their name."""


@dataclass(frozen=True)
class Viewer:
    """The signed-in user as pages show them; kept on ``request.state.viewer`` for the page frame."""

    principal: Principal
    display_name: str
    organisation: str
    timezone: str

    @property
    def today(self) -> date:
        """Today's date where the viewer is: "due today" and "overdue" are counted in their own time zone."""
        return utcnow().astimezone(ZoneInfo(self.timezone)).date()

    @property
    def can_write(self) -> bool:
        """May write shared records at all (``policy.rights``): pages show write forms only then."""
        return may_write(self.principal)


@dataclass(frozen=True)
class Banner:
    """The classification banner of a page: the highest marking among the records it shows."""

    classification: str
    code: str
    tlp: TLP

    @property
    def tlp_slug(self) -> str:
        return self.tlp.value.replace("+", "-")

    @property
    def label(self) -> str:
        return f"{self.classification} // {self.tlp.label}"


def banner_for(audiences: Iterable[Audience]) -> Banner:
    """The banner for records of ``audiences``; with none it shows the lowest level and TLP:CLEAR."""
    name, tlp = highest(audiences)
    level = parse_classification(name)
    return Banner(classification=level.name, code=level.code, tlp=tlp)


def local_time(value: datetime | None, zone: str = "UTC") -> str:
    """A UTC timestamp as the viewer reads it, in their own time zone."""
    if value is None:
        return ""
    return value.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M %Z")


def stix_time(value: str | None, zone: str = "UTC") -> str:
    """A STIX timestamp ("2027-04-14T05:00:00.000Z") in the viewer's own time zone; as written if unreadable."""
    if not value:
        return ""
    try:
        return local_time(datetime.fromisoformat(value), zone)
    except ValueError:
        return value


def level_name(rank: int) -> str:
    return classification_levels()[rank].name


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["local_time"] = local_time
    env.filters["stix_time"] = stix_time
    env.globals["level_name"] = level_name
    return env


templates = Jinja2Templates(env=_environment())


def flash(request: Request, message: str, level: str = "info") -> None:
    """Queue a message for the next page this browser sees (level: info, success, warning, error)."""
    request.session[FLASH_KEY] = [*request.session.get(FLASH_KEY, []), {"level": level, "text": message}]


def _pop_flashes(request: Request) -> list[dict[str, str]]:
    messages: list[dict[str, str]] = request.session.pop(FLASH_KEY, [])
    return messages


def viewer_of(request: Request) -> Viewer | None:
    viewer: Viewer | None = getattr(request.state, "viewer", None)
    return viewer


def _nav(viewer: Viewer | None, path: str) -> list[tuple[NavItem, bool]]:
    if viewer is None:
        return []
    items = sorted(NAV_ITEMS, key=lambda item: (item.order, item.label))
    return [(item, item.active(path)) for item in items if viewer.principal.is_admin or not item.admin_only]


def _frame(request: Request, audiences: Iterable[Audience]) -> dict[str, Any]:
    """What base.html needs on every page."""
    token = csrf_token(request)
    viewer = viewer_of(request)
    hub = request.app.state.hub
    return {
        "banner": banner_for(audiences),
        "viewer": viewer,
        "nav": _nav(viewer, request.url.path),
        "csrf_token": token,
        "csrf_field": Markup('<input type="hidden" name="{}" value="{}">').format(CSRF_FIELD, token),
        "flashes": _pop_flashes(request),
        "htmx": HTMX_FILE.is_file(),
        "hub_name": hub.settings.hub_name,
        "accreditation": hub.accreditation.name,
        "timezone": viewer.timezone if viewer else "UTC",
    }


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    audiences: Iterable[Audience] = (),
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """Render a page; ``audiences`` are those of every marked record on it and decide the banner."""
    values = _frame(request, audiences) | dict(context or {})
    return templates.TemplateResponse(
        request, template, values, status_code=status_code, headers=PAGE_HEADERS | dict(headers or {})
    )


def is_htmx(request: Request) -> bool:
    """True for requests htmx sends, which want a fragment rather than a whole page."""
    return request.headers.get("hx-request") == "true"


def redirect(url: str) -> RedirectResponse:
    """Post/redirect/get: a 303 makes the browser fetch ``url`` with GET."""
    return RedirectResponse(url, status_code=303)
