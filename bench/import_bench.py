"""`liaison intel import` of whole files against the bare SQLite script on the same objects: the public corpus
(``../shared/corpus/``, skipped with a note where absent) and a generated file of either data mode. Reports the
import's wall time (the CLI's own start-up and the correlation index it completes included), its peak memory, and
the CLI's start-up alone. See docs/benchmarks.md, "Importing files".

    .venv/bin/python bench/import_bench.py --corpus
    .venv/bin/python bench/import_bench.py --data realistic --objects 1000000
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

if not __package__:  # run as a script: make ``bench`` importable from the repository root
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import orjson

from bench import hub_server, procs, raw_sqlite
from bench.markings import WireMarkings
from bench.stixgen import generate

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / ".work"
CORPUS = ROOT.parent / "shared" / "corpus"
CORPUS_FILES = ("attack-mobile-17.1.json", "capec.json", "disarm.json", "mbc.json", "oasis-examples.json")


def corpus_lines(files: list[Path], out: Path) -> int:
    """The objects of the corpus bundles as one JSON-lines file (the raw script's input); how many."""
    count = 0
    with out.open("wb") as sink:
        for path in files:
            for obj in orjson.loads(path.read_bytes())["objects"]:
                sink.write(orjson.dumps(obj) + b"\n")
                count += 1
    return count


def raw_insert(jsonl: Path, runs: int) -> float:
    """Best of ``runs`` inserts of the bare script, objects per second."""
    db = WORK / "raw-import.sqlite"
    rates = [raw_sqlite.insert(jsonl, db).rate for _ in range(runs)]
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    return max(rates)


def cli_start(env: dict[str, str], runs: int = 3) -> float:
    """Seconds for ``liaison --help``: the CLI's start-up, which every import pays once."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([*hub_server.liaison_argv(), "--help"], env=env, capture_output=True, check=True)
        times.append(time.perf_counter() - started)
    return min(times)


def hub_import(name: str, inputs: list[Path], objects: int) -> dict[str, Any]:
    """A fresh hub (SQLite), then one ``liaison intel import`` of every input file."""
    data_dir = WORK / f"import-{name}"
    subprocess.run(["rm", "-rf", "--", str(data_dir)], check=True)
    log = data_dir.with_suffix(".log")
    log.unlink(missing_ok=True)
    env, _ = hub_server.prepare(data_dir, None, log)
    argv = [*hub_server.liaison_argv(), "intel", "import", *map(str, inputs), "--collection", "bench"]
    argv += ["--as", hub_server.USERS[0][0], "--report", str(data_dir.with_suffix(".refused.txt"))]
    started = time.perf_counter()
    code, peak = procs.run_measured(argv, env=env, cwd=ROOT, log=log, timeout=max(1800.0, objects / 200))
    seconds = time.perf_counter() - started
    return {"exit": code, "seconds": seconds, "peak_mib": peak, "start_s": cli_start(env), "log": str(log)}


def measure(name: str, inputs: list[Path], jsonl: Path, objects: int, runs: int) -> dict[str, Any]:
    raw = raw_insert(jsonl, runs)
    hub = hub_import(name, inputs, objects)
    rate = objects / hub["seconds"]
    return {"name": name, "objects": objects, "raw_rate": raw, "import_rate": rate, **hub}


def report(rows: list[dict[str, Any]], started: str, load: tuple[str, str]) -> str:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    lines = [
        f"Import benchmark, {started}, hub commit {commit.stdout.strip()}, load average {load[0]} -> {load[1]}",
        "",
        "| input | objects | raw SQLite insert (objects/s) | `liaison intel import` (objects/s) | ratio | "
        "without the CLI's start-up | peak memory (MiB) | exit |",
        "|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for r in rows:
        bare = r["objects"] / max(r["seconds"] - r["start_s"], 1e-9)
        lines.append(
            f"| {r['name']} | {r['objects']:,} | {r['raw_rate']:,.0f} | {r['import_rate']:,.0f} | "
            f"{r['import_rate'] / r['raw_rate']:.2f}x | {bare / r['raw_rate']:.2f}x | {r['peak_mib']:,.0f} | "
            f"{r['exit']} |"
        )
    lines.append("")
    lines.append(f"The CLI's start-up (`liaison --help`): {min(r['start_s'] for r in rows):.2f} s.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", action="store_true", help="the public corpus, all files in one import")
    parser.add_argument("--data", choices=("synthetic", "realistic"), default=None, help="a generated file")
    parser.add_argument("--objects", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20260101)
    parser.add_argument("--raw-runs", type=int, default=3)
    args = parser.parse_args(argv)
    procs.install_cleanup()
    WORK.mkdir(parents=True, exist_ok=True)
    started = f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    load_start = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    rows = []
    if args.corpus:
        files = [CORPUS / name for name in CORPUS_FILES if (CORPUS / name).exists()]
        if not files:
            print(f"no corpus at {CORPUS}: skipped")
        else:
            jsonl = WORK / "corpus.jsonl"
            rows.append(measure("public corpus (5 files)", files, jsonl, corpus_lines(files, jsonl), args.raw_runs))
    if args.data:
        stem = (
            f"stix-{args.objects}-{args.seed}"
            if args.data == "synthetic"
            else f"stix-{args.data}-{args.objects}-{args.seed}"
        )
        info = generate(WORK / f"{stem}.jsonl", args.objects, args.seed, WireMarkings(), data=args.data)
        path = Path(info.path)
        rows.append(measure(f"{args.data} data", [path], path, args.objects, args.raw_runs))
    if not rows:
        parser.error("nothing to measure: give --corpus and/or --data")
    text = report(rows, started, (load_start, ", ".join(f"{x:.2f}" for x in os.getloadavg())))
    stem_out = WORK / f"import-{datetime.now(UTC):%Y%m%dT%H%M%S}"
    stem_out.with_suffix(".md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
