"""Read models ahead of the event log, as a restore can leave them.

A read model's position beyond the log's last event means its tables came from another backup
than the log's, or the log was cut short: it holds rows of events that no longer exist, and the
events written next would get positions it has already passed, so it would never fold them.
Such a projection is never served; it is rebuilt from the log.
"""

from __future__ import annotations

from collections.abc import Callable

from application.statusboard import StatusBoard
from projections.catalog import build_projections
from projections.readside import ReadSide
from projections.rebuild import Rebuild


def projections_ahead(app: StatusBoard, read_side: ReadSide) -> dict[str, int]:
    """Each projection beyond the log's head, and its position."""
    positions = {name: read_side.position(name) for name in build_projections("UTC")}
    # The head is read after the positions: a log that grew in between is no false alarm.
    head = app.head_position()
    return {name: position for name, position in positions.items() if position > head}


def rebuild_ahead(
    app: StatusBoard, read_side: ReadSide, timezone: str, echo: Callable[[str], None]
) -> list[str]:
    """Rebuilds from the log each projection that is ahead of it; their names."""
    ahead = projections_ahead(app, read_side)
    projections = build_projections(timezone)
    for name, position in sorted(ahead.items()):
        echo(
            f"projection {name} is at position {position}, beyond the log's last event"
            f" ({app.head_position()}): rebuilding it from the log"
        )
        Rebuild(app, read_side.store, projections[name]).run()
    return sorted(ahead)
