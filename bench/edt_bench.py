"""EDT benchmark: the radar of 1,000 technologies with 20,000 readiness history entries (a tenth of the entries
under narrower markings), for a reader who may read most of them, with the moves since a date: the SQL part (states
at two dates over the readable history), the SVG drawing, and the whole; beside it, in the same run, the same
radar for the hub itself (no access filter) and a naive per-technology read of the history as baselines.

Run: ``python -m bench.edt_bench [--technologies N] [--entries N] [--postgres URL]``; figures are printed and
recorded in docs/benchmarks.md."""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import text

from bench import pg
from bench.timing import paused_gc
from liaison_hub.db.bulk import insert_rows
from liaison_hub.db.engine import create_db_engine, make_session_factory, session_scope
from liaison_hub.db.migrate import upgrade
from liaison_hub.db.types import random_id
from liaison_hub.directory.auth import acting_as
from liaison_hub.directory.seed import seed_demo, seed_reference_data
from liaison_hub.edt import drawing, radar
from liaison_hub.edt import repository as repo
from liaison_hub.edt.areas import catalogue
from liaison_hub.models.edt import EdtHistory, EdtTechnology
from liaison_hub.policy.audiences import audience_for
from liaison_hub.policy.levels import parse_classification
from liaison_hub.policy.marking import Marking
from liaison_hub.policy.principal import SYSTEM, Actor, PrincipalKind

NS = parse_classification("NS")
AT = date(2026, 12, 1)
SINCE = AT - timedelta(days=90)
WIDE = (("ALLIANCE", "AP4"), ("AUS",), ("ALLIANCE",), ("AP4",))
NARROW = (("KOR",), ("JPN",), ("NZL",), ("AUS",))


def _hub(url: str) -> None:
    upgrade(url)
    engine = create_db_engine(url)
    with session_scope(make_session_factory(engine)) as session:
        seed_reference_data(session, Actor(SYSTEM, "bench"))
        seed_demo(session, Actor(SYSTEM, "bench"), secret_key="bench-secret-" * 4)
    engine.dispose()


def fill(url: str, technologies: int, entries: int, seed: int = 14) -> None:
    """Technologies under four wide markings; their entries spread over two years, a tenth under narrow ones."""
    _hub(url)
    rng = random.Random(seed)
    engine = create_db_engine(url)
    with session_scope(make_session_factory(engine)) as session:
        writer = acting_as(session, "liaison", accreditation=NS, kind=PrincipalKind.test, source="bench")
        owner = writer.principal.organisation_id

        def audience(codes: tuple[str, ...]) -> int:
            marking = Marking(tlp="green", releasable_to=codes, owner_organisation_id=owner)
            return audience_for(session, marking, accreditation=NS).id

        wide, narrow = [audience(c) for c in WIDE], [audience(c) for c in NARROW]
        areas, rings = [a.code for a in catalogue().areas], [r.code for r in catalogue().rings]
        first = AT - timedelta(days=730)
        techs, history = [], []
        per = entries // technologies
        for i in range(technologies):
            tech_id = random_id()
            marking = wide[i % len(wide)]
            techs.append(
                {
                    "id": tech_id,
                    "stix_uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                    "name": f"Technology {i:04d}",
                    "description": "",
                    "areas": [areas[i % len(areas)]],
                    "horizon": "mid",
                    "first_on": first,
                    "owner_organisation_id": owner,
                    "created_at": datetime(2025, 1, 1, tzinfo=UTC),
                    "audience_id": marking,
                }
            )
            days = sorted(rng.sample(range(1, 730), per - 1))
            for n, day in enumerate([0, *days]):
                history.append(
                    {
                        "technology_id": tech_id,
                        "effective_on": first + timedelta(days=day),
                        "readiness": rng.randint(1, 9),
                        "ring": rng.choice(rings),
                        "reason": "bench",
                        "evidence": "",
                        "recorded_at": datetime(2025, 1, 1, tzinfo=UTC),
                        "audience_id": marking if n == 0 or rng.random() > 0.1 else rng.choice(narrow),
                    }
                )
        insert_rows(session, EdtTechnology.__table__, techs)  # type: ignore[arg-type]
        for start in range(0, len(history), 5000):
            insert_rows(session, EdtHistory.__table__, history[start : start + 5000])  # type: ignore[arg-type]
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(text("ANALYZE"))
            conn.commit()
    engine.dispose()


def _median_ms(work: Callable[[], Any], runs: int) -> float:
    timings = []
    for _ in range(runs):
        with paused_gc():
            started = time.perf_counter()
            work()
            timings.append(time.perf_counter() - started)
    return statistics.median(timings) * 1000


def measure(url: str, runs: int = 7) -> dict[str, float]:
    engine = create_db_engine(url)
    with session_scope(make_session_factory(engine)) as session:
        reader = acting_as(session, "analyst-au", accreditation=NS, kind=PrincipalKind.test, source="bench")
        principal = reader.principal
        view = radar.radar(session, principal, at=AT, since=SINCE)
        everything = radar.radar(session, SYSTEM, at=AT, since=SINCE)

        def naive() -> None:
            for tech in repo.list_technologies(session, principal):
                entries = repo.history(session, principal, tech.id)
                [h for h in entries if h.effective_on <= AT][-1:]
                [h for h in entries if h.effective_on <= SINCE][-1:]

        found = {
            "entries_on_radar": len(view.entries),
            "moved": sum(1 for e in view.entries if e.moved),
            "sql_ms": _median_ms(lambda: radar.radar(session, principal, at=AT, since=SINCE), runs),
            "svg_ms": _median_ms(lambda: drawing.svg(view), runs),
            "whole_ms": _median_ms(lambda: drawing.svg(radar.radar(session, principal, at=AT, since=SINCE)), runs),
            "exports_ms": _median_ms(lambda: (radar.tech_radar_json(view), radar.byor_csv(view)), runs),
            "baseline_unfiltered_sql_ms": _median_ms(lambda: radar.radar(session, SYSTEM, at=AT, since=SINCE), runs),
            "baseline_naive_ms": _median_ms(naive, 3),
            "unfiltered_entries": len(everything.entries),
        }
    engine.dispose()
    found["filter_cost_ratio"] = found["sql_ms"] / found["baseline_unfiltered_sql_ms"]
    found["naive_over_sql_ratio"] = found["baseline_naive_ms"] / found["sql_ms"]
    return {k: round(v, 2) if isinstance(v, float) else v for k, v in found.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--technologies", type=int, default=1000)
    parser.add_argument("--entries", type=int, default=20_000)
    parser.add_argument("--postgres", default=None, help="also run on this PostgreSQL server")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/edt.db"
        fill(url, args.technologies, args.entries)
        print("radar, SQLite:", measure(url), flush=True)
    if args.postgres:
        with pg.fresh_database(args.postgres) as url:
            fill(url, args.technologies, args.entries)
            print("radar, PostgreSQL:", measure(url), flush=True)


if __name__ == "__main__":
    main()
