"""FIMI's JSON API over real HTTP: imports in every format with refusals that say why, the inbox and decisions,
charts as JSON and CSV, clusters, correlations with intelligence, incidents and their STIX, 404 alike for
missing and hidden, 403 for readers and markings above clearance."""

from __future__ import annotations

import csv
import io

from sqlalchemy.orm import Session

from liaison_hub.fimi import terms
from tests.conftest import LiveServer
from tests.factories import make_token
from tests.fimi.helpers import NS, TENTACLES, actor, incident_data, make_narrative
from tests.fimi.helpers import report as item
from tests.intel_extras.conftest import indicator, make_collection, marked, store

SHARED = {"tlp": "green", "releasable_to": ["ALLIANCE", "AP4"]}
FORM = {"tlp": "green", "releasable_to": "ALLIANCE, AP4"}
RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Kiwi Current</title>
<item><title>One</title><link>https://kiwi.example.nz/1</link><pubDate>Mon, 01 Jun 2026 09:00:00 GMT</pubDate>
<description>The Indo-Pacific partners met in Wellington to discuss the Asia-Pacific.</description></item>
</channel></rss>"""


def _tokens(session: Session, *users: str) -> dict[str, str]:
    tokens = {u: make_token(session, u) for u in users}
    session.commit()
    return tokens


def test_imports_in_every_format_and_refusals_that_say_why(session: Session, live_server: LiveServer) -> None:
    tokens = _tokens(session, "liaison", "reader-kr", "analyst-au")
    with live_server.client(tokens["liaison"]) as api:
        created = api.post("/api/v1/fimi/reports", json={"reports": [item()], "marking": SHARED})
        assert created.status_code == 201, created.text
        assert created.json()["stored"] == 1
        lines = b"\n".join(
            [
                b'{"outlet": "X", "published_at": "2026-06-01T00:00:00Z", "text": "A text.", "language": "xx"}',
                b"not json",
            ]
        )
        refused = api.post("/api/v1/fimi/reports/import", files={"file": ("r.jsonl", lines)}, data={"tlp": "green"})
        assert refused.status_code == 422
        reasons = [r["reason"] for r in refused.json()["refused"]]
        assert "unknown language code" in reasons[0]
        assert "not valid JSON" in reasons[1]
        feed = api.post(
            "/api/v1/fimi/reports/import", files={"file": ("k.rss", RSS)}, data=FORM | {"outlet_country": "NZL"}
        )
        assert feed.status_code == 201, feed.text
        text = b"Outlet: Harbour Herald\nPublished: 2026-06-02T10:00:00Z\n\nCanberra warned Beijing again."
        assert api.post("/api/v1/fimi/reports/import", files={"file": ("h.txt", text)}, data=FORM).status_code == 201
        not_feed = api.post("/api/v1/fimi/reports/import", files={"file": ("x.xml", b"<a>b</a>")})
        assert (not_feed.status_code, "not an RSS or Atom feed" in not_feed.json()["detail"]) == (422, True)
        empty_page = api.post("/api/v1/fimi/reports/import", files={"file": ("e.html", b"<html><nav>x</nav></html>")})
        assert empty_page.status_code == 422
        assert "no text" in empty_page.json()["detail"]
        above = api.post("/api/v1/fimi/reports", json={"reports": [item()], "marking": {"classification": "CTS"}})
        assert above.status_code == 422
        assert "accreditation" in above.json()["detail"]
    with live_server.client(tokens["analyst-au"]) as australia:
        secret = australia.post("/api/v1/fimi/reports", json={"reports": [item()], "marking": {"classification": "NS"}})
        assert secret.status_code == 403
        assert "clearance" in secret.json()["detail"]
    with live_server.client(tokens["reader-kr"]) as korea:
        assert korea.post("/api/v1/fimi/reports", json={"reports": [item()], "marking": SHARED}).status_code == 403
        listed = korea.get("/api/v1/fimi/reports").json()
        assert {r["outlet"] for r in listed} == {"Global Courier", "Kiwi Current", "Harbour Herald"}


def test_inbox_decisions_chart_csv_clusters_and_correlations(session: Session, live_server: LiveServer) -> None:
    narrative = make_narrative(session)
    terms.create_term_set(session, actor(session, "liaison"), data=terms.ASIA_INDO_PACIFIC, accreditation=NS)
    make_collection(session, "cti")
    site = indicator("[domain-name:value = 'news.example.cn']", "courier site")
    store(session, "analyst-jp", marked(site, "amber", releasable_to=("JPN",)), "cti")
    tokens = _tokens(session, "liaison", "analyst-jp", "analyst-au")
    story = " ".join(f"Part {i}: the alliance reaches into the ports of the region." for i in range(8))
    with live_server.client(tokens["liaison"]) as api:
        api.post(
            "/api/v1/fimi/reports",
            json={
                "marking": SHARED,
                "reports": [
                    item(),
                    item(story, outlet="Eastern Truth", days=1),
                    item("Also: " + story, outlet="Kiwi Current", days=2),
                ],
            },
        )
        inbox = api.get("/api/v1/fimi/reports", params={"pending": "true"}).json()
        assert [r["outlet"] for r in inbox] == ["Global Courier"]
        report_id = inbox[0]["id"]
        decided = api.put(f"/api/v1/fimi/reports/{report_id}/suggestions/{narrative.id}", json={"status": "confirmed"})
        assert decided.json()[0]["status"] == "confirmed"
        assert api.get("/api/v1/fimi/reports", params={"pending": "true"}).json() == []
        assert api.get(f"/api/v1/fimi/narratives/{narrative.id}").json()["reports"] == 1
        assert sum(w["count"] for w in api.get(f"/api/v1/fimi/narratives/{narrative.id}/weeks").json()) == 1
        term_set = api.get("/api/v1/fimi/term-sets").json()[0]
        chart = api.get(f"/api/v1/fimi/term-sets/{term_set['id']}/chart", params={"by": "country"}).json()
        assert {(p["term"], p["group"]) for p in chart["points"]} == {("Asia-Pacific", "CHN"), ("Indo-Pacific", "CHN")}
        exported = api.get(f"/api/v1/fimi/term-sets/{term_set['id']}/chart.csv", params={"by": "outlet"})
        assert exported.headers["content-type"].startswith("text/csv")
        assert next(csv.reader(io.StringIO(exported.text))) == ["week", "term", "outlet", "count"]
        clusters = api.get("/api/v1/fimi/clusters").json()
        assert [(c["size"], c["outlets"]) for c in clusters] == [(2, 2)]
        assert api.get(f"/api/v1/fimi/reports/{report_id}/correlations").json() == []
    with live_server.client(tokens["analyst-jp"]) as japan:
        found = japan.get(f"/api/v1/fimi/reports/{report_id}/correlations").json()
        assert [(v["value"], v["records"][0]["name"]) for v in found] == [("news.example.cn", "courier site")]
        named = japan.get("/api/v1/fimi/reports", params={"mentions": "domain-name:news.example.cn"}).json()
        assert [r["id"] for r in named] == [report_id]


def test_incidents_and_their_stix_and_not_found_alike(session: Session, live_server: LiveServer) -> None:
    tokens = _tokens(session, "liaison", "analyst-jp", "analyst-au")
    data = incident_data(marking={"tlp": "amber", "releasable_to": ["JPN"]}).model_dump(mode="json")
    with live_server.client(tokens["analyst-jp"]) as japan:
        created = japan.post("/api/v1/fimi/incidents", json=data)
        assert created.status_code == 201, created.text
        incident_id = created.json()["id"]
        assert [t["disarm_id"] for t in created.json()["techniques"]] == ["T0003", "C00008"]
        bundle = japan.get(f"/api/v1/fimi/incidents/{incident_id}/stix").json()
        assert bundle["type"] == "bundle"
        assert any(o["type"] == "incident" for o in bundle["objects"])
        bad = japan.post("/api/v1/fimi/incidents", json=data | {"techniques": [{"disarm_id": "T9999"}]})
        assert (bad.status_code, "unknown DISARM id" in bad.json()["detail"]) == (422, True)
        tier = japan.post(
            "/api/v1/fimi/incidents", json=data | {"actors": [{"name": "x", "tier": "proxy", "confidence": 5}]}
        )
        assert tier.status_code == 422
        assert len(japan.get("/api/v1/fimi/incidents").json()) == 1
    with live_server.client(tokens["analyst-au"]) as australia:
        hidden = australia.get(f"/api/v1/fimi/incidents/{incident_id}")
        missing = australia.get("/api/v1/fimi/incidents/4294967297")
        assert hidden.status_code == missing.status_code == 404
        assert hidden.json()["detail"].startswith("no incident")
        assert australia.get(f"/api/v1/fimi/incidents/{incident_id}/stix").status_code == 404
        assert australia.get("/api/v1/fimi/incidents").json() == []
    assert TENTACLES
