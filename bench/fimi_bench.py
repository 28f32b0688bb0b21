"""FIMI benchmarks: (1) import with linking, suggestions, term counts and near-duplicate clustering of reports of
about 3 KB into a fresh hub; (2) clustering alone (MinHash signatures, LSH bands, candidate checks) of many reports,
with the process's peak memory; (3) the term chart over many reports for a reader who may read a tenth of them.

Run: ``python -m bench.fimi_bench [--import N] [--cluster N] [--chart N] [--postgres URL]``; figures are printed
and recorded in docs/benchmarks.md."""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from bench import pg
from liaison_hub.db.bulk import insert_rows
from liaison_hub.db.engine import create_db_engine, make_session_factory, session_scope
from liaison_hub.db.migrate import upgrade
from liaison_hub.db.types import random_id
from liaison_hub.directory.auth import acting_as
from liaison_hub.directory.seed import seed_demo, seed_reference_data
from liaison_hub.fimi import corpus, narratives, service, terms
from liaison_hub.fimi import text as texts
from liaison_hub.fimi.schemas import ChartBy, NarrativeCreate, TermSetCreate
from liaison_hub.models.fimi import FimiReport, FimiTermCount
from liaison_hub.policy.audiences import audience_for
from liaison_hub.policy.levels import parse_classification
from liaison_hub.policy.marking import Marking
from liaison_hub.policy.principal import SYSTEM, Actor, PrincipalKind
from liaison_hub.policy.schemas import MarkingIn

NS = parse_classification("NS")
MARKING = MarkingIn(tlp="green", releasable_to=["ALLIANCE", "AP4"])
REPORT_BYTES = 3000
NATIONS = ("JPN", "AUS", "KOR", "NZL", "BEL", "FRA", "DEU", "USA", "GBR", "CAN")


@cache
def _vocabulary(language: str) -> tuple[str, ...]:
    """The words (or, for Chinese and Japanese, the characters) of the corpus's neutral sentences of a language."""
    sentences = corpus.data("sentences")["none"][language] + [
        t.format(n=1, m=2, day=3, city=c) for t in corpus.DETAILS[language] for c in corpus.CITIES[language]
    ]
    if language in ("zh", "ja"):
        return tuple(sorted({c for x in sentences for c in x if c.isalpha()}))
    return tuple(sorted({w for x in sentences for w in x.split()}))


def _filler(rng: random.Random, language: str) -> str:
    """A sentence of words drawn at random from the language's vocabulary: text no other report shares."""
    words = rng.choices(_vocabulary(language), k=rng.randint(8, 16))
    return ("" if language in ("zh", "ja") else " ").join(words) + ("。" if language in ("zh", "ja") else ".")


def three_kb_items(count: int, seed: int = 5) -> list[tuple[str, dict[str, Any]]]:
    """``count`` corpus reports (a third of them copies), each padded to about 3 KB with filler of its own (copies
    share their original's filler)."""
    generator = corpus.Generator(seed, datetime(2026, 1, 1, tzinfo=UTC))
    items = []
    for report in generator.generate(count, copy_share=0.3):
        item = report.item()
        rng = random.Random(seed * 1_000_003 + report.cluster)
        body = [item["text"]]
        size = len(item["text"].encode())
        while size < REPORT_BYTES:
            body.append(_filler(rng, report.language))
            size += len(body[-1].encode()) + 1
        item["text"] = ("\n" if report.language != "en" else " ").join(body)
        items.append((str(report.number), item))
    return items


def _hub(url: str) -> None:
    upgrade(url)
    engine = create_db_engine(url)
    with session_scope(make_session_factory(engine)) as session:
        seed_reference_data(session, Actor(SYSTEM, "bench"))
        seed_demo(session, Actor(SYSTEM, "bench"), secret_key="bench-secret-" * 4)
    engine.dispose()


def bench_import(url: str, count: int) -> dict[str, float]:
    """Reports per second through the whole import pipeline, one transaction per batch of 500 as the CLI streams."""
    _hub(url)
    items = three_kb_items(count)
    engine = create_db_engine(url)
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        analyst = acting_as(session, "liaison", accreditation=NS, kind=PrincipalKind.test, source="bench")
        for entry in corpus.data("narratives"):
            data = NarrativeCreate(
                title=entry["title"],
                summary=entry["summary"],
                statements=entry["statements"],
                aliases=entry["aliases"],
                marking=MARKING,
            )
            narratives.create_narrative(session, analyst, data=data, accreditation=NS)
        terms.create_term_set(session, analyst, data=terms.ASIA_INDO_PACIFIC, accreditation=NS)
    started, cpu = time.perf_counter(), time.process_time()
    stored = 0
    with session_scope(factory) as session:
        analyst = acting_as(session, "liaison", accreditation=NS, kind=PrincipalKind.test, source="bench")
        result = service.import_reports(session, analyst, items=items, marking=MARKING, accreditation=NS)
        stored = result.stored + result.merged
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    engine.dispose()
    size = sum(len(str(i[1]["text"]).encode()) for i in items) / len(items)
    return {
        "reports": stored,
        "seconds": elapsed,
        "per_second": stored / elapsed,
        "per_cpu_second": stored / cpu,
        "mean_bytes": size,
    }


def bench_clustering(count: int) -> dict[str, float]:
    """MinHash signatures, LSH band keys and candidate checks of ``count`` reports (the clustering of an import,
    without the database), with the peak memory of the process."""
    items = three_kb_items(count, seed=11)
    started, cpu = time.perf_counter(), time.process_time()
    bands: dict[int, list[int]] = {}
    signatures = []
    links = 0
    for number, (_, item) in enumerate(items):
        signature = texts.signature(str(item["text"]))
        signatures.append(signature)
        candidates: set[int] = set()
        for key in texts.band_keys(signature):
            candidates.update(bands.setdefault(key, []))
            bands[key].append(number)
        links += sum(1 for c in candidates if texts.similarity(signature, signatures[c]) >= texts.THRESHOLD)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"reports": count, "seconds": elapsed, "cpu_seconds": cpu, "links": links, "peak_mb": peak}


def _chart_rows(audiences: list[int], count: int, term_set: int, term_ids: list[int]) -> Iterator[list[dict[str, Any]]]:
    rng = random.Random(3)
    start = date(2025, 1, 6)
    batch: list[dict[str, Any]] = []
    for number in range(count):
        report_id = random_id()
        audience = audiences[number % len(audiences)]
        week = start + timedelta(weeks=rng.randint(0, 103))
        outlet = f"Outlet {rng.randint(1, 40)}"
        country = rng.choice(NATIONS)
        for term in term_ids:
            if rng.random() < 0.7:
                batch.append(
                    {
                        "term_set_id": term_set,
                        "term_id": term,
                        "report_id": report_id,
                        "outlet": outlet,
                        "outlet_country": country,
                        "week": week,
                        "count": rng.randint(1, 4),
                        "audience_id": audience,
                    }
                )
        if len(batch) >= 20_000:
            yield batch
            batch = []
    yield batch


def _reports_stub(session: Session, rows: list[dict[str, Any]]) -> None:
    """Minimal report rows for the term counts' foreign keys."""
    stub = [
        {
            "id": r["report_id"],
            "outlet": r["outlet"],
            "outlet_country": r["outlet_country"],
            "language": "en",
            "language_detected": False,
            "url": None,
            "published_at": datetime(2025, 1, 6, tzinfo=UTC),
            "title": "",
            "text": "",
            "text_key": "",
            "signature": b"",
            "owner_organisation_id": None,
            "imported_at": datetime(2025, 1, 6, tzinfo=UTC),
            "audience_id": r["audience_id"],
        }
        for r in {r["report_id"]: r for r in rows}.values()
    ]
    insert_rows(session, FimiReport.__table__, stub)  # type: ignore[arg-type]


def bench_chart(url: str, count: int, runs: int = 7) -> dict[str, float]:
    """The term chart over ``count`` reports in ten markings (one nation each) for a reader of one nation."""
    _hub(url)
    engine = create_db_engine(url)
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        writer = acting_as(session, "liaison", accreditation=NS, kind=PrincipalKind.test, source="bench")
        data = TermSetCreate.model_validate(terms.ASIA_INDO_PACIFIC.model_dump() | {"marking": {"tlp": "clear"}})
        term_set = terms.create_term_set(session, writer, data=data, accreditation=NS)
        term_ids = [t.id for t in terms.term_set_reads(session, writer.principal, [term_set])[0].terms]
        owner = writer.principal.organisation_id
        audiences = [
            audience_for(
                session, Marking(tlp="green", releasable_to=(n,), owner_organisation_id=owner), accreditation=NS
            ).id
            for n in NATIONS
        ]
        for rows in _chart_rows(audiences, count, term_set.id, term_ids):
            _reports_stub(session, rows)
            insert_rows(session, FimiTermCount.__table__, rows)  # type: ignore[arg-type]
        term_set_id = term_set.id
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(text("ANALYZE"))
            conn.commit()
    timings: dict[str, list[float]] = {by.value: [] for by in ChartBy}
    with session_scope(factory) as session:
        reader = acting_as(session, "analyst-jp", accreditation=NS, kind=PrincipalKind.test, source="bench")
        for _ in range(runs):
            for by in ChartBy:
                started = time.perf_counter()
                read = terms.chart(session, reader.principal, term_set_id=term_set_id, by=by)
                timings[by.value].append(time.perf_counter() - started)
        points = len(read.points)
    engine.dispose()
    return {f"{by}_ms": statistics.median(t) * 1000 for by, t in timings.items()} | {"points_by_country": points}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--import", dest="imports", type=int, default=10_000)
    parser.add_argument("--cluster", type=int, default=100_000)
    parser.add_argument("--chart", type=int, default=100_000)
    parser.add_argument("--postgres", default=None, help="also run the import and chart on this PostgreSQL server")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.imports:
            print("import, SQLite:", bench_import(f"sqlite:///{tmp}/import.db", args.imports), flush=True)
        if args.chart:
            print("chart, SQLite:", bench_chart(f"sqlite:///{tmp}/chart.db", args.chart), flush=True)
    if args.postgres:
        for label, run, size in (("import", bench_import, args.imports), ("chart", bench_chart, args.chart)):
            if size:
                with pg.fresh_database(args.postgres) as url:
                    print(f"{label}, PostgreSQL:", run(url, size), flush=True)
    if args.cluster:
        print("clustering:", bench_clustering(args.cluster), flush=True)


if __name__ == "__main__":
    main()
