"""Garbage-collector tuning for long-running processes (``liaison serve``, its workers, ``liaison intel import``)."""

from __future__ import annotations

import gc

YOUNG_GC_THRESHOLD = 50_000


def settle_heap() -> None:
    """Collect once, then freeze every object alive now (the built application: routes, models, mappers, compiled
    statements, reference data) so the cyclic collector no longer walks it; collect the youngest generation after
    ``YOUNG_GC_THRESHOLD`` net allocations instead of 700.

    Frozen objects are still freed by reference counting; only cycles among them outlive the process, and the
    application's own objects live as long as it does. A request's or an import batch's short-lived objects are
    freed by reference counting when it ends, so collecting less often spares promoting them to older generations
    (``docs/benchmarks.md``, "Runtime tuning", has the measurements)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_GC_THRESHOLD)
