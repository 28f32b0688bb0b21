"""The EDT benchmark's own parts run and agree with the services (no timings asserted: performance is measured by
bench/edt_bench.py, never by tests): the reader sees the technologies of the markings it may read, the hub all."""

from __future__ import annotations

from pathlib import Path

from bench import edt_bench


def test_the_benchmark_data_and_measurements_run(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'edt.db'}"
    edt_bench.fill(url, 40, 400)
    found = edt_bench.measure(url, runs=1)
    assert found["unfiltered_entries"] == 40
    assert found["entries_on_radar"] == 30  # three of the four wide markings admit Australia
    assert 0 < found["moved"] <= 30
