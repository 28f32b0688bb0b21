"""Process-level tuning of long-running commands."""

from __future__ import annotations

import gc

from liaison_hub.runtime import settle_heap


def test_settle_heap_freezes_what_is_alive_and_keeps_collecting_new_garbage() -> None:
    before = gc.get_freeze_count()
    try:
        settle_heap()
        assert gc.get_freeze_count() > before
        cycle: list[object] = []
        cycle.append(cycle)
        del cycle
        assert gc.collect() >= 1  # objects made after the freeze are still collected
    finally:
        gc.unfreeze()
