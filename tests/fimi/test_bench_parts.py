"""The FIMI benchmark's and evaluation's own parts run and agree with the labelled set (no timings asserted:
performance is measured by bench/fimi_bench.py, never by tests). The labelled set's figures are a quality guard:
a change that makes suggestions or clustering worse on it fails here."""

from __future__ import annotations

from pathlib import Path

from bench import fimi_bench, fimi_eval


def test_the_labelled_set_is_what_its_seed_makes_and_the_hub_scores_well_on_it(tmp_path: Path) -> None:
    rebuilt = tmp_path / "labelled.jsonl"
    fimi_eval.rebuild(rebuilt)
    assert rebuilt.read_bytes() == fimi_eval.LABELLED.read_bytes()
    rows = fimi_eval.labelled()
    assert len(rows) >= 150
    assert {r["language"] for r in rows} == {"en", "zh", "ja", "ko"}
    scores = fimi_eval.evaluate(rows, f"sqlite:///{tmp_path / 'eval.db'}")
    assert scores.precision_at_3 >= 0.9
    assert scores.recall_at_3 >= 0.6
    assert scores.cluster_precision >= 0.9
    assert scores.cluster_recall >= 0.8


def test_the_benchmark_data_and_measurements_run(tmp_path: Path) -> None:
    items = fimi_bench.three_kb_items(40)
    assert all(len(str(i["text"]).encode()) >= fimi_bench.REPORT_BYTES for _, i in items)
    assert fimi_bench.three_kb_items(40) == items
    imported = fimi_bench.bench_import(f"sqlite:///{tmp_path / 'i.db'}", 40)
    assert imported["reports"] == 40
    chart = fimi_bench.bench_chart(f"sqlite:///{tmp_path / 'c.db'}", 300, runs=1)
    assert chart["points_by_country"] > 0
    assert fimi_bench.bench_clustering(60)["links"] > 0
