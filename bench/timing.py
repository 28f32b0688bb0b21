"""How the benchmark's own processes time a phase."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector of the measuring process for one timed phase, as ``timeit`` does.

    The measuring client keeps bookkeeping across a phase (the set of ids it has seen, to check a full read for gaps
    and duplicates); with the collector on, every thousand parsed objects trigger a collection that walks that
    growing set, and the client's bookkeeping would be timed as the server's slowness. The raw SQLite script runs
    under the same rule. Servers under test are separate processes and keep their own settings."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
