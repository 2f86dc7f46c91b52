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
from typing import Any

from prometheus_client import Histogram

#: Young collections after this many new container objects (Python's default is 700).
YOUNG_THRESHOLD = 10_000


def time_collections(pauses: Histogram) -> None:
    """Each collection of this process is observed in ``pauses`` by its generation."""
    started = [0.0]

    def observe(phase: str, info: dict[str, Any]) -> None:
        # A collection runs on one thread, holding the interpreter lock, start to stop.
        if phase == "start":
            started[0] = time.perf_counter()
        else:
            pauses.labels(str(info["generation"])).observe(time.perf_counter() - started[0])

    gc.callbacks.append(observe)


def settle_heap() -> None:
    """What the process holds now is kept from now on: moved out of the collector's way."""
    gc.collect()
    gc.freeze()
    _, middle, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, oldest)
