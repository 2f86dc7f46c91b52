"""How far each projection has read, how far behind the log it is, and whether it runs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from application.statusboard import StatusBoard
from projections.catalog import build_projections
from projections.positions import live_position
from projections.shape import rebuild_needed
from storage.leadership import is_led
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
    app: StatusBoard, store: SqlStore, database_url: str, timezone: str = "UTC"
) -> list[ProjectionStatus]:
    head = app.head_position()
    statuses = []
    for projection in build_projections(timezone).values():
        with store.transaction(write=False) as cursor:
            generation, tracked = live_position(cursor, projection.name, app.name)
            reason = stopped_reason(cursor, projection.name)
        reason = rebuild_needed(store, projection, generation) or reason
        position = tracked or 0
        running = reason is None and is_led(store, database_url, projection.name)
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


def stopped_reason(cursor: Cursor, projection: str) -> str | None:
    cursor.execute(
        "SELECT stopped_reason FROM projection_state WHERE projection = ?", (projection,)
    )
    reason: str | None = cursor.fetchone()[0]
    return reason


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
