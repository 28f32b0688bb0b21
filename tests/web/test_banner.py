"""The classification banner: highest marking among a page's records, at the top and bottom of the page."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from liaison_hub.api.deps import DbSession
from liaison_hub.config import Settings
from liaison_hub.models import Audience
from liaison_hub.policy import Marking, audience_for, parse_classification
from liaison_hub.policy.levels import TLP
from liaison_hub.web import page_router, render
from liaison_hub.web.rendering import banner_for, templates
from tests.conftest import LiveServer
from tests.factories import organisation_id

NS = parse_classification("NS")


def _audience(session: Session, tlp: str, classification: str, owner: str = "JPN-NCC", **extra: object) -> Audience:
    marking = Marking(tlp=tlp, classification=classification, owner_organisation_id=organisation_id(session, owner))
    return audience_for(session, marking.model_copy(update=extra), accreditation=NS)


def test_no_records_means_the_lowest_level_and_clear() -> None:
    banner = banner_for([])
    assert (banner.classification, banner.code, banner.tlp) == ("NATO UNCLASSIFIED", "NU", TLP.clear)
    assert banner.label == "NATO UNCLASSIFIED // TLP:CLEAR"


def test_highest_classification_and_most_restrictive_tlp_win(session: Session) -> None:
    green_secret = _audience(session, "green", "NS")
    red_restricted = _audience(session, "red", "NR", recipients=(organisation_id(session, "AUS-CSC"),))
    amber_confidential = _audience(session, "amber+strict", "NC")
    assert banner_for([green_secret, amber_confidential]).label == "NATO SECRET // TLP:AMBER+STRICT"
    banner = banner_for([red_restricted, green_secret, amber_confidential])
    assert (banner.code, banner.tlp) == ("NS", TLP.red)


@pytest.mark.parametrize(("tlp", "slug"), [("amber+strict", "amber-strict"), ("red", "red"), ("green", "green")])
def test_banner_macro_marks_colour_classes(session: Session, tlp: str, slug: str) -> None:
    recipients = (organisation_id(session, "AUS-CSC"),) if tlp == "red" else ()
    banner = banner_for([_audience(session, tlp, "NC", recipients=recipients)])
    macro = templates.env.get_template("_banner.html").module.classification_banner
    html = str(macro(banner, "top"))
    assert 'class="banner banner--nc"' in html
    assert f'class="tlp tlp--{slug}"' in html
    assert "NATO CONFIDENTIAL" in html


def test_a_module_page_passing_audiences_gets_its_banner_top_and_bottom(settings: Settings, session: Session) -> None:
    secret = _audience(session, "amber", "NS", releasable_to=("AP4",))
    session.commit()
    router = page_router()

    @router.get("/test-marked-page")
    def marked_page(request: Request, db: DbSession) -> Response:
        rows = [db.get(Audience, secret.id)]
        return render(request, "error.html", {"status": 200, "title": "Marked", "message": "x"}, audiences=rows)

    server = LiveServer(settings)
    app = server.server.config.app
    assert isinstance(app, FastAPI)
    app.include_router(router)
    with server, httpx.Client(base_url=server.url) as client:
        html = client.get("/test-marked-page").text
    top, bottom = html.find('data-banner="top"'), html.rfind('data-banner="bottom"')
    assert 0 < top < html.find("<main") < html.find("</main>") < bottom
    assert html.count('<span class="banner__classification">NATO SECRET</span>') == 2
    assert html.count('<span class="tlp tlp--amber">TLP:AMBER</span>') == 2
    assert html.count('class="banner banner--ns"') == 2
