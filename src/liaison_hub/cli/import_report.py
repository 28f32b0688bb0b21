"""What ``liaison intel import`` tells its user: a table per file, refusals grouped by kind with counts and example
ids, objects still held, and (``--report FILE``) every refused or held id with its reason as JSON lines."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path

import orjson
from rich.table import Table

from liaison_hub.cli.common import add_row, console, say
from liaison_hub.intel.schemas import IngestResult, ObjectOutcome

KINDS_SHOWN = 10
IDS_SHOWN = 3
OWN_ID = "<id>"


def kind_of(outcome: ObjectOutcome) -> str:
    """A refusal's reason without the object's own id (validators name it), so equal problems group together."""
    message = outcome.message or ""
    return message.replace(outcome.id, OWN_ID) if outcome.id else message


def grouped(outcomes: Iterable[ObjectOutcome]) -> list[tuple[str, list[str]]]:
    """Reasons by kind, most frequent first, each with the ids it refused (in the order they were read)."""
    ids: dict[str, list[str]] = defaultdict(list)
    for outcome in outcomes:
        ids[kind_of(outcome)].append(outcome.id or "(no id)")
    return sorted(ids.items(), key=lambda item: -len(item[1]))


def _examples(ids: list[str]) -> str:
    shown = ", ".join(ids[:IDS_SHOWN])
    return f"{shown} and {len(ids) - IDS_SHOWN} more" if len(ids) > IDS_SHOWN else shown


def _print_groups(title: str, outcomes: list[ObjectOutcome]) -> None:
    groups = grouped(outcomes)
    if not groups:
        return
    console.print(f"[bold]{title}[/]")
    for kind, ids in groups[:KINDS_SHOWN]:
        say(f"  {len(ids):>8}  {kind}")
        say(f"            e.g. {_examples(ids)}")
    if len(groups) > KINDS_SHOWN:
        rest = sum(len(ids) for _, ids in groups[KINDS_SHOWN:])
        say(f"  ... and {len(groups) - KINDS_SHOWN} other kinds of reason ({rest} objects)")


def settle_held(results: dict[str, IngestResult]) -> None:
    """Versions a file left held that a later file of the run released (its definition came there) are not held at
    the end of the run; matched by stored row, so another version of the same object still held stays listed."""
    later: set[int] = set()
    for result in reversed(list(results.values())):
        kept = [(row, h) for row, h in zip(result.held_rows, result.held, strict=True) if row not in later]
        result.held_rows, result.held = [row for row, _ in kept], [h for _, h in kept]
        later |= result.released_rows


def print_summary(results: dict[str, IngestResult]) -> None:
    table = Table("file", "read", "stored", "duplicates", "held", "refused", header_style="bold")
    for source, r in results.items():
        add_row(table, source, r.total, r.stored, r.duplicates, len(r.held), r.refused)
    console.print(table)
    released = sum(r.released for r in results.values())
    if released:
        say(f"{released} held object(s) released: the marking-definitions they waited for arrived")
    _print_groups("refused, by reason:", [f for r in results.values() for f in r.failures])
    _print_groups(
        "held, readable only by your organisation until the marking-definitions they reference arrive:",
        [h for r in results.values() for h in r.held],
    )


def _lines(results: dict[str, IngestResult]) -> Iterator[bytes]:
    for source, r in results.items():
        for outcome, what in [*((f, "refused") for f in r.failures), *((h, "held") for h in r.held)]:
            record = {"file": source, "id": outcome.id, "version": outcome.version, "outcome": what}
            yield orjson.dumps({**record, "reason": outcome.message or ""}) + b"\n"


def write_report(path: Path, results: dict[str, IngestResult]) -> int:
    """Every refused or held object of the run, one JSON object a line; returns how many were written."""
    count = 0
    with path.open("wb") as out:
        for line in _lines(results):
            out.write(line)
            count += 1
    return count
