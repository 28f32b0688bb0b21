"""Validation alone (``intel.validation.check``), one core: objects/s on the synthetic and realistic benchmark
data and on each file of the public corpus, the share of objects each path decides (per type), and the cost of
each path. See docs/benchmarks.md, section "Validation".

    .venv/bin/python bench/validation_bench.py                      # 20,000 objects of each data mode + corpus
    .venv/bin/python bench/validation_bench.py --baseline 86eb7ba   # also the validator of that commit
    .venv/bin/python bench/validation_bench.py --objects 2000 --runs 1   # quick
"""

from __future__ import annotations

import argparse
import gc
import subprocess
import sys
import time
import types
import warnings
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

if not __package__:  # run as a script: make ``bench`` importable from the repository root
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import orjson

from bench.markings import WireMarkings
from bench.stixgen import generate, read_lines
from liaison_hub.intel import validation

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / ".work"
CORPUS = ROOT.parent / "shared" / "corpus"
CORPUS_FILES = ("attack-mobile-17.1.json", "capec.json", "disarm.json", "mbc.json", "oasis-examples.json")
Check = Callable[[Any], Any]


def datasets(objects: int, seed: int) -> dict[str, list[dict[str, Any]]]:
    """The data measured: both benchmark data modes, and each corpus file that is here."""
    found: dict[str, list[dict[str, Any]]] = {}
    for mode in ("synthetic", "realistic"):
        info = generate(WORK / f"stix-{mode}-{objects}-{seed}.jsonl", objects, seed, WireMarkings(), data=mode)
        found[f"{mode} ({objects:,})"] = [orjson.loads(line) for line in read_lines(Path(info.path))]
    for name in CORPUS_FILES:
        path = CORPUS / name
        if path.exists():
            found[name] = orjson.loads(path.read_bytes())["objects"]
        else:
            print(f"skipped {name}: the public corpus is not at {CORPUS} (see ../shared/corpus/README.md)")
    return found


def rate(check: Check, objects: list[dict[str, Any]], runs: int) -> tuple[float, float]:
    """(objects per CPU second, per wall-clock second): best of ``runs`` passes after a warm-up pass (classes
    compiled, caches filled). CPU time is the process's own, so other work on the machine weighs on it less."""
    for obj in objects[:1000]:
        check(obj)
    cpu = wall = float("inf")
    for _ in range(runs):
        gc.collect()
        started, started_cpu = time.perf_counter(), time.process_time()
        for obj in objects:
            check(obj)
        cpu = min(cpu, time.process_time() - started_cpu)
        wall = min(wall, time.perf_counter() - started)
    return len(objects) / cpu, len(objects) / wall


def routes(
    objects: list[dict[str, Any]],
) -> tuple[Counter[tuple[str, str]], dict[str, list[float]], dict[str, list[float]]]:
    """(objects per (type, route), seconds per route, seconds per type): which path decided each object and what
    it cost."""
    counts: Counter[tuple[str, str]] = Counter()
    by_route: dict[str, list[float]] = defaultdict(list)
    by_type: dict[str, list[float]] = defaultdict(list)
    for obj in objects:
        started = time.perf_counter()
        outcome = validation.verdict(obj)
        spent = time.perf_counter() - started
        by_route[outcome.route].append(spent)
        by_type[obj.get("type", "?")].append(spent)
        counts[obj.get("type", "?"), outcome.route] += 1
    return counts, by_route, by_type


def _slowest(costs: dict[str, list[float]], top: int) -> str:
    """The costliest entries of at least 20 objects by median, in µs (medians: the machine is shared)."""
    medians = {name: sorted(spent)[len(spent) // 2] for name, spent in costs.items() if len(spent) >= 20}
    ranked = sorted(medians.items(), key=lambda item: -item[1])[:top]
    return "; ".join(f"{name}: {len(costs[name]):,} objects, {1e6 * median:.1f} µs" for name, median in ranked)


def baseline_check(commit: str) -> Check:
    """``intel.validation.check`` as it was at a commit, loaded beside today's modules."""
    source = subprocess.run(
        ["git", "show", f"{commit}:src/liaison_hub/intel/validation.py"], cwd=ROOT, capture_output=True, text=True
    )
    if source.returncode != 0:
        raise SystemExit(f"cannot read the validator at {commit}: {source.stderr.strip()}")
    module = types.ModuleType(f"validation_at_{commit}")
    exec(compile(source.stdout, f"validation@{commit}", "exec"), module.__dict__)  # our own history, read from git
    check: Check = module.check
    return check


def share_table(counts: Counter[tuple[str, str]]) -> list[str]:
    """Per type: objects, and the share decided without stix2.parse (and with stix2-patterns)."""
    lines = ["| type | objects | without stix2.parse | of which stix2-patterns |", "|---|--:|--:|--:|"]
    by_type: dict[str, Counter[str]] = defaultdict(Counter)
    for (kind, route), n in counts.items():
        by_type[kind][route] += n
    for kind, per_route in sorted(by_type.items(), key=lambda item: -sum(item[1].values())):
        total = sum(per_route.values())
        fast = total - per_route[validation.REFERENCE]
        lines.append(f"| {kind} | {total:,} | {fast / total:.1%} | {per_route[validation.WITH_PATTERNS]:,} |")
    return lines


def report(name: str, objects: list[dict[str, Any]], runs: int, baseline: Check | None) -> list[str]:
    now, now_wall = rate(validation.check, objects, runs)
    counts, by_route, by_type = routes(objects)  # after the timed passes: what each path costs once warm
    total = len(objects)
    fast = total - sum(n for (_k, route), n in counts.items() if route == validation.REFERENCE)
    line = f"**{name}**: {total:,} objects, {fast / total:.1%} without stix2.parse; {now:,.0f} objects/s"
    line += f" ({1e6 / now:.1f} µs per object; wall clock {now_wall:,.0f}/s)"
    if baseline is not None:
        before, _wall = rate(baseline, objects, runs)
        line += f"; before: {before:,.0f} objects/s ({now / before:.0f}x)"
    paths = f"Paths (median wall clock per object), slowest first: {_slowest(by_route, 4)}."
    types_line = f"Slowest types: {_slowest(by_type, 3)}."
    return [line, "", paths, types_line, "", *share_table(counts), ""]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--objects", type=int, default=20_000, help="objects of each benchmark data mode")
    parser.add_argument("--seed", type=int, default=20260101)
    parser.add_argument("--runs", type=int, default=3, help="timed passes per data set (the best counts)")
    parser.add_argument("--baseline", help="a commit whose validator to time on the same data (e.g. main)")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")  # the reference warns about deprecated observed-data 'objects'
    baseline = baseline_check(args.baseline) if args.baseline else None
    lines = [f"`python bench/validation_bench.py {' '.join(sys.argv[1:] if argv is None else argv)}`".strip(), ""]
    for name, objects in datasets(args.objects, args.seed).items():
        section = report(name, objects, args.runs, baseline)
        print("\n".join(section), flush=True)
        lines += section
    out = WORK / "validation-results.md"
    out.write_text("\n".join(lines) + "\n")
    print(f"written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
