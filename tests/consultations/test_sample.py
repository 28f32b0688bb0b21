"""The demo consultation: created once, fairly scheduled, with an action; invisible outside its marking."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from liaison_hub.consultations import repository as repo
from liaison_hub.consultations.sample import TITLE, load_sample
from liaison_hub.policy.levels import parse_classification
from liaison_hub.policy.principal import Role
from tests.factories import make_organisation, make_user, principal


def test_demo_consultation_is_loaded_once_and_follows_its_marking(session: Session) -> None:
    accreditation = parse_classification("NS")
    assert load_sample(session, accreditation=accreditation, today=date(2026, 11, 29)) is True
    assert load_sample(session, accreditation=accreditation, today=date(2026, 11, 29)) is False

    liaison = principal(session, "liaison")
    series = [s for s in repo.list_series(session, liaison) if s.title == TITLE]
    assert len(series) == 1
    meetings = repo.meetings_of_series(session, liaison, [series[0].id])
    assert len(meetings) == 4
    assert len(repo.actions_of_meetings(session, liaison, [m.id for m in meetings])) == 1

    # Within ALLIANCE + AP4: a Belgian analyst sees it; a Swiss one (neither member nor partner) does not.
    assert [s.title for s in repo.list_series(session, principal(session, "analyst-be"))] == [TITLE]
    make_organisation(session, "CHE-NCSC", "CHE")
    make_user(session, "analyst-ch", "CHE-NCSC", Role.analyst, clearance="NS")
    outsider = principal(session, "analyst-ch")
    assert repo.list_series(session, outsider) == []
    assert repo.meetings_of_series(session, outsider, [series[0].id]) == []
