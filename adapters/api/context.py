"""What views need from the request around them: who asks, and how current reads must be."""

from __future__ import annotations

from typing import Any

from flask import g, request
from marshmallow import ValidationError

from adapters.api.operation import Reply
from adapters.errors import ProjectionLaggingError
from adapters.observability import request_id
from adapters.runtime import components, runtime
from application.statusboard import Outcome
from domain.stamp import Stamp

IDEMPOTENCY_KEY = "Idempotency-Key"
MAX_KEY = 128


def stamp() -> Stamp:
    """Actor, request id and idempotency key for the events a command appends."""
    key = request.headers.get(IDEMPOTENCY_KEY)
    if key is not None and not (0 < len(key) <= MAX_KEY and key.isascii() and key.isprintable()):
        raise ValidationError(
            {IDEMPOTENCY_KEY: [f"must be 1 to {MAX_KEY} printable ASCII characters"]}
        )
    return Stamp(actor=str(g.actor), request_id=request_id(), idempotency_key=key)


def changed(outcome: Outcome[Any], value: Any = None, **headers: str) -> Reply:
    """A command's reply: its outcome for the logs and the position it wrote at."""
    g.outcome = "applied" if outcome.applied else "noop"
    return Reply(
        outcome if value is None else value,
        {"X-Event-Position": str(outcome.position), **headers},
    )


def caught_up(projection: str, min_position: int | None) -> None:
    """Waits for read-your-writes; 503 when the read model does not get there in time."""
    if min_position is None:
        return
    read_side = components().read_side
    timeout = runtime().settings.consistency_wait_ms / 1000
    if not read_side.wait_for(projection, min_position, timeout):
        raise ProjectionLaggingError(projection, min_position, read_side.position(projection))


def read(value: Any, position: int) -> Reply:
    return Reply(value, {"X-Projection-Position": str(position)})
