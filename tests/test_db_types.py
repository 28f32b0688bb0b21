"""A list bound as one parameter (``db.types.in_ids``) reaches the planner as a list: on SQLite the lookup of a
batch's thousand ids uses the index on them (rendered ``IN (...) = 1`` it scanned the whole collection)."""

from __future__ import annotations

import json

from sqlalchemy.orm import Session

from liaison_hub.intel import bookkeeping


def test_the_lookup_of_a_batch_uses_the_index_on_its_ids(session: Session) -> None:
    connection = session.connection()
    sql = str(bookkeeping._EXISTING.compile(dialect=connection.dialect))
    if connection.dialect.name != "sqlite":
        assert "stix_object.stix_id = ANY(" in sql
        return
    assert "= 1" not in sql
    ids = json.dumps([f"indicator--{n:032x}" for n in range(1000)])
    sql = sql.replace(":collection_id", "?").replace(":stix_ids", "?")
    plan = " ".join(str(row[-1]) for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", (1, ids)).all())
    assert "USING INDEX ix_stix_object_version (collection_id=? AND stix_id=?)" in plan, plan
