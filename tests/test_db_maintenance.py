"""PostgreSQL's statistics are refreshed after bulk growth (its plans depend on them); SQLite needs nothing."""

from __future__ import annotations

import time

from sqlalchemy import text

from liaison_hub.db.engine import create_db_engine, make_session_factory
from liaison_hub.db.maintenance import GROWN_FLOOR, analyze_if_grown
from tests.conftest import Database


def test_a_grown_table_is_analysed_once(database: Database) -> None:
    engine = create_db_engine(database.url)
    factory = make_session_factory(engine)
    with factory() as session:
        session.execute(text("CREATE TABLE growth_probe (x integer)"))
        session.execute(text("INSERT INTO growth_probe (x) VALUES (1)"))
        session.commit()
    if database.kind == "sqlite":
        assert analyze_if_grown(engine, ["growth_probe"]) == []
        engine.dispose()
        return
    with factory() as session:
        session.execute(text(f"INSERT INTO growth_probe SELECT generate_series(1, {GROWN_FLOOR + 1000})"))
        session.commit()
    deadline, analysed = time.monotonic() + 15, []
    while not analysed and time.monotonic() < deadline:  # the server publishes its counters within a second or so
        analysed = analyze_if_grown(engine, ["growth_probe", "stix_object"], check_every_s=0)
        time.sleep(0.2)
    assert analysed == ["growth_probe"]
    assert analyze_if_grown(engine, ["growth_probe"], check_every_s=0) == []
    with factory() as session:
        stats = session.execute(text("SELECT last_analyze FROM pg_stat_user_tables WHERE relname = 'growth_probe'"))
        assert stats.scalar() is not None
    engine.dispose()
