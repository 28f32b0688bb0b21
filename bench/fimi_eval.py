"""Quality of FIMI suggestions and copy-paste clustering on the labelled set ``bench/fimi_eval/labelled.jsonl``
(reports in English, Chinese, Japanese and Korean, each labelled with its narratives and its copy cluster).

Run ``python -m bench.fimi_eval`` (``--rebuild`` writes the labelled set again from its seed first). A fresh SQLite
hub gets the five catalogue narratives (their statements only), the reports are imported in time order as one
analyst would, and the figures are:

- suggestions: precision at 3 (correct narratives among the top three shown, over all shown), recall at 3 (labelled
  narratives found in the top three) and the share of narrative-free reports given any suggestion;
- clustering: pairwise precision and recall of "same copy cluster" over every pair of reports.
"""

from __future__ import annotations

import argparse
import itertools
import tempfile
from dataclasses import dataclass
from pathlib import Path

import orjson

from liaison_hub.db.engine import create_db_engine, make_session_factory, session_scope
from liaison_hub.db.migrate import upgrade
from liaison_hub.directory.auth import acting_as
from liaison_hub.directory.seed import seed_demo, seed_reference_data
from liaison_hub.fimi import clusters, corpus, narratives, service
from liaison_hub.fimi import repository as repo
from liaison_hub.fimi.schemas import Decision, NarrativeCreate
from liaison_hub.policy.levels import parse_classification
from liaison_hub.policy.principal import SYSTEM, Actor, PrincipalKind
from liaison_hub.policy.schemas import MarkingIn

LABELLED = Path(__file__).parent / "fimi_eval" / "labelled.jsonl"
SIZE, SEED = 180, 13
ACCREDITATION = parse_classification("NS")
MARKING = MarkingIn(tlp="green", releasable_to=["ALLIANCE", "AP4"])


def rebuild(path: Path = LABELLED) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = [r.__dict__ for r in corpus.generate(SIZE, seed=SEED)]
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows))


def labelled(path: Path = LABELLED) -> list[dict[str, object]]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]


@dataclass
class Scores:
    precision_at_3: float
    recall_at_3: float
    false_alarms: float
    cluster_precision: float
    cluster_recall: float
    reports: int
    languages: dict[str, int]


def _pairs(groups: dict[int, object]) -> set[tuple[int, int]]:
    return {(a, b) for a, b in itertools.combinations(sorted(groups), 2) if groups[a] == groups[b]}


def _decide(session: object, analyst: Actor, report_id: int, row: dict[str, object], ids: dict[str, int]) -> None:
    """What the analyst does in the inbox: confirm the right suggestions, reject the wrong ones, and link by hand,
    with the passage, a labelled narrative that was not suggested."""
    truth = set(row["narratives"])  # type: ignore[call-overload]
    suggested = {s.narrative_id: s for s in repo.suggestions(session, analyst.principal, [report_id])}  # type: ignore[arg-type]
    for narrative_id, suggestion in suggested.items():
        if suggestion.status == "suggested":
            status = Decision.confirmed if keys_of(ids)[narrative_id] in truth else Decision.rejected
            narratives.decide(session, analyst, report_id=report_id, narrative_id=narrative_id, status=status)  # type: ignore[arg-type]
    passages = row.get("passages") or {}
    text = repo.get_report(session, analyst.principal, report_id).text  # type: ignore[arg-type, union-attr]
    for key in truth:
        if ids[key] not in suggested:
            passage = str(passages.get(key, ""))  # type: ignore[attr-defined]
            narratives.link_report(
                session,
                analyst,
                report_id=report_id,
                narrative_id=ids[key],  # type: ignore[arg-type]
                passage=passage if passage in text else "",
            )


def keys_of(ids: dict[str, int]) -> dict[int, str]:
    return {v: k for k, v in ids.items()}


def evaluate(rows: list[dict[str, object]], url: str, *, feedback: bool = False) -> Scores:
    """Import the labelled reports into a fresh hub at ``url`` and score what the hub says of them; with
    ``feedback`` the analyst decides on each report's suggestions before the next report arrives."""
    upgrade(url)
    engine = create_db_engine(url)
    with session_scope(make_session_factory(engine)) as session:
        seed_reference_data(session, Actor(SYSTEM, "bench"))
        seed_demo(session, Actor(SYSTEM, "bench"), secret_key="bench-secret-" * 4)
        analyst = acting_as(session, "liaison", accreditation=ACCREDITATION, kind=PrincipalKind.test, source="bench")
        keys = {}
        for entry in corpus.data("narratives"):
            data = NarrativeCreate(
                title=entry["title"],
                summary=entry["summary"],
                statements=entry["statements"],
                aliases=entry["aliases"],
                marking=MARKING,
            )
            keys[narratives.create_narrative(session, analyst, data=data, accreditation=ACCREDITATION).id] = entry[
                "key"
            ]
        ordered = sorted(rows, key=lambda r: str(r["published_at"]))
        report_of: dict[int, int] = {}
        snapshot: dict[int, list[str]] = {}
        for row in ordered:
            item = {k: row[k] for k in ("outlet", "outlet_country", "language", "url", "published_at", "title", "text")}
            result = service.import_reports(
                session, analyst, items=[(str(row["number"]), item)], marking=MARKING, accreditation=ACCREDITATION
            )
            report_of[int(str(row["number"]))] = result.report_ids[0]
            if feedback:
                snapshot[result.report_ids[0]] = [
                    keys[s.narrative_id] for s in repo.suggestions(session, analyst.principal, [result.report_ids[0]])
                ]
                _decide(session, analyst, result.report_ids[0], row, {v: k for k, v in keys.items()})
        return _score(session, analyst.principal, rows, report_of, keys, snapshot if feedback else None)


def _score(
    session: object,
    principal: object,
    rows: list[dict[str, object]],
    report_of: dict[int, int],
    keys: dict[int, str],
    snapshot: dict[int, list[str]] | None = None,
) -> Scores:
    """Suggestions as they were when each report arrived (before any decision on it) and clusters at the end."""
    shown = correct = wanted = found = alarms = empty = 0
    suggestions: dict[int, list[str]] = dict(snapshot or {})
    if snapshot is None:
        for s in repo.suggestions(session, principal, set(report_of.values())):  # type: ignore[arg-type]
            suggestions.setdefault(s.report_id, []).append(keys[s.narrative_id])
    for row in rows:
        top = suggestions.get(report_of[int(str(row["number"]))], [])[:3]
        truth = set(row["narratives"])  # type: ignore[call-overload]
        shown += len(top)
        correct += sum(1 for k in top if k in truth)
        wanted += len(truth)
        found += len(truth & set(top))
        if not truth:
            empty += 1
            alarms += bool(top)
    predicted: dict[int, object] = {}
    for report_id in set(report_of.values()):
        if report_id not in predicted:
            members = clusters.cluster_of(session, principal, report_id)  # type: ignore[arg-type]
            for member in members:
                predicted[member] = min(members)
    truth_pairs = _pairs({int(str(r["number"])): r["cluster"] for r in rows})
    hub_pairs = _pairs({int(str(r["number"])): predicted[report_of[int(str(r["number"]))]] for r in rows})
    languages: dict[str, int] = {}
    for row in rows:
        languages[str(row["language"])] = languages.get(str(row["language"]), 0) + 1
    return Scores(
        precision_at_3=correct / shown if shown else 0.0,
        recall_at_3=found / wanted if wanted else 0.0,
        false_alarms=alarms / empty if empty else 0.0,
        cluster_precision=len(truth_pairs & hub_pairs) / len(hub_pairs) if hub_pairs else 1.0,
        cluster_recall=len(truth_pairs & hub_pairs) / len(truth_pairs) if truth_pairs else 1.0,
        reports=len(rows),
        languages=languages,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rebuild", action="store_true", help="write the labelled set again from its seed")
    args = parser.parse_args()
    if args.rebuild or not LABELLED.exists():
        rebuild()
    for feedback in (False, True):
        with tempfile.TemporaryDirectory() as tmp:
            scores = evaluate(labelled(), f"sqlite:///{tmp}/eval.db", feedback=feedback)
        print(f"== {'with the analyst deciding as reports arrive' if feedback else 'catalogue statements only'}")
        print(f"reports: {scores.reports} {scores.languages}")
        print(
            f"suggestions: precision@3 {scores.precision_at_3:.3f}  recall@3 {scores.recall_at_3:.3f}  "
            f"narrative-free reports given a suggestion {scores.false_alarms:.3f}"
        )
        print(f"clustering: pairwise precision {scores.cluster_precision:.3f}  recall {scores.cluster_recall:.3f}")


if __name__ == "__main__":
    main()
