"""A web worker's garbage collections: timed by generation, and kept out of what it loaded."""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from prometheus_client import CollectorRegistry

from adapters import collections_gc
from adapters.app import create_app
from adapters.metrics import METRICS, Metrics
from adapters.server import worker_ready


@pytest.fixture(autouse=True)
def collector_as_it_was() -> Iterator[None]:
    callbacks, threshold = list(gc.callbacks), gc.get_threshold()
    switch = sys.getswitchinterval()
    yield
    gc.callbacks[:] = callbacks
    gc.set_threshold(*threshold)
    gc.unfreeze()
    sys.setswitchinterval(switch)


def pauses(metrics: Metrics, generation: int) -> float | None:
    return metrics.registry.get_sample_value(
        "statusboard_gc_pause_seconds_count", {"generation": str(generation)}
    )


class Worker:
    def __init__(self, wsgi: Any) -> None:
        self.wsgi = wsgi


class TestCollections:
    def test_each_collection_is_observed_by_its_generation(self) -> None:
        metrics = Metrics(CollectorRegistry())
        times = collections_gc.time_collections(metrics.gc_pauses)

        gc.collect(1)
        gc.collect(2)
        assert pauses(metrics, 1) is None  # kept, not observed inside the collection
        times.flush()

        assert pauses(metrics, 1) == 1.0
        assert pauses(metrics, 2) == 1.0

    def test_a_settled_heap_is_frozen_and_collected_young_less_often(self) -> None:
        collections_gc.settle_heap()

        assert gc.get_freeze_count() > 0
        assert gc.get_threshold()[0] == collections_gc.YOUNG_THRESHOLD


class TestWorkerReady:
    def test_a_worker_that_loaded_the_app_times_its_collections_in_the_apps_metrics(
        self,
    ) -> None:
        app = create_app({"database_url": "memory://", "auth": False})

        worker_ready(settle=False)(Worker(app))
        gc.collect(2)
        app.extensions[METRICS].collections.flush()

        assert pauses(app.extensions[METRICS], 2) == 1.0
        assert gc.get_freeze_count() == 0

    def test_with_settling_it_freezes_what_it_loaded(self) -> None:
        app = create_app({"database_url": "memory://", "auth": False})

        worker_ready(settle=True)(Worker(app))

        assert gc.get_freeze_count() > 0

    def test_it_lets_a_waiting_thread_in_after_the_switch_interval_it_is_given(self) -> None:
        app = create_app({"database_url": "memory://", "auth": False})

        worker_ready(settle=False, switch_ms=1.0)(Worker(app))

        assert sys.getswitchinterval() == pytest.approx(0.001)
