"""The page's timings of its API calls, as Prometheus metrics beside the server's own.

The page names a call by its route with the ids as ``{id}``; it is counted under the server's
own route label (``/api/admin/appointments/<uuid:appointment_id>``) so one query can put the
page's p95 beside the server's. A route or method the service does not have is counted as
``other``: the labels stay the service's routes whatever a client sends, and a page newer or
older than the server still has its other samples counted. Request ids are never labels.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from typing import Any

from flask import Flask
from prometheus_client import CollectorRegistry, Counter, Histogram

OTHER = "other"
#: The server's buckets (prometheus_client's default) and two more: the page's time includes
#: the network and the waits between retries.
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 30, 60)
_VARIABLE = re.compile(r"<[^>]+>")
_ROUTES = "statusboard_client_routes"
_log = logging.getLogger("statusboard.client")

#: (route as the page names it, method) → the server's route label.
Routes = Mapping[tuple[str, str], str]


def routes(app: Flask, prefix: str) -> Routes:
    """The app's routes under ``prefix`` by their ``{id}`` form; worked out once per app."""
    found: Routes | None = app.extensions.get(_ROUTES)
    if found is None:
        found = app.extensions[_ROUTES] = {
            (_VARIABLE.sub("{id}", rule.rule), method): rule.rule
            for rule in app.url_map.iter_rules()
            if rule.rule.startswith(prefix)
            for method in rule.methods or ()
        }
    return found


def error_kind(status: int) -> str | None:
    if status == 0:
        return "network"
    if status >= 500:
        return "http_5xx"
    if status >= 400:
        return "http_4xx"
    return None


class ClientMetrics:
    def __init__(self, registry: CollectorRegistry | None) -> None:
        self.duration = Histogram(
            "statusboard_client_request_duration_seconds",
            "Time the page waited for an API call, retries included, as the page measured it.",
            ["route", "method"],
            buckets=BUCKETS,
            registry=registry,
        )
        self.errors = Counter(
            "statusboard_client_errors",
            "API calls the page saw fail, by kind: network, http_4xx or http_5xx.",
            ["route", "kind"],
            registry=registry,
        )
        self.retries = Counter(
            "statusboard_client_retries",
            "Times the page sent an API call again (no answer, 429 or 503).",
            ["route"],
            registry=registry,
        )

    def record(self, samples: Iterable[Mapping[str, Any]], known: Routes) -> None:
        failures = []
        for sample in samples:
            method = sample["method"]
            route = known.get((sample["route"], method), OTHER)
            self.duration.labels(route, method).observe(sample["duration_ms"] / 1000)
            kind = error_kind(sample["status"])
            if kind is not None:
                self.errors.labels(route, kind).inc()
            if kind in ("network", "http_5xx"):
                failures.append(
                    {"request_id": sample["request_id"], "route": route, "status": sample["status"]}
                )
            if sample["retries"]:
                self.retries.labels(route).inc(sample["retries"])
        if failures:
            # The server may never have seen these calls: the page's word is their only trace.
            _log.info("the page saw failed calls", extra={"fields": {"failures": failures}})
