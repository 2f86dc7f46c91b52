"""Where a projection's live generation stands: the one query that reads, waits and status ask."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from application.statusboard import StatusBoard
from storage.sql import Cursor

#: The application whose log every projection follows.
APPLICATION = StatusBoard.name

#: A projection's live generation and the position it has processed (0 before any event).
Live = tuple[int, int]


def live_position(
    cursor: Cursor, projection: str, application_name: str = APPLICATION
) -> tuple[int, int | None]:
    """The live generation of a projection and how far it has read (None: not yet started)."""
    cursor.execute(
        "SELECT s.live_generation, t.notification_id FROM projection_state s"
        " LEFT JOIN projection_tracking t ON t.projection = s.projection"
        " AND t.generation = s.live_generation AND t.application_name = ?"
        " WHERE s.projection = ?",
        (application_name, projection),
    )
    row = cursor.fetchone()
    if row is None:
        msg = f"projection {projection} has no tables; run `statusboard db init`"
        raise LookupError(msg)
    return int(row[0]), None if row[1] is None else int(row[1])


def live(cursor: Cursor, projection: str) -> Live:
    """``live_position`` as reads use it: a projection that has read nothing is at 0."""
    generation, position = live_position(cursor, projection)
    return generation, position or 0


def named(columns: tuple[str, ...], row: Sequence[Any]) -> dict[str, Any]:
    """A selected row by column name."""
    return dict(zip(columns, row, strict=True))
