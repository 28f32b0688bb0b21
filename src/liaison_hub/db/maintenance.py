"""Keep PostgreSQL's statistics in step with bulk writes. It plans every page from them; after a bulk push they
still describe a much smaller table until autovacuum gets to it (a minute or more), and plans made from them can
sort a whole collection for every page. SQLite plans without statistics: nothing to do there."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

GROWN_SHARE = 0.2
GROWN_FLOOR = 5_000
_CHANGED = text(
    "SELECT relname FROM pg_stat_user_tables "
    "WHERE relname = ANY(:tables) AND n_mod_since_analyze >= GREATEST(:floor, :share * GREATEST(n_live_tup, 1))"
)


def analyze_if_grown(factory: sessionmaker[Session], tables: Sequence[str]) -> list[str]:
    """ANALYZE those of ``tables`` (names from the hub's own models) changed by more than a fifth of their rows
    (at least 5,000) since their statistics were last gathered; the tables analysed."""
    with factory() as session:
        if session.get_bind().dialect.name != "postgresql":
            return []
        params = {"tables": list(tables), "floor": GROWN_FLOOR, "share": GROWN_SHARE}
        stale = [str(name) for name in session.scalars(_CHANGED, params)]
        for name in stale:
            session.execute(text(f'ANALYZE "{name}"'))
        session.commit()
    return stale
