"""Prometheus metrics, in a registry per app (SPEC §8).

Under gunicorn each worker process counts its own requests, so a scrape sees the worker that
answered it: sum over the instances in the dashboard. Projection gauges are read from the
database at scrape time and are the same from every worker.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from adapters.runtime import Components, Runtime

_log = logging.getLogger("statusboard.metrics")


class Metrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry
        self.request_seconds = Histogram(
            "statusboard_http_request_duration_seconds",
            "Time to answer an HTTP request.",
            ["method", "route", "status"],
            registry=registry,
        )
        self.commands = Counter(
            "statusboard_commands",
            "Commands answered, by outcome: applied, noop, conflict, invalid or error.",
            ["command", "outcome"],
            registry=registry,
        )
        self.conflicts_retried = Counter(
            "statusboard_storage_conflicts_retried",
            "Saves that lost the race for the next version and were decided again.",
            ["command"],
            registry=registry,
        )

    def watch(self, components: Components) -> None:
        components.board.conflict_listeners.append(
            lambda command: self.conflicts_retried.labels(command).inc()
        )


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
