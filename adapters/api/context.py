"""What views need from the request around them: who asks, and how current reads must be."""

from __future__ import annotations

from typing import Any

from flask import g, request
from marshmallow import ValidationError

from adapters.api.operation import Reply
from adapters.errors import ProjectionLaggingError
from adapters.headers import EVENT_POSITION, IDEMPOTENCY_KEY, PROJECTION_POSITION
from adapters.observability import request_id
from adapters.runtime import components, runtime
from application.statusboard import Outcome
from domain.stamp import Stamp
from projections.positions import Live

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
        {EVENT_POSITION: str(outcome.position), **headers},
    )


def caught_up(projection: str, min_position: int | None) -> Live:
    """Where the projection stands for this request's read, read once unless it must wait.

    Waits for read-your-writes: 422 at once for a position the log has not reached (it
    might never be written), 503 when the read model does not get there in time.
    """
    read_side = components().read_side
    found = read_side.live(projection)
    if min_position is None or found[1] >= min_position:
        return found
    if min_position > components().board.head_position():
        raise ValidationError({"min_position": ["is ahead of the log: no event has it yet"]})
    timeout = runtime().settings.consistency_wait_ms / 1000
    reached = read_side.reached(projection, min_position, timeout)
    if reached is None:
        raise ProjectionLaggingError(projection, min_position, read_side.position(projection))
    return reached


def read(value: Any, position: int) -> Reply:
    return Reply(value, {PROJECTION_POSITION: str(position)})
