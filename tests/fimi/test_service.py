"""FIMI services on real databases: import merges duplicates keeping every outlet, links, suggests, clusters and
counts; bad input is refused with a reason and leaves nothing behind; decisions are kept and used."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from liaison_hub.errors import Forbidden, InvalidInput, NotFound
from liaison_hub.fimi import clusters, incidents, narratives, service, terms, views
from liaison_hub.fimi import repository as repo
from liaison_hub.fimi.schemas import ChartBy, Decision
from liaison_hub.models import AuditEntry
from liaison_hub.models.fimi import FimiAppearance, FimiIncident, FimiNarrative, FimiReport, FimiTermCount
from liaison_hub.policy.schemas import MarkingIn
from tests.fimi.helpers import (
    NS,
    SHARED,
    TENTACLES,
    actor,
    import_reports,
    incident_data,
    make_incident,
    make_narrative,
)
from tests.fimi.helpers import report as item


def _count(session: Session, model: type) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_duplicates_by_url_or_text_are_merged_keeping_every_outlet(session: Session) -> None:
    first = item(TENTACLES, outlet="Global Courier")
    same_url = item(TENTACLES, outlet="Global Courier") | {"url": first["url"]}
    copy = item(TENTACLES.upper() + "\nSubscribe to our newsletter.", outlet="Pacific Daily Mirror", days=1)
    result = import_reports(session, "liaison", [first, same_url, copy])
    assert (result.stored, result.merged, result.refused) == (1, 2, [])
    reader = actor(session, "analyst-jp").principal
    read = views.report_read(session, reader, result.report_ids[0])
    assert [a.outlet for a in read.appearances] == ["Global Courier", "Pacific Daily Mirror"]
    assert read.outlets == 2
    assert read.language == "en"
    assert read.language_detected


def test_a_report_is_linked_suggested_and_counted(session: Session) -> None:
    narrative = make_narrative(session)
    terms.create_term_set(session, actor(session, "liaison"), data=terms.ASIA_INDO_PACIFIC, accreditation=NS)
    result = import_reports(session, "liaison", [item()])
    read = views.report_read(session, actor(session, "liaison").principal, result.report_ids[0])
    mentions = {(m.kind, m.ref) for m in read.mentions}
    assert {("nation", "CHN"), ("nation", "AUS"), ("grouping", "ALLIANCE"), ("speaker", "Lin Jian")} <= mentions
    assert ("domain-name", "news.example.cn") in mentions
    assert read.suggestions[0].narrative_id == narrative.id
    assert read.suggestions[0].rank == 1
    assert "tentacles" in read.suggestions[0].passage
    term_set = repo.list_term_sets(session, actor(session, "liaison").principal)[0]
    chart = terms.chart(session, actor(session, "liaison").principal, term_set_id=term_set.id)
    assert {(p.term, p.count) for p in chart.points} == {("Asia-Pacific", 1), ("Indo-Pacific", 1)}


def test_a_new_term_set_counts_the_reports_already_stored(session: Session) -> None:
    import_reports(session, "liaison", [item(), item("亚太地区和印太战略。印太。", outlet="Silk Road Observer")])
    row = terms.create_term_set(session, actor(session, "liaison"), data=terms.ASIA_INDO_PACIFIC, accreditation=NS)
    chart = terms.chart(session, actor(session, "liaison").principal, term_set_id=row.id, by=ChartBy.outlet)
    points = {(p.group, p.term): p.count for p in chart.points}
    assert points[("Silk Road Observer", "Indo-Pacific")] == 2
    assert points[("Global Courier", "Asia-Pacific")] == 1
    assert "week,term,outlet,count" in terms.chart_csv(chart)


def test_near_duplicates_form_a_cluster_in_time_order(session: Session) -> None:
    base = " ".join(
        f"Paragraph {i} of the same story about the alliance and the ports of the region." for i in range(10)
    )
    items = [
        item(base, outlet="Global Courier", days=0),
        item("According to media reports, " + base + " Extra closing line.", outlet="Eastern Truth", days=1),
        item(base.replace("Paragraph 9", "Para 9"), outlet="Pacific Daily Mirror", days=2),
        item("Heavy rain disrupted trains in several cities on Tuesday, officials said.", outlet="Kiwi Current"),
    ]
    result = import_reports(session, "liaison", items)
    reader = actor(session, "analyst-au").principal
    found = clusters.cluster(session, reader, result.report_ids[0])
    assert found.size == 3
    assert [m.outlet for m in found.members] == ["Global Courier", "Eastern Truth", "Pacific Daily Mirror"]
    assert [c.size for c in clusters.list_clusters(session, reader)] == [3]


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ({"language": "xx"}, "unknown language code"),
        ({"outlet_country": "ZZZ"}, "unknown nation code"),
        ({"url": "javascript:alert(1)"}, "url"),
        ({"text": ""}, "text"),
        ({"published_at": "yesterday"}, "published_at"),
    ],
)
def test_bad_items_are_refused_with_a_reason_and_leave_nothing(
    session: Session, bad: dict[str, str], reason: str
) -> None:
    before = (_count(session, FimiReport), _count(session, FimiAppearance))
    result = import_reports(session, "liaison", [item() | bad])
    assert result.stored == 0
    assert len(result.refused) == 1
    assert reason in result.refused[0].reason
    assert (_count(session, FimiReport), _count(session, FimiAppearance)) == before


def test_markings_above_clearance_or_for_readers_are_refused_before_anything_is_written(session: Session) -> None:
    with pytest.raises(Forbidden, match="above your clearance"):
        import_reports(session, "analyst-au", [item()], MarkingIn(tlp="amber", classification="NS"))
    with pytest.raises(Forbidden, match="write"):
        import_reports(session, "reader-kr", [item()])
    assert _count(session, FimiReport) == 0


def test_decisions_are_kept_and_weigh_later_suggestions_of_the_same_marking(session: Session) -> None:
    narrative = make_narrative(session)
    paraphrase = "Observers fear the partnership is the first step towards a NATO-style military bloc for Asia."
    first = import_reports(session, "liaison", [item(paraphrase + " The rest is about trade.")])
    analyst = actor(session, "liaison")
    assert views.report_read(session, analyst.principal, first.report_ids[0]).suggestions == []
    narratives.link_report(
        session, analyst, report_id=first.report_ids[0], narrative_id=narrative.id, passage=paraphrase
    )
    second = import_reports(session, "liaison", [item(paraphrase + " Markets rose.", outlet="Eastern Truth", days=3)])
    suggested = views.report_read(session, analyst.principal, second.report_ids[0]).suggestions
    assert [s.narrative_id for s in suggested] == [narrative.id]
    narratives.decide(
        session, analyst, report_id=second.report_ids[0], narrative_id=narrative.id, status=Decision.rejected
    )
    narratives.rescore(session, actor(session, "admin"))
    kept = views.report_read(session, analyst.principal, second.report_ids[0]).suggestions
    assert [(s.narrative_id, s.status) for s in kept] == [(narrative.id, "rejected")]
    stats = views.narrative_reads(session, analyst.principal, [narrative])[0]
    assert stats.reports == 1
    assert stats.first_seen is not None


def test_incidents_refuse_unknown_disarm_ids_tiers_targets_and_unreadable_records(session: Session) -> None:
    hidden = make_narrative(session, "analyst-jp", MarkingIn(tlp="amber", releasable_to=["JPN"]))
    cases = [
        ({"techniques": [{"disarm_id": "T9999"}]}, InvalidInput, "unknown DISARM id"),
        ({"targets": ["XX1"]}, InvalidInput, "unknown target"),
        ({"narratives": [hidden.id]}, InvalidInput, "no such narratives"),
        ({"marking": {"tlp": "amber", "classification": "CTS"}}, Exception, "accreditation"),
    ]
    for overrides, error, message in cases:
        with pytest.raises(error, match=message):
            incidents.create_incident(
                session, actor(session, "liaison"), data=incident_data(**overrides), accreditation=NS
            )
    with pytest.raises(ValueError, match="tier"):
        incident_data(actors=[{"name": "x", "tier": "state-sponsored", "confidence": 10}])
    assert _count(session, FimiIncident) == 0


def test_an_incident_has_its_techniques_actors_and_a_timeline(session: Session) -> None:
    narrative = make_narrative(session)
    reports = import_reports(session, "liaison", [item()]).report_ids
    row = make_incident(session, narratives=[narrative.id], reports=reports)
    read = incidents.incident_read(session, actor(session, "analyst-jp").principal, row.id)
    assert [(t.disarm_id, t.kind) for t in read.techniques] == [("T0003", "technique"), ("C00008", "countermeasure")]
    assert read.techniques[0].name == "Leverage Existing Narratives"
    assert read.actors[0].tier == "official"
    assert read.targets == ["JPN", "AP4"]
    assert [e.kind for e in read.timeline] == ["start", "technique", "report", "end"]
    actions = set(session.scalars(select(AuditEntry.action)))
    assert {"fimi.incident.create", "fimi.narrative.create", "fimi.reports.import"} <= actions
    japan = make_incident(session, "analyst-jp", marking={"tlp": "amber", "releasable_to": ["JPN"]})
    with pytest.raises(NotFound):
        incidents.incident(session, actor(session, "analyst-au").principal, japan.id)


def test_the_audit_trail_holds_no_content(session: Session) -> None:
    make_narrative(session)
    import_reports(session, "liaison", [item()])
    details = " ".join(str(d) for d in session.scalars(select(AuditEntry.details)))
    assert "tentacles" not in details
    assert "Global Courier" not in details
    assert "Lin Jian" not in details


def test_service_import_file_refuses_a_file_that_is_not_a_feed(session: Session) -> None:
    from liaison_hub.fimi import formats

    with pytest.raises(InvalidInput, match="not an RSS or Atom feed"):
        service.import_file(
            session,
            actor(session, "liaison"),
            data=b"<a>b</a>",
            name="x.xml",
            fmt=None,
            defaults=formats.Defaults(),
            marking=SHARED,
            accreditation=NS,
        )
    assert _count(session, FimiNarrative) == 0
    assert _count(session, FimiTermCount) == 0
