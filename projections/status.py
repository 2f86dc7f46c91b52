"""How far each projection has read, how far behind the log it is, and whether it runs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from application.statusboard import StatusBoard
from projections.base import Projection
from projections.catalog import build_projections
from projections.shape import rebuild_needed
from storage.leadership import led_names
from storage.sql import Cursor, SqlStore


@dataclass(frozen=True)
class ProjectionStatus:
    name: str
    generation: int
    position: int
    head: int
    lag_events: int
    lag_seconds: float | None
    running: bool
    reason: str | None


def projection_status(
    app: StatusBoard,
    store: SqlStore,
    database_url: str,
    timezone: str = "UTC",
    fitting: set[tuple[str, int]] | None = None,
) -> list[ProjectionStatus]:
    """Every projection's status: its state in one statement and its leadership in another
    for all of them (and, for each generation not in ``fitting``, one statement a table
    checking its columns; a generation found to fit is added to it)."""
    head = app.head_position()
    projections = build_projections(timezone)
    with store.reads() as cursor:
        states = _states(cursor, app.name)
    led = led_names(store, database_url, list(projections))
    statuses = []
    for projection in projections.values():
        if projection.name not in states:
            msg = f"projection {projection.name} has no tables; run `statusboard db init`"
            raise LookupError(msg)
        generation, position, reason = states[projection.name]
        reason = _unfit(store, projection, generation, fitting) or reason
        running = reason is None and projection.name in led
        statuses.append(
            ProjectionStatus(
                name=projection.name,
                generation=generation,
                position=position,
                head=head,
                lag_events=max(head - position, 0),
                lag_seconds=_lag_seconds(app, position, projection.topics)
                if head > position
                else 0.0,
                running=running,
                reason=reason if reason else (None if running else "no runner"),
            )
        )
    return statuses


def _unfit(
    store: SqlStore,
    projection: Projection,
    generation: int,
    fitting: set[tuple[str, int]] | None,
) -> str | None:
    """Why the generation cannot serve this code. A generation's tables are created once and
    never lose a column, so one found to fit this code fits it for good, and is not checked
    again; one that does not fit is checked every time (its rebuild is a new generation)."""
    if fitting is not None and (projection.name, generation) in fitting:
        return None
    reason = rebuild_needed(store, projection, generation)
    if reason is None and fitting is not None:
        fitting.add((projection.name, generation))
    return reason


def _states(cursor: Cursor, application_name: str) -> dict[str, tuple[int, int, str | None]]:
    """Each projection's live generation, position (0 before any event) and stop reason."""
    cursor.execute(
        "SELECT s.projection, s.live_generation, t.notification_id, s.stopped_reason"
        " FROM projection_state s LEFT JOIN projection_tracking t ON t.projection = s.projection"
        " AND t.generation = s.live_generation AND t.application_name = ?",
        (application_name,),
    )
    return {
        name: (int(generation), int(position or 0), reason)
        for name, generation, position, reason in cursor.fetchall()
    }


def _lag_seconds(app: StatusBoard, position: int, topics: tuple[str, ...]) -> float | None:
    """Age of the oldest event the projection has not processed yet."""
    waiting = app.recorder.select_notifications(start=position + 1, limit=1, topics=topics)
    if not waiting:
        return 0.0
    try:
        event = app.mapper.to_domain_event(waiting[0])
    except Exception:
        # An event this release cannot read stops its projection, and the status says so:
        # its age is then unknown, but the status must not fail with it.
        return None
    timestamp: datetime = event.timestamp  # type: ignore[attr-defined]
    return max((datetime.now(UTC) - timestamp).total_seconds(), 0.0)
