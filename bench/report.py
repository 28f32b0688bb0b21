"""Turn one run's results into the Markdown tables of docs/benchmarks.md (and check the issue's targets)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

FILTERS = ("match[type]", "added_after", "match[id]")
RAW, PEER = "raw SQLite", "OpenTAXII 0.9.3"


@dataclass(frozen=True)
class Verdict:
    target: str
    measured: str
    passed: bool | None  # None: not measured in this run

    @property
    def mark(self) -> str:
        return {True: "**pass**", False: "**FAIL**", None: "not measured"}[self.passed]


def _num(value: float | None, digits: int = 0) -> str:
    if value is None:
        return "-"
    return f"{value:,.{digits}f}"


def _ratio(value: float | None, base: float | None) -> str:
    if not value or not base:
        return "-"
    return f"{value / base:.2f}x" if value / base < 10 else f"{value / base:,.0f}x"


def _partial(section: dict[str, Any]) -> str:
    return "" if section.get("complete", True) else " (partial)"


def throughput_table(size: dict[str, Any]) -> list[str]:
    """Ingest and paged-read rates per server, with ratios to the raw script and to the peer."""
    raw = size.get(RAW, {})
    raw_in, raw_out = raw.get("insert_rate"), raw.get("read_rate")
    peer = size.get(PEER, {})
    peer_in, peer_out = peer.get("ingest", {}).get("rate"), peer.get("read", {}).get("rate")
    lines = [
        "| system | ingest objects/s | vs raw insert | vs OpenTAXII | paged read objects/s | vs raw read "
        "| vs OpenTAXII | server peak memory (MiB) |",
        "|---|--:|--:|--:|--:|--:|--:|--:|",
        f"| {RAW} (no server) | {_num(raw_in)} | 1.00x | {_ratio(raw_in, peer_in)} | {_num(raw_out)} | 1.00x "
        f"| {_ratio(raw_out, peer_out)} | - |",
    ]
    for name, result in size.items():
        if name == RAW or "ingest" not in result:
            continue
        ingest, read = result["ingest"], result["read"]
        lines.append(
            f"| {name} | {_num(ingest.get('rate'))}{_partial(ingest)} | {_ratio(ingest.get('rate'), raw_in)} "
            f"| {_ratio(ingest.get('rate'), peer_in)} | {_num(read.get('rate'))}{_partial(read)} "
            f"| {_ratio(read.get('rate'), raw_out)} | {_ratio(read.get('rate'), peer_out)} "
            f"| {_num(result.get('peak_memory_mib'))} |"
        )
    return lines


def cpu_table(size: dict[str, Any]) -> list[str]:
    """Where the time goes: CPU per object in the server's processes and in the measuring client."""
    lines = [
        "| system | ingest: server CPU us/object | ingest: client CPU us/object | read: server CPU us/object "
        "| read: client CPU us/object |",
        "|---|--:|--:|--:|--:|",
    ]
    for name, result in size.items():
        if "ingest" not in result:
            continue
        ingest, read = result["ingest"], result["read"]
        lines.append(
            f"| {name} | {_num(ingest.get('server_cpu_us'), 1)} | {_num(ingest.get('client_cpu_us'), 1)} "
            f"| {_num(read.get('server_cpu_us'), 1)} | {_num(read.get('client_cpu_us'), 1)} |"
        )
    return lines


def latency_table(size: dict[str, Any]) -> list[str]:
    """Median / p95 of filtered first pages per server and principal."""
    head = " | ".join(f"{f} median / p95 (ms)" for f in FILTERS)
    lines = [f"| system | principal (sees) | {head} |", "|---|---|" + "--:|" * len(FILTERS)]
    for name, result in size.items():
        for principal, filters in result.get("latency", {}).items():
            sees = result.get("sees", {}).get(principal, "")
            cells = []
            for f in FILTERS:
                m = filters.get(f, {})
                count = f" ({m.get('n')}/{m.get('planned')})" if m.get("n") != m.get("planned") else ""
                cells.append(f"{_num(m.get('median'), 1)} / {_num(m.get('p95'), 1)}{count}")
            lines.append(f"| {name} | {principal} ({sees}) | {' | '.join(cells)} |")
    return lines


def _ratio_verdict(target: str, hub: float | None, raw: float | None, floor: float) -> Verdict:
    if not hub or not raw:
        return Verdict(target, "-", None)
    share = hub / raw
    return Verdict(target, f"{share:.0%} ({hub:,.0f} vs {raw:,.0f} objects/s)", share >= floor)


def _latency_verdicts(size: dict[str, Any], label: str) -> list[Verdict]:
    lat = size.get("hub SQLite", {}).get("latency", {})
    reader, admin = lat.get("reader", {}), lat.get("admin", {})
    medians = {f: reader.get(f, {}).get("median") for f in FILTERS}
    worst = max((m for m in medians.values() if m is not None), default=None)
    shown = ", ".join(f"{f} {_num(m, 1)}" for f, m in medians.items())
    first_page = Verdict(
        f"filtered first page at {label}, 1/10 reader, median < 30 ms",
        shown or "-",
        None if worst is None else worst < 30,
    )
    costs = {}
    for f in FILTERS:
        r, a = reader.get(f, {}).get("median"), admin.get(f, {}).get("median")
        if r is not None and a:
            costs[f] = r / a - 1
    cost_text = ", ".join(f"{f} {c:+.0%}" for f, c in costs.items())
    cost = Verdict(
        f"access-filtering cost at {label} (reader vs admin median) < 25%",
        cost_text or "-",
        None if not costs else max(costs.values()) < 0.25,
    )
    return [first_page, cost]


def verdicts(results: dict[str, Any]) -> list[Verdict]:
    """The issue's targets, judged on the hub on SQLite at each size measured."""
    out: list[Verdict] = []
    sizes = results.get("sizes", {})
    for label, size in sizes.items():
        hub, raw = size.get("hub SQLite", {}), size.get(RAW, {})
        out.append(
            _ratio_verdict(
                f"ingest at {label} ≥ 40% of raw insert",
                hub.get("ingest", {}).get("rate"),
                raw.get("insert_rate"),
                0.40,
            )
        )
        out.append(
            _ratio_verdict(
                f"paged read at {label} ≥ 25% of raw read", hub.get("read", {}).get("rate"), raw.get("read_rate"), 0.25
            )
        )
    million = sizes.get("1,000,000")
    if million is None:
        out.append(Verdict("filtered first page at 1,000,000, 1/10 reader, median < 30 ms", "-", None))
        out.append(Verdict("access-filtering cost at 1,000,000 < 25%", "-", None))
    else:
        out.extend(_latency_verdicts(million, "1,000,000"))
    for label, size in sizes.items():
        if label != "1,000,000":
            out.extend(v for v in _latency_verdicts(size, label) if v.passed is not None)
    imp = results.get("import", {})
    mib = imp.get("peak_memory_mib")
    out.append(
        Verdict(
            f"import of {imp.get('objects_label', '1,000,000')} objects: peak memory < 500 MB",
            f"{mib:,.0f} MiB" if mib else imp.get("note", "-"),
            None if not mib or imp.get("objects", 0) < 1_000_000 else mib * 1.048576 < 500,
        )
    )
    return out


def markdown(results: dict[str, Any]) -> str:
    """The whole report: machine, command, tables per size, targets, notes."""
    lines = [f"Run {results['started']} · `{results['command']}`", ""]
    lines += [f"- {k}: {v}" for k, v in results["machine"].items()]
    for label, size in results.get("sizes", {}).items():
        lines += ["", f"### {label} objects", "", *throughput_table(size)]
        lines += ["", *cpu_table(size)]
        lines += ["", *latency_table(size)]
        notes = [f"- {name}: {n}" for name, r in size.items() for n in r.get("notes", [])]
        if notes:
            lines += ["", "Notes:", *notes]
    if imp := results.get("import"):
        lines += ["", "### Import from a file", "", *[f"- {k}: {v}" for k, v in imp.items()]]
    lines += ["", "### Targets (issue 3)", "", "| target | measured | verdict |", "|---|---|---|"]
    lines += [f"| {v.target} | {v.measured} | {v.mark} |" for v in verdicts(results)]
    return "\n".join(lines) + "\n"
