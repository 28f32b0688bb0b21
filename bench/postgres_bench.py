"""The hub on PostgreSQL against a bare psycopg script (COPY in, keyset pages out, same three indexes), and
concurrent readers of different nations with one and two server worker processes. See docs/benchmarks.md.

    .venv/bin/python bench/postgres_bench.py              # 100,000 objects
    .venv/bin/python bench/postgres_bench.py --objects 20000 --read-runs 1    # a quick look
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import subprocess
import sys
import time
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

if not __package__:  # run as a script: make ``bench`` importable from the repository root
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import orjson

from bench import hub_server, pg, procs, raw_postgres
from bench import taxii_client as tc
from bench.markings import WireMarkings
from bench.stixgen import DatasetInfo, generate, read_lines

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / ".work"
# Readers of four nations, each a reader organisation cleared NU (the Korean one is the main benchmark's reader).
READER_NATIONS = ("KOR", "JPN", "AUS", "NZL")


def add_readers(env: dict[str, str], log: Path) -> dict[str, str]:
    """One reader per nation of ``READER_NATIONS`` beyond the Korean one ``hub_server`` makes; their tokens."""
    tokens = {}
    for nation in READER_NATIONS[1:]:
        org, user = f"BENCH-{nation}", f"bench-reader-{nation.lower()}"
        hub_server.cli(["org", "add", "--name", f"Benchmark reader {nation}", "--short", org, "--nation", nation],
                       env=env, log=log)  # fmt: skip
        hub_server.cli(["user", "add", user, "--name", user, "--org", org, "--role", "reader", "--clearance", "NU"],
                       env=env, log=log)  # fmt: skip
        out = hub_server.cli(
            ["token", "create", "--user", user, "--scope", "read", "--name", "bench"], env=env, log=log
        )
        tokens[nation] = out.strip().splitlines()[-1].strip()
    return tokens


def _read_in_process(endpoint: tc.Endpoint, page: int, queue: Any, barrier: Any) -> None:
    barrier.wait(120)  # every client process is up (spawned, imported) before any starts reading
    started = time.time()
    result = tc.paged_read(endpoint, limit=page, budget=900, keep_ids=False)
    queue.put((result.objects, result.seconds, result.complete, started, time.time()))


def concurrent_reads(endpoints: list[tc.Endpoint], page: int) -> dict[str, Any]:
    """Each endpoint reads its whole view at once, in a client process of its own (so the clients do not share a
    GIL): aggregate objects per second of wall time from the common start to the last reader's end."""
    context = multiprocessing.get_context("spawn")
    queue, barrier = context.Queue(), context.Barrier(len(endpoints))
    workers = [context.Process(target=_read_in_process, args=(e, page, queue, barrier)) for e in endpoints]
    for worker in workers:
        worker.start()
    results = [queue.get(timeout=1200) for _ in workers]
    for worker in workers:
        worker.join(60)
    objects = sum(r[0] for r in results)
    wall = max(r[4] for r in results) - min(r[3] for r in results)
    return {
        "readers": len(endpoints),
        "objects": objects,
        "wall_s": round(wall, 2),
        "aggregate_rate": round(objects / wall) if wall else 0,
        "per_reader_rates": [round(r[0] / r[1]) if r[1] else 0 for r in results],
        "complete": all(r[2] for r in results),
    }


def settle_after_start(idle_load: float = 1.0, budget_s: float = 60.0) -> None:
    """Wait until the processes a server starts (workers, the index worker) have finished importing: the one-minute
    load average is not usable, so sample the machine's CPU time for a second at a time until it is mostly idle."""

    def busy() -> float:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        return float(sum(fields) - fields[3] - fields[4]), float(sum(fields))

    deadline = time.monotonic() + budget_s
    while time.monotonic() < deadline:
        (b0, t0), _ = busy(), time.sleep(1.0)
        b1, t1 = busy()
        if (b1 - b0) / max(t1 - t0, 1.0) * os.cpu_count() < idle_load:  # type: ignore[operator]
            return


def best_read(endpoint: tc.Endpoint, page: int, runs: int) -> tc.ReadResult:
    reads = [tc.paged_read(endpoint, limit=page, budget=900) for _ in range(runs)]
    return max(reads, key=lambda r: r.rate)


def _endpoint(base: tc.Endpoint, token: str, name: str) -> tc.Endpoint:
    return tc.Endpoint(
        name, base.objects_url, base.status_root, {"Authorization": f"Bearer {token}"}, base.max_content_length
    )


def measure(info: DatasetInfo, url: str, page: int, runs: int) -> dict[str, Any]:
    results: dict[str, Any] = {}
    inserts = [raw_postgres.insert(Path(info.path), url) for _ in range(runs)]
    reads = [raw_postgres.read(url, page) for _ in range(runs)]
    raw_postgres.drop(url)
    results["raw"] = {
        "insert_rate": round(max(r.rate for r in inserts)),
        "read_rate": round(max(r.rate for r in reads)),
    }
    data_dir = WORK / f"hub-pg-{info.objects}"
    subprocess.run(["rm", "-rf", "--", str(data_dir)], check=True)
    log = data_dir.with_suffix(".log")
    log.unlink(missing_ok=True)
    env, tokens = hub_server.prepare(data_dir, url, log)
    readers = {"KOR": tokens["reader"], **add_readers(env, log)}
    with hub_server.running(env, tokens, "hub PostgreSQL", log) as hub:
        ingest = tc.ingest(hub.admin, read_lines(Path(info.path)), per_envelope=1000, budget=3600)
        settle = hub_server.first_search(hub)
        admin = best_read(hub.admin, page, runs)
        reader = best_read(hub.reader, page, runs)
        endpoints = [_endpoint(hub.admin, readers[n], f"reader {n}") for n in READER_NATIONS]
        one_worker = {n: concurrent_reads(endpoints[:n], page) for n in (1, 2, 4)}
    results["hub"] = {
        "ingest_rate": round(ingest.rate),
        "ingest": {k: v for k, v in asdict(ingest).items() if k != "problems"} | {"problems": ingest.problems[:5]},
        "settle_s": round(settle, 2),
        "admin_read_rate": round(admin.rate),
        "admin_read_objects": admin.unique,
        "reader_read_rate": round(reader.rate),
        "reader_read_objects": reader.unique,
    }
    results["concurrency"] = {"1 worker": one_worker}
    port_env = {**env}
    proc_log = data_dir.with_name(data_dir.name + "-2w.log")
    port = procs.free_port()
    argv = [*hub_server.liaison_argv(), "serve", "--host", procs.LOOPBACK, "--port", str(port), "--workers", "2"]
    proc = procs.start(argv, env=port_env, cwd=ROOT, log=proc_log)
    try:
        base = f"http://{procs.LOOPBACK}:{port}"
        procs.wait_http(f"{base}/taxii2/", proc=proc, log=proc_log)
        objects_url = endpoints[0].objects_url.replace(endpoints[0].objects_url.split("/taxii2/")[0], base)
        two = [tc.Endpoint(e.name, objects_url, None, e.headers, e.max_content_length) for e in endpoints]
        settle_after_start()
        concurrent_reads(two, page)  # four connections: every worker has served a whole read before the clock runs
        results["concurrency"]["2 workers"] = {n: concurrent_reads(two[:n], page) for n in (1, 2, 4)}
    finally:
        procs.stop(proc)
    return results


def report(results: dict[str, Any]) -> str:
    raw, hub = results["raw"], results["hub"]
    lines = [
        f"PostgreSQL benchmark, {results['objects']:,} objects, {results['started']}, hub commit {results['commit']}, "
        f"load average {results['load_start']} -> {results['load_end']}",
        "",
        "| | objects/s | ratio to raw |",
        "|---|--:|--:|",
        f"| raw PostgreSQL COPY (batches of 1,000) | {raw['insert_rate']:,} | 1.00x |",
        f"| hub ingest over TAXII (envelopes of 1,000) | {hub['ingest_rate']:,} | "
        f"{hub['ingest_rate'] / raw['insert_rate']:.2f}x |",
        f"| raw PostgreSQL keyset read (pages of 1,000) | {raw['read_rate']:,} | 1.00x |",
        f"| hub full paged read, admin (sees all {hub['admin_read_objects']:,}) | {hub['admin_read_rate']:,} | "
        f"{hub['admin_read_rate'] / raw['read_rate']:.2f}x |",
        f"| hub full paged read, Korean reader (sees {hub['reader_read_objects']:,}) | {hub['reader_read_rate']:,} | "
        f"{hub['reader_read_rate'] / raw['read_rate']:.2f}x |",
        "",
        "| server | readers | aggregate objects/s | per reader | vs 1 worker |",
        "|---|--:|--:|---|--:|",
    ]
    base = results["concurrency"]["1 worker"]
    for name, runs in results["concurrency"].items():
        for n, run in runs.items():
            ratio = run["aggregate_rate"] / base[n]["aggregate_rate"] if base[n]["aggregate_rate"] else 0
            per = ", ".join(f"{r:,}" for r in run["per_reader_rates"])
            lines.append(f"| {name} | {n} | {run['aggregate_rate']:,} | {per} | {ratio:.2f}x |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--objects", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20260101)
    parser.add_argument("--page", type=int, default=1000)
    parser.add_argument("--read-runs", type=int, default=3)
    args = parser.parse_args(argv)
    procs.install_cleanup()
    WORK.mkdir(parents=True, exist_ok=True)
    url = pg.server_url()
    if problem := pg.problem(url):
        print(f"no PostgreSQL at {url}: {problem}")
        return 1
    info = generate(WORK / f"stix-{args.objects}-{args.seed}.jsonl", args.objects, args.seed, WireMarkings())
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    results: dict[str, Any] = {
        "objects": args.objects,
        "started": f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "commit": commit.stdout.strip(),
        "load_start": ", ".join(f"{x:.2f}" for x in os.getloadavg()),
    }
    with pg.fresh_database(url) as db_url:
        results |= measure(info, db_url, args.page, args.read_runs)
    results["load_end"] = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    stem = WORK / f"postgres-{datetime.now(UTC):%Y%m%dT%H%M%S}"
    stem.with_suffix(".json").write_bytes(orjson.dumps(results, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS))
    text = report(results)
    stem.with_suffix(".md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
