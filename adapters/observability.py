"""One JSON log line per request, and the request's timing in the metrics (SPEC §8)."""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, g, request

from adapters import headers, request_clock
from adapters.metrics import Metrics

REQUEST_ID = re.compile(r"[A-Za-z0-9-]{1,64}")
COMMAND_METHODS = frozenset({"POST", "PATCH", "PUT", "DELETE"})
#: Blueprints whose POSTs change nothing but metrics: not commands.
REPORTS = frozenset({"client_metrics"})
_request_log = logging.getLogger("statusboard.http")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def configure_logging(level: str) -> None:
    """JSON lines on stderr for everything under the ``statusboard`` logger."""
    logger = logging.getLogger("statusboard")
    logger.setLevel(level)
    if not any(isinstance(h.formatter, JsonFormatter) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        logger.addHandler(handler)
        logger.propagate = False


def outcome(status: int) -> str:
    """What a request came to; commands that succeeded say applied or noop themselves."""
    if status >= 500:
        return "error"
    if status == 409:
        return "conflict"
    if status >= 400:
        return "invalid"
    return str(g.get("outcome", "ok"))


def request_id() -> str:
    """The client's X-Request-ID when it is sane, else one of ours; fixed once per request."""
    if "request_id" not in g:
        given = request.headers.get(headers.REQUEST_ID, "")
        g.request_id = given if REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
    return str(g.request_id)


def _start(metrics: Metrics) -> None:
    g.started = time.perf_counter()
    clock = request_clock.current()
    if clock is None:  # a server that keeps no clock: the request starts here
        clock = request_clock.start(g.started)
        g.own_clock = True
    g.clock = clock
    request_id()
    metrics.in_flight.inc()
    g.in_flight = True


def _done(metrics: Metrics) -> None:
    """After every request, whatever happened to it (``after_request`` is skipped on errors)."""
    if g.pop("in_flight", False):
        metrics.in_flight.dec()
    if g.pop("own_clock", False):
        request_clock.finish()


def _finish(metrics: Metrics, response: Response) -> Response:
    if metrics.collections is not None:
        metrics.collections.flush()
    response.headers[headers.REQUEST_ID] = request_id()
    # Which of the server's processes answered: how clients and load tests see the balance.
    response.headers[headers.WORKER] = str(os.getpid())
    route = request.url_rule.rule if request.url_rule is not None else "unmatched"
    seconds = time.perf_counter() - g.get("started", time.perf_counter())
    status, result = response.status_code, outcome(response.status_code)
    metrics.request_seconds.labels(request.method, route, str(status)).observe(seconds)
    if (
        request.method in COMMAND_METHODS
        and request.url_rule is not None
        and status != 401
        and request.blueprint not in REPORTS
    ):
        metrics.commands.labels(request.endpoint or route, result).inc()
    fields: dict[str, Any] = {
        "request_id": request_id(),
        "method": request.method,
        "route": route,
        "status": status,
        "duration_ms": round(seconds * 1000, 2),
        "actor": g.get("actor"),
        "outcome": result,
        "worker": os.getpid(),
    }
    clock: request_clock.Clock | None = g.get("clock")
    if clock is None:
        _request_log.info("%s %s %s", request.method, route, status, extra={"fields": fields})
        return response
    phases = {
        "queued": g.get("started", clock.taken) - clock.taken,
        "connection": clock.waited,
        "handler": seconds,
    }
    fields.update({f"{phase}_ms": round(value * 1000, 2) for phase, value in phases.items()})
    fields["connections"] = clock.checkouts
    if clock.picked is not None:  # of the time queued, how long no thread was free
        fields["thread_wait_ms"] = round((clock.picked - clock.taken) * 1000, 2)
    line = (request.method, route, status)

    def sent(total: float) -> None:
        """The answer is written: its phases and the log line, with the total at the server."""
        for phase, value in (*phases.items(), ("total", total)):
            metrics.request_phases.labels(route, phase).observe(value)
        fields["total_ms"] = round(total * 1000, 2)
        _request_log.info("%s %s %s", *line, extra={"fields": fields})

    clock.when_sent.append(sent)
    return response


def install(app: Flask, metrics: Metrics) -> None:
    app.before_request(lambda: _start(metrics))
    app.after_request(lambda response: _finish(metrics, response))
    app.teardown_request(lambda _error: _done(metrics))
