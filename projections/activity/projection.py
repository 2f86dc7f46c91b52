"""Who did what, when, where: one row per appointment event, for support."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from domain.appointment import Appointment
from projections.base import Event, Keyed, MemoryFold, Projection, Row, Table, utc_text
from projections.base import topics as topics_of
from projections.board.projection import APPOINTMENT_EVENTS
from storage.sql import Cursor

ACTIVITY = Table(
    stem="activity",
    columns=(
        "appointment_id",
        "version",
        "at",
        "actor",
        "location_id",
        "type",
        "from_status",
        "to_status",
        "request_id",
    ),
    types=(
        "TEXT",
        "INTEGER",
        "TEXT NOT NULL",
        "TEXT NOT NULL",
        "TEXT NOT NULL",
        "TEXT NOT NULL",
        "TEXT",
        "TEXT",
        "TEXT NOT NULL",
    ),
    key=2,
    indexes=(("at", "appointment_id", "version"), ("actor", "at"), ("location_id", "at")),
)

#: Where each appointment is, so events after the booking can be placed.
PLACES = Table(
    stem="activity_locations",
    columns=("id", "location_id"),
    types=("TEXT", "TEXT NOT NULL"),
)


class ActivityProjection(Projection):
    name = "activity"
    topics = topics_of(*APPOINTMENT_EVENTS)
    tables: ClassVar[tuple[Table, ...]] = (ACTIVITY, PLACES)

    def apply(self, cursor: Cursor, generation: int, events: Sequence[Event]) -> None:
        ids = {str(event.originator_id) for event in events}
        known = PLACES.load(cursor, generation, ids)
        places = {key: row["location_id"] for key, row in known.items()}
        rows, moved = self.rows(events, places)
        PLACES.upsert(cursor, generation, [{"id": k, "location_id": places[k]} for k in moved])
        ACTIVITY.upsert(cursor, generation, rows)

    def in_memory(self) -> MemoryFold:
        return ActivityFold(self)

    def rows(self, events: Sequence[Event], places: dict[str, str]) -> tuple[list[Row], set[str]]:
        """Activity rows for ``events``; ``places`` is updated with bookings and moves."""
        rows, moved = [], set()
        for event in events:
            key = str(event.originator_id)
            if isinstance(event, Appointment.Booked):
                places[key] = event.location_id
                moved.add(key)
            if key not in places:
                msg = f"activity has no booking for appointment {key}"
                raise LookupError(msg)
            rows.append(
                {
                    "appointment_id": key,
                    "version": event.originator_version,
                    "at": utc_text(event.timestamp),
                    "actor": event.actor,
                    "location_id": places[key],
                    "type": type(event).__name__,
                    "from_status": getattr(event, "from_status", None),
                    "to_status": getattr(event, "to_status", None),
                    "request_id": event.request_id,
                }
            )
        return rows, moved


class ActivityFold(MemoryFold):
    def __init__(self, projection: ActivityProjection) -> None:
        self.projection = projection
        self.places: dict[str, str] = {}
        self.activity: list[Row] = []

    def add(self, events: Sequence[Event]) -> None:
        self.activity += self.projection.rows(events, self.places)[0]

    def tables(self) -> dict[str, Keyed]:
        places = [{"id": k, "location_id": v} for k, v in self.places.items()]
        return {
            ACTIVITY.stem: ACTIVITY.keyed(self.activity),
            PLACES.stem: PLACES.keyed(places),
        }
