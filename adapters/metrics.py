"""Prometheus metrics, in a registry per app (SPEC §8).

One process (``statusboard run``, the tests) exposes its own registry. Under ``statusboard serve``
every process of the server (the gunicorn workers and the supervisor of the projection runner)
writes its counters into one directory (prometheus_client's multiprocess mode) and a scrape of
any worker reads all of them, so ``/metrics`` answers for the whole server. Projection gauges
are read from the database at scrape time by the worker that answers (the same from every one),
so they are never summed over workers.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, values
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead
from prometheus_client.registry import Collector

from adapters.client_metrics import ClientMetrics
from adapters.collections_gc import CollectionTimes
from adapters.request_clock import Pool, time_checkouts
from adapters.runtime import Components, Runtime

_log = logging.getLogger("statusboard.metrics")

#: prometheus_client's own setting: where each process of a server writes its metrics.
MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"
#: Where an app keeps its ``Metrics``.
METRICS = "statusboard_metrics"


def multiprocess_dir() -> str | None:
    return os.environ.get(MULTIPROCESS_DIR) or None


@contextmanager
def shared_across_processes() -> Iterator[str]:
    """Metrics of this process and the processes it starts go to one directory, emptied first.

    A directory given in the environment is used (emptied of an earlier server's files);
    otherwise a fresh one is made and removed at the end.
    """
    given = multiprocess_dir()
    path = given or tempfile.mkdtemp(prefix="statusboard-metrics-")
    for stale in Path(path).glob("*.db"):
        stale.unlink()
    os.environ[MULTIPROCESS_DIR] = path
    # prometheus_client picks how values are stored when it is imported, which was before the
    # directory existed: pick again, so this process's metrics are written there as well.
    values.ValueClass = values.get_value_class()  # type: ignore[no-untyped-call]
    owner = os.getpid()
    try:
        yield path
    finally:
        # gunicorn's workers leave through here too (SystemExit after the fork): not theirs.
        if given is None and os.getpid() == owner:
            del os.environ[MULTIPROCESS_DIR]
            values.ValueClass = values.get_value_class()  # type: ignore[no-untyped-call]
            shutil.rmtree(path, ignore_errors=True)


def forget_process(pid: int) -> None:
    """A server process ended: its live gauges stop counting (its counters still do)."""
    if multiprocess_dir() is not None:
        mark_process_dead(pid)  # type: ignore[no-untyped-call]


def runner_restarts(registry: CollectorRegistry | None) -> Counter:
    """The same counter wherever a runner is restarted: ``serve``'s supervisor, ``run``'s."""
    return Counter(
        "statusboard_runner_restarts",
        "Times the projection runner (a process, or a projection's thread) was restarted.",
        registry=registry,
    )


#: Fine enough below 50 ms for a p50 of a few milliseconds to be read from the buckets.
PHASE_BUCKETS = (
    0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.05, 0.075,
    0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1.0, 2.0, 5.0, 10.0,
)  # fmt: skip


class EveryProcess(MultiProcessCollector):
    """The metrics every process of the server wrote, read at each scrape.

    Registering a collector without ``describe`` reads it at once to learn its names; here that
    read every process's files while other workers were creating theirs, and a file caught
    before its first write failed the worker's boot, and gunicorn stopped the whole server.
    """

    def __init__(self, path: str) -> None:
        super().__init__(None, path)  # type: ignore[no-untyped-call]

    def describe(self) -> list[Any]:
        return []


class Metrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        #: What ``/metrics`` exposes: this process's metrics, or under ``serve`` every process's.
        self.registry = registry
        own: CollectorRegistry | None = registry
        shared = multiprocess_dir()
        if shared is not None:
            registry.register(EveryProcess(shared))
            own = None  # written to the shared directory and read back from there
        self.request_seconds = Histogram(
            "statusboard_http_request_duration_seconds",
            "Time to answer an HTTP request.",
            ["method", "route", "status"],
            registry=own,
        )
        self.request_phases = Histogram(
            "statusboard_http_request_phase_seconds",
            "Where a request's time at the server went: queued (from the worker taking it to the"
            " handler's start), connection (waiting for pooled database connections), handler,"
            " total (until its answer was written).",
            ["route", "phase"],
            registry=own,
            buckets=PHASE_BUCKETS,
        )
        #: This worker's collections, kept until a request's end observes them (``server.py``).
        self.collections: CollectionTimes | None = None
        self.gc_pauses = Histogram(
            "statusboard_gc_pause_seconds",
            "Garbage collections of the web workers (every thread waits), by generation.",
            ["generation"],
            registry=own,
            buckets=PHASE_BUCKETS,
        )
        self.in_flight = Gauge(
            "statusboard_http_requests_in_flight",
            "Requests being answered now, by all the server's live workers.",
            registry=own,
            multiprocess_mode="livesum",
        )
        self.commands = Counter(
            "statusboard_commands",
            "Commands answered, by outcome: applied, noop, conflict, invalid or error.",
            ["command", "outcome"],
            registry=own,
        )
        self.conflicts_retried = Counter(
            "statusboard_storage_conflicts_retried",
            "Saves that lost the race for the next version and were decided again.",
            ["command"],
            registry=own,
        )
        self.runner_restarts = runner_restarts(own)
        #: What the page reports of its own API calls.
        self.client = ClientMetrics(own)

    def watch(self, components: Components) -> None:
        for pool in _pools(components):
            time_checkouts(pool)
        components.board.conflict_listeners.append(
            lambda command: self.conflicts_retried.labels(command).inc()
        )
        if components.projections is not None:
            components.projections.restart_listeners.append(
                lambda _name: self.runner_restarts.inc()
            )


def _pools(components: Components) -> list[Pool]:
    """The connection pools requests take connections from (none on SQLite or in memory)."""
    datastore = getattr(components.board.recorder, "datastore", None)
    found = [getattr(datastore, "pool", None), getattr(components.read_side.store, "pool", None)]
    return [pool for pool in found if pool is not None and hasattr(pool, "getconn")]


class ProjectionCollector(Collector):
    """Asks the read side at scrape time, so the numbers are never stale."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def collect(self) -> Iterator[GaugeMetricFamily]:
        if not self.runtime.built:
            return
        gauges = {
            name: GaugeMetricFamily(f"statusboard_projection_{name}", text, labels=["projection"])
            for name, text in (
                ("position", "Last event position the projection has processed."),
                ("lag_events", "Events the projection has still to process."),
                ("lag_seconds", "Age of the oldest event the projection has still to process."),
                ("running", "1 when the projection is being kept current."),
            )
        }
        components = self.runtime.components
        try:
            statuses = components.read_side.status(components.board)
        except Exception:
            _log.warning("projection status unavailable for /metrics", exc_info=True)
            return
        for status in statuses:
            gauges["position"].add_metric([status.name], status.position)
            gauges["lag_events"].add_metric([status.name], status.lag_events)
            if status.lag_seconds is not None:
                gauges["lag_seconds"].add_metric([status.name], status.lag_seconds)
            gauges["running"].add_metric([status.name], 1.0 if status.running else 0.0)
        yield from gauges.values()
