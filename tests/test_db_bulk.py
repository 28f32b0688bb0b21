"""Bulk inserts: COPY on PostgreSQL and executemany on SQLite store the same rows, defaults included; NUL refused."""

from __future__ import annotations

from typing import cast

import pytest
from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from liaison_hub.db.bulk import has_nul, insert_rows
from liaison_hub.errors import InvalidInput
from liaison_hub.models import Nation


def test_has_nul_looks_into_rows_and_batches() -> None:
    assert has_nul({"a": "x\x00y"})
    assert has_nul([("ok", 1), ("bad\x00", 2)])
    assert not has_nul([{"a": "fine", "b": 3, "c": None}])


def test_insert_rows_fills_defaults_and_stores_every_row(session: Session) -> None:
    rows = [{"code": f"Q{i:02d}", "name": f"Test nation {i}"} for i in range(50)]
    insert_rows(session, cast(Table, Nation.__table__), rows)
    codes = [row["code"] for row in rows]
    stored = session.execute(select(Nation.code, Nation.status).where(Nation.code.in_(codes))).all()
    assert sorted(stored) == [(f"Q{i:02d}", "none") for i in range(50)]


def test_insert_rows_refuses_nul_and_writes_nothing(session: Session) -> None:
    rows = [{"code": "Q01", "name": "fine"}, {"code": "Q02", "name": "bad\x00name"}]
    with pytest.raises(InvalidInput, match="NUL"):
        insert_rows(session, cast(Table, Nation.__table__), rows)
    session.rollback()
    assert session.scalar(select(Nation.code).where(Nation.code.in_(["Q01", "Q02"]))) is None
