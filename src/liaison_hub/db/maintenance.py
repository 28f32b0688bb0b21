"""Keep PostgreSQL's statistics in step with bulk writes. It plans every statement from them; after a bulk push they
still describe a much smaller table until autovacuum gets to it (a minute or more), and plans made from them can
scan a whole collection to find a batch's ids, or sort it for every page. SQLite plans without statistics: nothing
to do there."""

from __future__ import annotations

import time
from collections.abc import Sequence

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

GROWN_SHARE = 0.2
GROWN_FLOOR = 5_000
CHECK_EVERY_S = 2.0
_CHANGED = text(
    "SELECT relname FROM pg_class WHERE oid = ANY(CAST(:tables AS regclass[])) AND pg_stat_get_mod_since_analyze(oid)"
    " >= GREATEST(:floor, :share * GREATEST(pg_stat_get_live_tuples(oid), 1))"
)
_last_check: dict[str, float] = {}


def analyze_if_grown(engine: Engine, tables: Sequence[str], *, check_every_s: float = CHECK_EVERY_S) -> list[str]:
    """ANALYZE those of ``tables`` (names from the hub's own models) changed by more than a fifth of their rows
    (at least 5,000) since their statistics were last gathered, on a connection of its own (outside any caller's
    transaction); the tables analysed."""
    if engine.dialect.name != "postgresql":
        return []
    database, now = engine.url.render_as_string(hide_password=True), time.monotonic()
    if now - _last_check.get(database, -check_every_s) < check_every_s:
        return []  # at most every few seconds per database: the counters move slowly
    _last_check[database] = now
    with engine.connect() as connection:
        params = {"tables": list(tables), "floor": GROWN_FLOOR, "share": GROWN_SHARE}
        stale = [str(name) for name in connection.scalars(_CHANGED, params)]
        for name in stale:
            connection.execute(text(f'ANALYZE "{name}"'))
        connection.commit()
    return stale


def engine_of(session: Session) -> Engine:
    bind = session.get_bind()
    return bind if isinstance(bind, Engine) else bind.engine
