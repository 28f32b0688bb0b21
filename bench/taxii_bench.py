"""TAXII 2.1 benchmark: the hub (SQLite, PostgreSQL) against OpenTAXII 0.9.3 and a bare SQLite script, on the
same generated STIX data, in one run. See docs/benchmarks.md for what is measured and how to read it.

    /tmp/venv/bin/python bench/taxii_bench.py            # 100,000 objects, all systems
    /tmp/venv/bin/python bench/taxii_bench.py --quick    # 5,000 objects, for development
    /tmp/venv/bin/python bench/taxii_bench.py --million  # also the hub alone (and the import) at 1,000,000
    /tmp/venv/bin/python bench/taxii_bench.py --data realistic   # stix2-generator and feed-shaped data
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import resource
import shlex
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

if not __package__:  # run as a script: make ``bench`` importable from the repository root
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import orjson

from bench import hub_server, peer_opentaxii, pg, procs, raw_sqlite
from bench import taxii_client as tc
from bench.markings import WireMarkings
from bench.report import PEER, RAW, markdown
from bench.stixgen import DATA_MODES, DatasetInfo, generate, read_lines

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / ".work"
FILTER_TYPES = ("indicator", "malware", "identity", "relationship")


@dataclass(frozen=True)
class Plan:
    """Sizes and limits of one run."""

    compare: int
    hub_only: tuple[int, ...]
    seed: int
    envelope: int
    page: int
    latency_limit: int
    latency_requests: int
    peer: bool
    postgres: bool
    peer_ingest_budget: float
    peer_read_budget: float
    peer_latency_budget: float
    import_objects: int
    read_runs: int
    data: str = "synthetic"


def label(n: int) -> str:
    return f"{n:,}"


def machine() -> dict[str, str]:
    """Facts that decide how the figures read: CPU, memory, versions, load."""
    cpu = next(
        (
            ln.split(":", 1)[1].strip()
            for ln in Path("/proc/cpuinfo").read_text().splitlines()
            if ln.startswith("model name")
        ),
        platform.processor(),
    )
    mem_kib = int(
        next(ln.split()[1] for ln in Path("/proc/meminfo").read_text().splitlines() if ln.startswith("MemTotal"))
    )
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain", "--", "src"], cwd=ROOT, capture_output=True, text=True)
    changed = len(dirty.stdout.splitlines())
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return {
        "CPU": f"{cpu}, {os.cpu_count()} logical cores",
        "memory": f"{mem_kib / 1024 / 1024:.1f} GiB",
        "OS": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "SQLite": sqlite3.sqlite_version,
        "hub commit": (commit.stdout.strip() or "?") + (f" (+{changed} uncommitted paths in src/)" if changed else ""),
        "load average at start (1, 5, 15 min)": load,
    }


def measure_raw(info: DatasetInfo, runs: int = 3) -> dict[str, Any]:
    """Best of ``runs`` inserts and reads by the bare script: the limit the hub is compared with."""
    db = WORK / "raw.sqlite"
    inserts, reads = [], []
    for _ in range(runs):
        inserts.append(raw_sqlite.insert(Path(info.path), db))
        reads.append(raw_sqlite.read(db))
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    return {
        "insert_rate": max(r.rate for r in inserts),
        "read_rate": max(r.rate for r in reads),
        "insert_rates": [round(r.rate) for r in inserts],
        "read_rates": [round(r.rate) for r in reads],
        "objects": inserts[0].objects,
    }


def queries(info: DatasetInfo, marks: list[str], plan: Plan) -> dict[str, list[dict[str, str]]]:
    """The filtered first pages to time: the same list for every server and principal."""
    rng = random.Random(info.seed + 3)
    n, limit = plan.latency_requests, str(plan.latency_limit)
    usable = marks[: max(1, len(marks) - 2)] or ["1970-01-01T00:00:00.000000Z"]
    ids = [x for pair in zip(info.reader_visible_ids, info.sample_ids, strict=False) for x in pair] or info.sample_ids
    return {
        "match[type]": [{"limit": limit, "match[type]": FILTER_TYPES[i % len(FILTER_TYPES)]} for i in range(n)],
        "added_after": [{"limit": limit, "added_after": rng.choice(usable)} for _ in range(n)],
        "match[id]": [{"limit": limit, "match[id]": ids[i % len(ids)]} for i in range(n)],
    }


def _latency(
    endpoints: dict[str, tc.Endpoint], plan_queries: dict[str, list[dict[str, str]]], budget: float, warmup: int
) -> dict[str, dict[str, Any]]:
    """Per principal, per filter: median, p95 and how many requests were timed."""
    out: dict[str, dict[str, Any]] = {name: {} for name in endpoints}
    for kind, qs in plan_queries.items():
        for name, result in tc.latency(endpoints, qs, budget=budget, warmup=warmup).items():
            out[name][kind] = {
                "median": result.median,
                "p95": result.p95,
                "n": len(result.samples_ms),
                "planned": result.planned,
                "avg_returned": round(sum(result.returned) / len(result.returned), 1) if result.returned else 0,
                "errors": result.errors[:3],
            }
    return out


def _count(endpoint: tc.Endpoint | None, plan: Plan) -> int:
    """How many objects a principal sees before the ingest (e.g. the hub's own marking definitions)."""
    return 0 if endpoint is None else tc.paged_read(endpoint, limit=plan.page, budget=60).unique


class CpuMeter:
    """CPU seconds spent by the server's process tree and by this client process during one phase."""

    def __init__(self, server_pid: int) -> None:
        self.server_pid = server_pid

    def __enter__(self) -> CpuMeter:
        self.server0, self.client0 = procs.cpu_seconds(self.server_pid), _own_cpu()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server = procs.cpu_seconds(self.server_pid) - self.server0
        self.client = _own_cpu() - self.client0

    def per_object(self, objects: int) -> dict[str, float]:
        n = max(objects, 1)
        return {"server_cpu_us": round(self.server / n * 1e6, 1), "client_cpu_us": round(self.client / n * 1e6, 1)}


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _throughput(
    admin: tc.Endpoint,
    info: DatasetInfo,
    plan: Plan,
    pid: int,
    budgets: tuple[float, float],
    settle: Callable[[], float] | None = None,
) -> tuple[tc.IngestResult, tc.ReadResult, dict[str, Any]]:
    """Ingest then full paged read as the admin, each with its CPU cost per object; ``settle`` (the hub), timed
    right after the last POST, waits for the work the server left for after its answers (the correlation index)."""
    with CpuMeter(pid) as ingest_cpu:
        ingest = tc.ingest(admin, read_lines(Path(info.path)), per_envelope=plan.envelope, budget=budgets[0])
        settled = settle() if settle is not None else None
    reads = []
    for _ in range(plan.read_runs):  # best of N, like the raw script's reads
        with CpuMeter(pid) as read_cpu:
            read = tc.paged_read(admin, limit=plan.page, budget=budgets[1])
        reads.append((read, read_cpu))
        if not read.complete:
            break
    read, read_cpu = max(reads, key=lambda r: r[0].rate)
    return (
        ingest,
        read,
        {
            "ingest": {
                **asdict(ingest),
                "rate": ingest.rate,
                **ingest_cpu.per_object(ingest.stored),
                **({} if settled is None else {"settle_s": settled, "settled_rate": _settled_rate(ingest, settled)}),
            },
            "read": {
                **{k: v for k, v in asdict(read).items() if k != "added_marks"},
                "rate": read.rate,
                "rates": [round(r.rate) for r, _ in reads],
                **read_cpu.per_object(read.objects),
            },
        },
    )


def _settled_rate(ingest: tc.IngestResult, settle_s: float) -> float:
    return ingest.stored / (ingest.seconds + settle_s) if ingest.seconds + settle_s else 0.0


def measure_server(
    endpoints: dict[str, tc.Endpoint],
    info: DatasetInfo,
    plan: Plan,
    pid: int,
    budgets: tuple[float, float, float],
    settle: Callable[[], float] | None = None,
) -> dict[str, Any]:
    """Ingest, full paged read (as each principal), filtered first pages: one server, one dataset."""
    admin, reader = endpoints["admin"], endpoints.get("reader")
    before = {"admin": _count(admin, plan), "reader": _count(reader, plan)}
    notes: list[str] = [f"held {before['admin']} objects before the ingest"] if before["admin"] else []
    ingest, read, result = _throughput(admin, info, plan, pid, budgets[:2], settle)
    notes += ingest.problems[:5] + read.problems[:5]
    if "settle_s" in result["ingest"]:
        notes.append(
            f"correlation index complete {result['ingest']['settle_s']:.2f} s after the last POST (the first "
            f"search catches up on what the index worker has not reached); ingest with the index: "
            f"{result['ingest']['settled_rate']:,.0f} objects/s"
        )
    if read.complete and read.unique != before["admin"] + ingest.stored:
        notes.append(f"full read returned {read.unique:,} distinct objects; {ingest.stored:,} reported stored")
    result["sees"] = {"admin": f"{read.unique:,}"}
    if reader is not None:
        seen = tc.paged_read(reader, limit=plan.page, budget=budgets[1])
        expected = before["reader"] + info.reader_visible
        result["reader_read"] = {"objects": seen.unique, "rate": seen.rate, "expected": expected}
        result["sees"]["reader"] = f"{seen.unique:,} = {seen.unique / max(read.unique, 1):.1%}"
        if seen.unique not in (expected, expected + info.definitions):
            notes.append(f"the reader saw {seen.unique:,} objects; the reference rule expects {expected:,}")
    warmup = 1 if admin.stored_despite_500 else 3
    result["latency"] = _latency(endpoints, queries(info, read.added_marks, plan), budgets[2], warmup)
    result["notes"] = notes
    return result


def run_hub(name: str, info: DatasetInfo, plan: Plan, database_url: str | None) -> dict[str, Any]:
    data_dir = WORK / f"hub-{name.split()[-1].lower()}-{info.objects}"
    _clean_dir(data_dir)
    log = data_dir.with_suffix(".log")
    env, tokens = hub_server.prepare(data_dir, database_url, log)
    budget = max(900.0, info.objects / 250)
    with hub_server.running(env, tokens, name, log) as hub:
        endpoints = {"admin": hub.admin, "reader": hub.reader}
        settle = partial(hub_server.first_search, hub)
        result = measure_server(endpoints, info, plan, hub.memory.pid, (budget, budget, 300.0), settle)
        hub.memory.sample()
        result["peak_memory_mib"] = hub.memory.mib
    return result


def run_peer(info: DatasetInfo, plan: Plan) -> dict[str, Any]:
    data_dir = WORK / f"opentaxii-{info.objects}"
    _clean_dir(data_dir)
    budgets = (plan.peer_ingest_budget, plan.peer_read_budget, plan.peer_latency_budget)
    with peer_opentaxii.running(WORK, data_dir, data_dir.with_suffix(".log")) as peer:
        # One full read: the peer's takes minutes, and a best of three would not change its order of magnitude.
        result = measure_server({"admin": peer.endpoint}, info, replace(plan, read_runs=1), peer.memory.pid, budgets)
        peer.memory.sample()
        result["peak_memory_mib"] = peer.memory.mib
    result["notes"].append("answers 500 to every POST after storing it (UUID not serialisable); counted by the read")
    result["notes"].append("no marking-based access control: measured as its admin only")
    result["notes"].append(
        f"cannot store marking-definitions (KeyError 'modified', 500, envelope lost): the {info.definitions} "
        "in the data are left out of its ingest"
    )
    return result


def _clean_dir(path: Path) -> None:
    if path.exists():
        subprocess.run(["rm", "-rf", "--", str(path)], check=True)
    path.with_suffix(".log").unlink(missing_ok=True)


def _guarded(name: str, size: dict[str, Any], action: Any) -> None:
    """Run one system's measurement; a failure is recorded in the report, not hidden and not fatal."""
    started = time.perf_counter()
    print(f"[{datetime.now(UTC):%H:%M:%S}] {name} ...", flush=True)
    try:
        size[name] = action()
    except Exception as exc:  # the report must say what could not be measured and why
        size[name] = {"notes": [f"not measured: {type(exc).__name__}: {str(exc)[:400]}"]}
    print(f"[{datetime.now(UTC):%H:%M:%S}] {name} done in {time.perf_counter() - started:.0f} s", flush=True)


def dataset(objects: int, plan: Plan) -> DatasetInfo:
    """The run's data file (generated once, then reused): the synthetic data or the realistic data."""
    stem = f"stix-{objects}-{plan.seed}" if plan.data == "synthetic" else f"stix-{plan.data}-{objects}-{plan.seed}"
    return generate(WORK / f"{stem}.jsonl", objects, plan.seed, WireMarkings(), data=plan.data)


def run_size(objects: int, plan: Plan, compare: bool) -> dict[str, Any]:
    info = dataset(objects, plan)
    size: dict[str, Any] = {}
    _guarded(RAW, size, lambda: measure_raw(info))
    _guarded("hub SQLite", size, lambda: run_hub("hub SQLite", info, plan, None))
    if plan.postgres and compare:
        url = pg.server_url()
        if problem := pg.problem(url):
            size["hub PostgreSQL"] = {"notes": [f"not measured: no PostgreSQL at {url} ({problem})"]}
        else:

            def on_postgres() -> dict[str, Any]:
                with pg.fresh_database(url) as db_url:
                    return run_hub("hub PostgreSQL", info, plan, db_url)

            _guarded("hub PostgreSQL", size, on_postgres)
    if plan.peer and compare:
        _guarded(PEER, size, lambda: run_peer(info, plan))
    return size


def run_import(plan: Plan) -> dict[str, Any]:
    """Peak memory of ``liaison intel import`` of a whole file, when this checkout has that command."""
    n = plan.import_objects
    base: dict[str, Any] = {"objects": n, "objects_label": label(n)}
    data_dir = WORK / f"hub-import-{n}"
    if not hub_server.has_command(["intel", "import"], env=hub_server.hub_env(data_dir, None)):
        return {**base, "note": "not measured: this checkout has no `liaison intel import` command yet"}
    info = dataset(n, plan)
    _clean_dir(data_dir)
    log = data_dir.with_suffix(".log")
    env, _ = hub_server.prepare(data_dir, None, log)
    argv = [*hub_server.liaison_argv(), *hub_server.import_args(Path(info.path))]
    started = time.perf_counter()
    code, peak = procs.run_measured(argv, env=env, cwd=ROOT, log=log, timeout=max(1800.0, n / 200))
    seconds = time.perf_counter() - started
    if code != 0:
        return {**base, "note": f"`liaison intel import` exited {code}; see {log}"}
    return {**base, "seconds": round(seconds, 1), "rate": round(n / seconds), "peak_memory_mib": round(peak, 1)}


def parse(argv: list[str] | None) -> tuple[Plan, str]:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="5,000 objects, shorter peer budgets")
    p.add_argument("--objects", type=int, default=100_000, help="size of the comparison (all systems)")
    p.add_argument("--million", action="store_true", help="also the hub alone and the import at 1,000,000")
    p.add_argument("--sizes", default="", help="extra hub-only sizes, comma-separated (e.g. 1000000)")
    p.add_argument("--seed", type=int, default=20260101)
    p.add_argument("--data", choices=DATA_MODES, default="synthetic", help="synthetic (four types) or realistic")
    p.add_argument("--envelope", type=int, default=1000, help="objects per POSTed envelope")
    p.add_argument("--page", type=int, default=1000, help="limit of the full paged read")
    p.add_argument("--read-runs", type=int, default=3, help="full paged reads per server (the best counts)")
    p.add_argument("--latency-limit", type=int, default=100, help="limit of the timed filtered first pages")
    p.add_argument("--latency-requests", type=int, default=50)
    p.add_argument("--no-peer", action="store_true", help="skip OpenTAXII")
    p.add_argument("--no-postgres", action="store_true", help="skip the hub on PostgreSQL")
    p.add_argument("--peer-ingest-budget", type=float, default=1200.0, help="seconds")
    p.add_argument("--peer-read-budget", type=float, default=600.0, help="seconds")
    p.add_argument("--peer-latency-budget", type=float, default=90.0, help="seconds per filter")
    p.add_argument("--import-objects", type=int, default=0, help="objects for the import step (0: largest size)")
    p.add_argument("--output", type=Path, default=WORK, help="where results-*.json and .md go")
    a = p.parse_args(argv)
    compare = 5_000 if a.quick else a.objects
    extra = {int(s) for s in a.sizes.split(",") if s.strip()} | ({1_000_000} if a.million else set())
    plan = Plan(
        compare=compare,
        hub_only=tuple(sorted(extra - {compare})),
        seed=a.seed,
        envelope=a.envelope,
        page=a.page,
        latency_limit=a.latency_limit,
        latency_requests=20 if a.quick else a.latency_requests,
        peer=not a.no_peer,
        postgres=not a.no_postgres,
        peer_ingest_budget=a.peer_ingest_budget,
        peer_read_budget=a.peer_read_budget,
        peer_latency_budget=a.peer_latency_budget,
        import_objects=a.import_objects or max([compare, *extra]),
        read_runs=max(1, a.read_runs),
        data=a.data,
    )
    return plan, str(a.output)


def main(argv: list[str] | None = None) -> int:
    plan, output = parse(argv)
    procs.install_cleanup()
    WORK.mkdir(parents=True, exist_ok=True)
    started = datetime.now(UTC)
    command = "python bench/taxii_bench.py " + shlex.join(sys.argv[1:] if argv is None else argv)
    results: dict[str, Any] = {
        "started": f"{started:%Y-%m-%d %H:%M} UTC",
        "command": command.strip(),
        "machine": machine(),
        "plan": asdict(plan),
        "sizes": {},
    }
    if plan.postgres and not pg.problem(pg.server_url()):
        results["machine"]["PostgreSQL"] = pg.version(pg.server_url())
    results["sizes"][label(plan.compare)] = run_size(plan.compare, plan, compare=True)
    for n in plan.hub_only:
        results["sizes"][label(n)] = run_size(n, plan, compare=False)
    imports: dict[str, Any] = {}
    _guarded("import", imports, lambda: run_import(plan))
    results["import"] = imports["import"]
    results["machine"]["load average at end"] = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    results["machine"]["wall time of the run"] = f"{(datetime.now(UTC) - started).total_seconds() / 60:.1f} min"
    out = Path(output)
    out.mkdir(parents=True, exist_ok=True)
    stem = out / f"results-{started:%Y%m%dT%H%M%S}"
    stem.with_suffix(".json").write_bytes(orjson.dumps(results, option=orjson.OPT_INDENT_2))
    text = markdown(results)
    stem.with_suffix(".md").write_text(text)
    print(text)
    print(f"results written to {stem}.json and {stem}.md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
