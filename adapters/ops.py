"""Unauthenticated endpoints for operators: liveness, readiness, metrics and the API document."""

from __future__ import annotations

import contextlib
from typing import Any

from flask import Blueprint, Response, current_app
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from adapters import openapi
from adapters.api.operation import Operation, operation
from adapters.errors import NotReadyError
from adapters.metrics import METRICS
from adapters.restored import projections_ahead
from adapters.runtime import components
from adapters.schemas import HealthSchema, ReadySchema
from application.errors import StorageUnavailableError
from projections.status import ProjectionStatus

bp = Blueprint("ops", __name__)

#: A projection further behind than this is not ready to serve.
MAX_LAG_EVENTS = 10_000
MAX_LAG_SECONDS = 30.0


@operation(bp, "/healthz", Operation("GET", "The process is alive", HealthSchema))
def healthz() -> dict[str, str]:
    """Answers without touching the database."""
    return {"status": "ok"}


@operation(bp, "/readyz", Operation("GET", "Ready to serve", ReadySchema, errors=(503,)))
def readyz() -> dict[str, Any]:
    """The database answers and every projection runs within its lag limits."""
    found = components()
    try:
        found.board.head_position()
    except StorageUnavailableError as error:
        raise NotReadyError(["database unreachable"]) from error
    statuses = found.read_side.status(found.board)
    reasons = [reason for status in statuses for reason in _lagging(status)]
    if any(status.position > status.head for status in statuses):
        reasons += [
            f"projection {name} is ahead of the log (position {position}): rebuild it"
            for name, position in projections_ahead(found.board, found.read_side).items()
        ]
    if reasons:
        raise NotReadyError(reasons)
    return {"status": "ready", "reasons": [], "projections": statuses}


def _lagging(status: ProjectionStatus) -> list[str]:
    if not status.running:
        return [f"projection {status.name} is not running: {status.reason or 'no runner'}"]
    if status.lag_events > MAX_LAG_EVENTS or (status.lag_seconds or 0.0) > MAX_LAG_SECONDS:
        return [f"projection {status.name} is {status.lag_events} events behind"]
    return []


@operation(
    bp,
    "/metrics",
    Operation("GET", "Prometheus metrics", None, media_type=CONTENT_TYPE_LATEST.split(";")[0]),
)
def metrics() -> Response:
    """The whole server's counters (under ``serve``, every worker's and the supervisor's)."""
    with contextlib.suppress(StorageUnavailableError):
        # The projection gauges ask this worker's read side: build it if no request has yet.
        components()
    registry = current_app.extensions[METRICS].registry
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)


@operation(bp, "/api/openapi.json", Operation("GET", "This document", None))
def openapi_document() -> dict[str, Any]:
    """OpenAPI 3, generated from the endpoints' schemas."""
    cached: dict[str, Any] | None = current_app.extensions.get("statusboard_openapi")
    if cached is None:
        cached = current_app.extensions["statusboard_openapi"] = openapi.build(current_app)
    return cached
