"""FIMI and the rest of the hub: an agenda item links a narrative or an incident under the record's own marking;
the demo data set loads once."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from liaison_hub.consultations import meetings, views
from liaison_hub.consultations.schemas import AgendaItemCreate
from liaison_hub.fimi import links, sample
from liaison_hub.fimi import repository as repo
from tests.consultations.helpers import scheduled_series
from tests.fimi.helpers import JAPAN_ONLY, NS, actor, make_incident, make_narrative


def test_an_agenda_item_links_a_narrative_and_an_incident_marked_as_they_are(session: Session) -> None:
    _, rows = scheduled_series(session)
    japan = actor(session, "analyst-jp")
    narrative = make_narrative(session, "analyst-jp", JAPAN_ONLY)
    incident = make_incident(session)
    refs = [
        links.agenda_link(session, japan.principal, kind=links.NARRATIVE, record_id=narrative.id),
        links.agenda_link(session, japan.principal, kind=links.INCIDENT, record_id=incident.id),
    ]
    meetings.add_agenda_item(
        session,
        japan,
        meeting_id=rows[0].id,
        accreditation=NS,
        data=AgendaItemCreate(title="Narratives ahead of the summit", links=refs),
    )
    seen_by_jp = views.meeting_detail(session, japan.principal, rows[0].id, date(2027, 1, 1)).agenda[0].links
    assert sorted((link.kind, link.label) for link in seen_by_jp) == [
        ("fimi.incident", incident.title),
        ("fimi.narrative", narrative.title),
    ]
    seen_by_nz = (
        views.meeting_detail(session, actor(session, "analyst-nz").principal, rows[0].id, date(2027, 1, 1))
        .agenda[0]
        .links
    )
    assert [link.kind for link in seen_by_nz] == ["fimi.incident"]


def test_the_demo_data_set_loads_once(session: Session) -> None:
    assert sample.load_sample(session, accreditation=NS)
    assert not sample.load_sample(session, accreditation=NS)
    liaison = actor(session, "liaison").principal
    reports = repo.list_reports(session, liaison, limit=500)
    assert {r.language for r in reports} == {"en", "zh", "ja", "ko"}
    assert len(repo.list_narratives(session, liaison)) == 5
    assert len(repo.list_incidents(session, liaison)) == 1
    japan = actor(session, "analyst-jp").principal
    assert len(repo.list_reports(session, japan, limit=500)) > len(reports)
