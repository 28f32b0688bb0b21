"""The readable audiences computed ahead of time (``policy.visibility``) are always those ``readable`` would give:
recomputed when an audience is added or grouping membership changes, never taken from a transaction that made
audiences of its own, and a statement run without them fails instead of showing everything."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError, StatementError
from sqlalchemy.orm import Session

from liaison_hub.db.engine import create_db_engine, make_session_factory, session_scope
from liaison_hub.directory import service
from liaison_hub.models import Audience
from liaison_hub.models.intel import StixObject
from liaison_hub.policy import Marking, audience_for, parse_classification, visible_audiences
from liaison_hub.policy.visibility import readable_bound, visible_ids
from tests.conftest import SYSTEM_ACTOR, Database
from tests.factories import organisation_id, principal

NS = parse_classification("NS")


def _truth(session: Session, who: str) -> list[int]:
    return sorted(session.scalars(visible_audiences(principal(session, who))))


def test_the_set_follows_new_audiences_and_membership(database: Database) -> None:
    factory = make_session_factory(create_db_engine(database.url))
    with session_scope(factory) as session:
        owner = organisation_id(session, "JPN-NCC")
        audience_for(
            session, Marking(tlp="amber", releasable_to=("AP4",), owner_organisation_id=owner), accreditation=NS
        )
    with session_scope(factory) as session:
        before = visible_ids(session, principal(session, "analyst-be"))
        assert before == _truth(session, "analyst-be")
    with session_scope(factory) as session:
        service.change_grouping_members(session, SYSTEM_ACTOR, code="AP4", add=["BEL"])
    with session_scope(factory) as session:
        widened = visible_ids(session, principal(session, "analyst-be"))
        assert widened == _truth(session, "analyst-be")
        assert len(widened) == len(before) + 1
    with session_scope(factory) as session:
        owner = organisation_id(session, "BEL-CCB")
        audience_for(
            session, Marking(tlp="green", releasable_to=("BEL",), owner_organisation_id=owner), accreditation=NS
        )
    with session_scope(factory) as session:
        assert visible_ids(session, principal(session, "analyst-be")) == _truth(session, "analyst-be")
        assert visible_ids(session, principal(session, "reader-kr")) == _truth(session, "reader-kr")


def test_a_transaction_that_made_an_audience_neither_uses_nor_fills_the_cache(database: Database) -> None:
    factory = make_session_factory(create_db_engine(database.url))
    with session_scope(factory) as session:
        warmed = visible_ids(session, principal(session, "reader-kr"))
    with factory() as session:
        owner = organisation_id(session, "KOR-NCSC")
        made = audience_for(
            session, Marking(tlp="amber", releasable_to=("KOR",), owner_organisation_id=owner), accreditation=NS
        )
        inside = visible_ids(session, principal(session, "reader-kr"))
        assert made.id in inside
        session.rollback()
    with session_scope(factory) as session:
        assert visible_ids(session, principal(session, "reader-kr")) == warmed == _truth(session, "reader-kr")
        assert made.id not in set(session.scalars(select(Audience.id)))


def test_a_bound_statement_without_the_set_fails_closed(session: Session) -> None:
    stmt = readable_bound(select(StixObject.id), StixObject)
    with pytest.raises((StatementError, SQLAlchemyError)):
        session.execute(stmt).all()
    session.rollback()
    assert session.execute(stmt, {"visible_audiences": []}).all() == []
