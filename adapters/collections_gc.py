"""The garbage collector in a web worker: its pauses timed, and fewer of them.

A collection stops every thread of the process (it holds the interpreter lock), so a request that
meets one waits for it. A worker's heap is mostly what it loaded once and keeps — modules, the
app, its pools and caches — which a full collection walks each time. Frozen after the app is
loaded (``gc.freeze``), that part is left out of every later collection; the youngest
generation's threshold, raised, makes the cheap young collections rarer too.
"""

from __future__ import annotations

import gc
import time
from collections import deque
from typing import Any

from prometheus_client import Histogram

#: Young collections after this many new container objects (Python's default is 700).
YOUNG_THRESHOLD = 10_000


class CollectionTimes:
    """Each collection's generation and duration, kept by the collector's callback and observed
    in ``pauses`` by ``flush``. A collection starts wherever an allocation crosses a threshold,
    also inside prometheus_client while it holds its (not reentrant) lock: observing there, the
    callback would wait for a lock its own thread holds, and the worker would hang."""

    def __init__(self, pauses: Histogram) -> None:
        self.pauses = pauses
        self.pending: deque[tuple[int, float]] = deque()
        self.started = 0.0

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        # A collection runs on one thread, holding the interpreter lock, start to stop.
        if phase == "start":
            self.started = time.perf_counter()
        else:
            self.pending.append((info["generation"], time.perf_counter() - self.started))

    def flush(self) -> None:
        """Observes the collections kept so far (call it where no metric's lock is held)."""
        while self.pending:
            generation, seconds = self.pending.popleft()
            self.pauses.labels(str(generation)).observe(seconds)


def time_collections(pauses: Histogram) -> CollectionTimes:
    """Each collection of this process is kept, to be observed in ``pauses`` at ``flush``."""
    times = CollectionTimes(pauses)
    gc.callbacks.append(times)
    return times


def settle_heap() -> None:
    """What the process holds now is kept from now on: moved out of the collector's way."""
    gc.collect()
    gc.freeze()
    _, middle, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, oldest)
