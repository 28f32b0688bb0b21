"""The migrations build exactly the tables the models declare (every table, both databases), in one line of
revisions, and an existing database with records written under the old meaning of an empty releasability keeps
who may read them."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from liaison_hub.audit import repository as audit_repo
from liaison_hub.db.engine import create_db_engine
from liaison_hub.db.migrate import heads, upgrade
from liaison_hub.intel.markings import Facets, hub_marking_definition
from liaison_hub.models import Audience, AuditEntry, Base
from liaison_hub.models.intel import IntelCollection, MarkingDefinition
from liaison_hub.policy import Marking, Principal, Role, Scope, visible_audiences
from tests.conftest import Database


def test_every_table_matches_the_models(database: Database) -> None:
    engine = create_db_engine(database.url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert differences == []


def test_one_head(database: Database) -> None:
    assert len(heads(database.url)) == 1


@pytest.fixture
def empty_url(database: Database, tmp_path: Path) -> Iterator[str]:
    """A database with no tables yet, on the same kind of server as ``database``."""
    if database.kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    name = f"liaison_m_{uuid.uuid4().hex[:10]}"
    admin = create_engine(make_url(database.url).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(database.url).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _insert(conn: Connection, table: str, **values: object) -> None:
    columns = ", ".join(values)
    conn.execute(text(f"INSERT INTO {table} ({columns}) VALUES ({', '.join(':' + c for c in values)})"), values)


def _old_hub(url: str) -> None:
    """A hub as the previous revisions left it: GREEN with an empty list (which then meant "anyone"), AMBER REL TO
    AUS, a collection default with an empty list, an audit entry holding a series title, and two definitions."""
    upgrade(url, "0005")
    upgrade(url, "0003")
    engine = create_db_engine(url)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    with engine.begin() as conn:
        for code in ("JPN", "AUS"):
            _insert(conn, "nation", code=code, name=code, status="partner")
        _insert(conn, "organisation", id=1, name="Japan NCC", short_name="JPN-NCC", nation_code="JPN", created_at=now)
        old = {"owner_organisation_id": 1, "owner_nation_code": "JPN", "recipients": "[]", "has_recipients": False}
        _insert(conn, "audience", key="k1", tlp="green", classification="NU", classification_rank=0,
                releasable_to="[]", releasable_empty=True, **old)  # fmt: skip
        _insert(conn, "audience", key="k2", tlp="amber", classification="NU", classification_rank=0,
                releasable_to='["AUS"]', releasable_empty=False, **old)  # fmt: skip
        _insert(conn, "intel_collection", id=1, taxii_id=str(uuid.uuid4()), alias="c", title="c", description="",
                default_marking='{"tlp": "amber", "classification": "NU", "releasable_to": [], "recipients": null}',
                write_roles="[]", last_added=0, created_at=now)  # fmt: skip
        _insert(conn, "audit_entry", seq=1, at=now, actor="a", action="consultation.series.create",
                entity_type="consultation_series", entity_id="1", source="test",
                details='{"title": "Secret talks"}', prev_hash="0" * 64, hash="1" * 64)  # fmt: skip
        derived = hub_marking_definition(Facets(classification="NR", releasable_to=("AP4",)))
        partners = "marking-definition--aaaaaaaa-1111-4111-8111-111111111111"
        for stix_id, facets in ((derived["id"], {"classification": "NR", "releasable_to": ["AP4"]}),
                                (partners, {"tlp": "amber"})):  # fmt: skip
            _insert(conn, "intel_marking_definition", stix_id=stix_id, kind="hub", facets=json.dumps(facets),
                    digest="d" * 64, created_at=now)  # fmt: skip
        amber = conn.execute(text("SELECT id FROM audience WHERE key = 'k2'")).scalar_one()
        _insert(conn, "audience_nation", audience_id=amber, nation_code="AUS")
        _insert(conn, "stix_object", collection_id=1, stix_id=partners, type="marking-definition", spec_version="2.1",
                version=0, date_added=1, is_latest=True, is_first=True, multi_audience=False, digest="d" * 64,
                document="{}", audience_id=amber)  # fmt: skip
    engine.dispose()


def test_data_written_before_keeps_its_readers_and_loses_nothing(empty_url: str) -> None:
    _old_hub(empty_url)
    upgrade(empty_url)
    engine = create_db_engine(empty_url)
    with Session(engine) as session:
        green = session.scalars(select(Audience).where(Audience.tlp == "green")).one()
        amber = session.scalars(select(Audience).where(Audience.tlp == "amber")).one()
        assert (green.restricts_nations, green.releasable_empty, green.owner_only) == (False, False, False)
        assert green.key == hashlib.sha256(Marking(tlp="green", owner_organisation_id=1).key().encode()).hexdigest()
        assert (amber.restricts_nations, amber.releasable) == (True, ("AUS",))
        marking = Marking(tlp="amber", releasable_to=("AUS",), owner_organisation_id=1)
        assert amber.key == hashlib.sha256(marking.key().encode()).hexdigest()
        australian = Principal("au", 2, 2, "AUS", 0)
        visible = set(session.scalars(select(Audience.id).where(Audience.id.in_(visible_audiences(australian)))))
        assert visible >= {green.id, amber.id}  # GREEN with the old empty list was for anyone
        default = session.scalar(select(IntelCollection.default_marking))
        assert default is not None
        assert default["releasable_to"] is None
        entry = session.scalars(select(AuditEntry)).one()
        sealed = session.get(Audience, entry.audience_id)
        assert sealed is not None
        assert (sealed.owner_only, sealed.owner_organisation_id) == (True, None)
        admin = Principal("admin", 9, 1, "JPN", 4, roles=frozenset(Role), scopes=frozenset(Scope))
        assert list(audit_repo.latest(session, admin)) == []
        scopes = dict(session.execute(select(MarkingDefinition.stix_id, MarkingDefinition.scope)).all())
        assert sorted(scopes.values()) == ["hub", "org:1"]
    engine.dispose()
