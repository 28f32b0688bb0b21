"""The marking policy on FIMI records, on SQLite and PostgreSQL: a report, narrative, term set or incident a
principal's clearance or nation excludes never appears to it, and never changes anything it sees: no count,
rank, cluster size, chart point, first/last seen or suggestion."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from liaison_hub.fimi import clusters, incidents, narratives, terms, views
from liaison_hub.fimi import repository as repo
from liaison_hub.fimi.schemas import ChartBy, Decision
from liaison_hub.policy.principal import Principal
from liaison_hub.policy.schemas import MarkingIn
from tests.fimi.helpers import JAPAN_ONLY, NS, actor, import_reports, make_incident, make_narrative
from tests.fimi.helpers import report as item

STORY = " ".join(
    f"Paragraph {i}: the alliance is extending its tentacles into the Asia-Pacific ports." for i in range(8)
)
OUTSIDERS = ("analyst-au", "reader-kr", "analyst-be")
SECRET = MarkingIn(tlp="green", classification="NS", releasable_to=["ALLIANCE", "AP4"])


def everything(session: Session, principal: Principal) -> dict[str, Any]:
    """All a principal can learn from FIMI reads: lists, counts, ranks, clusters, charts, narratives, incidents."""
    reports = repo.list_reports(session, principal, limit=500)
    ids = sorted(r.id for r in reports)
    term_sets = repo.list_term_sets(session, principal)
    narrative_rows = repo.list_narratives(session, principal)
    return {
        "reports": [views.report_read(session, principal, i).model_dump() for i in ids],
        "pending": [r.id for r in repo.list_reports(session, principal, pending_only=True)],
        "clusters": [c.model_dump() for c in clusters.list_clusters(session, principal)],
        "cluster_pages": [clusters.cluster(session, principal, i).model_dump() for i in ids],
        "charts": [
            terms.chart(session, principal, term_set_id=t.id, by=by).model_dump() for t in term_sets for by in ChartBy
        ],
        "narratives": [n.model_dump() for n in views.narrative_reads(session, principal, narrative_rows)],
        "weeks": [[w.model_dump() for w in narratives.weeks(session, principal, n.id)] for n in narrative_rows],
        "incidents": [
            incidents.incident_read(session, principal, i.id).model_dump()
            for i in repo.list_incidents(session, principal)
        ],
        "by_nation": [r.id for r in repo.list_reports(session, principal, mentions=("nation", "CHN"))],
    }


def _shared_world(session: Session) -> int:
    narrative = make_narrative(session)
    terms.create_term_set(session, actor(session, "liaison"), data=terms.ASIA_INDO_PACIFIC, accreditation=NS)
    result = import_reports(
        session,
        "liaison",
        [
            item(STORY, outlet="Global Courier"),
            item("According to media reports, " + STORY, outlet="Eastern Truth", days=2),
            item("Heavy rain disrupted trains. The Indo-Pacific forum opened.", outlet="Kiwi Current", days=9),
        ],
    )
    narratives.decide(
        session,
        actor(session, "liaison"),
        report_id=result.report_ids[0],
        narrative_id=narrative.id,
        status=Decision.confirmed,
    )
    make_incident(session, narratives=[narrative.id], reports=result.report_ids[:1])
    narratives.rescore(session, actor(session, "admin"))  # what the shared decisions teach, before the comparison
    return narrative.id


def _hidden_world(session: Session, shared_narrative: int) -> None:
    """Japan's own records (and a SECRET one) touching everything the outsiders see."""
    result = import_reports(
        session,
        "analyst-jp",
        [
            item(STORY + " A closing line.", outlet="Tokyo Evening Review", days=1),
            item(STORY, outlet="Silk Road Observer", days=20),
            item("印太战略与亚太地区。印太。The Indo-Pacific, the Indo-Pacific.", outlet="Global Courier", days=9),
        ],
        JAPAN_ONLY,
    )
    japan = actor(session, "analyst-jp")
    for report_id in result.report_ids:
        narratives.link_report(session, japan, report_id=report_id, narrative_id=shared_narrative)
    make_narrative(session, "analyst-jp", JAPAN_ONLY, title="Japan's own narrative")
    terms.create_term_set(
        session, japan, data=terms.ASIA_INDO_PACIFIC.model_copy(update={"marking": JAPAN_ONLY}), accreditation=NS
    )
    make_incident(session, "analyst-jp", marking=JAPAN_ONLY, reports=result.report_ids, narratives=[shared_narrative])
    import_reports(session, "liaison", [item(STORY, outlet="Harbour Herald", days=30)], SECRET)
    narratives.rescore(session, actor(session, "admin"))


def test_hidden_records_change_nothing_an_outsider_sees(session: Session) -> None:
    shared = _shared_world(session)
    before = {name: everything(session, actor(session, name).principal) for name in OUTSIDERS}
    japan_before = everything(session, actor(session, "analyst-jp").principal)
    _hidden_world(session, shared)
    after = {name: everything(session, actor(session, name).principal) for name in OUTSIDERS}
    for name in OUTSIDERS:
        assert after[name] == before[name], name
    assert before["analyst-au"]["reports"], "the outsiders do see the shared records"
    assert before["analyst-au"]["clusters"][0]["size"] == 2
    japan = everything(session, actor(session, "analyst-jp").principal)
    assert len(japan["reports"]) == len(japan_before["reports"]) + 3
    assert japan["clusters"][0]["size"] > before["analyst-au"]["clusters"][0]["size"]
    assert len(japan["incidents"]) == 2
    assert len(japan["narratives"]) == 2


def test_outsiders_get_not_found_for_hidden_records(session: Session) -> None:
    import pytest

    from liaison_hub.errors import NotFound

    hidden_report = import_reports(session, "analyst-jp", [item()], JAPAN_ONLY).report_ids[0]
    hidden_narrative = make_narrative(session, "analyst-jp", JAPAN_ONLY)
    hidden_incident = make_incident(session, "analyst-jp", marking=JAPAN_ONLY)
    outsider = actor(session, "analyst-au")
    for call in (
        lambda: views.report_read(session, outsider.principal, hidden_report),
        lambda: clusters.cluster(session, outsider.principal, hidden_report),
        lambda: narratives.narrative(session, outsider.principal, hidden_narrative.id),
        lambda: incidents.incident_read(session, outsider.principal, hidden_incident.id),
        lambda: narratives.decide(
            session, outsider, report_id=hidden_report, narrative_id=hidden_narrative.id, status=Decision.confirmed
        ),
    ):
        with pytest.raises(NotFound):
            call()
