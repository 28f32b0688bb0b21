"""Process-level tuning of long-running commands."""

from __future__ import annotations

import gc

from liaison_hub.runtime.heap import YOUNG_GC_THRESHOLD, settle_heap


def test_settle_heap_freezes_what_is_alive_and_keeps_collecting_new_garbage() -> None:
    before, thresholds = gc.get_freeze_count(), gc.get_threshold()
    try:
        settle_heap()
        assert gc.get_freeze_count() > before
        assert gc.get_threshold()[0] == YOUNG_GC_THRESHOLD
        cycle: list[object] = []
        cycle.append(cycle)
        del cycle
        assert gc.collect() >= 1  # objects made after the freeze are still collected
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)
