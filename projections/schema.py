"""Bookkeeping tables: which generation of a projection is live, and how far each has read."""

from __future__ import annotations

from collections.abc import Iterable

from eventsourcing.persistence import IntegrityError

from projections.base import Projection
from projections.catalog import build_projections
from storage.sql import Cursor, SqlStore

STATE_DDL = (
    "CREATE TABLE IF NOT EXISTS projection_state ("
    " projection TEXT PRIMARY KEY,"
    " live_generation INTEGER NOT NULL,"
    " building_generation INTEGER,"
    " stopped_reason TEXT,"
    " stopped_position BIGINT,"
    " timezone TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS projection_tracking ("
    " projection TEXT NOT NULL,"
    " generation INTEGER NOT NULL,"
    " application_name TEXT NOT NULL,"
    " notification_id BIGINT NOT NULL,"
    " PRIMARY KEY (projection, generation, application_name))",
)


def create_tables(store: SqlStore, timezone: str = "UTC") -> None:
    """Creates the read-model tables of every projection; safe to run again."""
    create_projection_tables(store, build_projections(timezone).values(), timezone)


def create_projection_tables(
    store: SqlStore, projections: Iterable[Projection], timezone: str
) -> None:
    with store.transaction() as cursor:
        if store.dialect == "postgres":
            # One creator at a time: concurrent CREATE TABLE IF NOT EXISTS can still collide.
            cursor.execute("SELECT pg_advisory_xact_lock(23306, 0)")
        for statement in STATE_DDL:
            cursor.execute(statement)
        for projection in projections:
            cursor.execute(
                "INSERT INTO projection_state (projection, live_generation, timezone)"
                " VALUES (?, 1, ?) ON CONFLICT (projection) DO NOTHING",
                (projection.name, timezone),
            )
            for statement in projection.ddl(live_generation(cursor, projection.name)):
                cursor.execute(statement)


def live_generation(cursor: Cursor, projection: str) -> int:
    cursor.execute(
        "SELECT live_generation FROM projection_state WHERE projection = ?", (projection,)
    )
    row = cursor.fetchone()
    if row is None:
        msg = f"projection {projection} has no tables; run `statusboard db init`"
        raise LookupError(msg)
    return int(row[0])


def tracked_position(
    cursor: Cursor, projection: str, generation: int, application_name: str, *, lock: str = ""
) -> int | None:
    cursor.execute(
        "SELECT notification_id FROM projection_tracking"
        " WHERE projection = ? AND generation = ? AND application_name = ?" + lock,
        (projection, generation, application_name),
    )
    row = cursor.fetchone()
    return None if row is None else int(row[0])


def advance(
    cursor: Cursor,
    projection: str,
    generation: int,
    application_name: str,
    expected: int | None,
    position: int,
    *,
    lock: str = "",
) -> None:
    """Moves the tracking position from ``expected`` to ``position``, or raises IntegrityError.

    Checking ``expected`` is what makes a batch count once: a second writer that read the
    same start finds the position moved and rolls its batch back.
    """
    current = tracked_position(cursor, projection, generation, application_name, lock=lock)
    if current != expected or (current is not None and position <= current):
        msg = (
            f"{projection} generation {generation} is at {current}, "
            f"not {expected}; refusing to record {position}"
        )
        raise IntegrityError(msg)
    if current is None:
        cursor.execute(
            "INSERT INTO projection_tracking"
            " (projection, generation, application_name, notification_id) VALUES (?, ?, ?, ?)",
            (projection, generation, application_name, position),
        )
    else:
        cursor.execute(
            "UPDATE projection_tracking SET notification_id = ?"
            " WHERE projection = ? AND generation = ? AND application_name = ?",
            (position, projection, generation, application_name),
        )
