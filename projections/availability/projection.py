"""Held intervals and opening hours: what free start times are computed from (SPEC §12).

The holds are folded from the schedules' own events, so the read model holds exactly what the
schedules do, and a start it offers is one a booking is not refused as a double booking: an
appointment takes its staff member's time while it is active (not cancelled or a no-show) and
has staff, on every local day it touches, whichever location it is at.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from domain.hours import OpeningHours
from domain.schedule import Schedule
from projections.base import (
    Event,
    Keyed,
    MemoryFold,
    Projection,
    Row,
    Table,
    dumps,
    topics,
    unprocessable,
    utc_text,
)
from storage.sql import Cursor

#: A staff member's local day, by the id of its schedule.
SCHEDULES = Table(
    stem="availability_schedules",
    columns=("id", "staff_id", "day"),
    types=("TEXT", "TEXT NOT NULL", "TEXT NOT NULL"),
)

#: The intervals each schedule holds, one row per appointment held on it.
HOLDS = Table(
    stem="availability_holds",
    columns=(
        "schedule_id",
        "appointment_id",
        "staff_id",
        "day",
        "location_id",
        "starts_at",
        "ends_at",
    ),
    types=("TEXT", "TEXT", *("TEXT NOT NULL",) * 5),
    key=2,
    indexes=(("staff_id", "day"),),
)

#: Each location's hours as an admin set them, by the id of its OpeningHours (JSON text).
HOURS = Table(
    stem="availability_hours",
    columns=("id", "weekly", "closed_dates"),
    types=("TEXT", "TEXT NOT NULL", "TEXT NOT NULL"),
)

_HOURS_EVENTS = (OpeningHours.Established, OpeningHours.HoursSet)
_HOLD_EVENTS = (Schedule.IntervalHeld, Schedule.IntervalFreed)


@dataclass
class Folded:
    """What a run of events changes; a hold that is None was freed."""

    schedules: dict[str, Row] = field(default_factory=dict)
    holds: dict[tuple[str, str], Row | None] = field(default_factory=dict)
    hours: dict[str, Row] = field(default_factory=dict)


class AvailabilityProjection(Projection):
    name = "availability"
    topics = topics(Schedule.Started, *_HOLD_EVENTS, *_HOURS_EVENTS)
    tables: ClassVar[tuple[Table, ...]] = (SCHEDULES, HOLDS, HOURS)

    def apply(self, cursor: Cursor, generation: int, events: Sequence[Event]) -> None:
        started = {str(e.originator_id) for e in events if isinstance(e, _HOLD_EVENTS)}
        folded = self.fold(events, Folded(schedules=SCHEDULES.load(cursor, generation, started)))
        SCHEDULES.upsert(cursor, generation, list(folded.schedules.values()))
        HOURS.upsert(cursor, generation, list(folded.hours.values()))
        held = [row for row in folded.holds.values() if row is not None]
        freed = [key for key, row in folded.holds.items() if row is None]
        if freed:
            cursor.executemany(
                f"DELETE FROM {HOLDS.name(generation)}"
                " WHERE schedule_id = ? AND appointment_id = ?",
                freed,
            )
        HOLDS.upsert(cursor, generation, held)

    def fold(self, events: Sequence[Event], into: Folded) -> Folded:
        """``into`` with ``events`` folded in; a schedule's events need it started first."""
        for event in events:
            key = str(event.originator_id)
            if isinstance(event, Schedule.Started):
                into.schedules[key] = {"id": key, "staff_id": event.staff_id, "day": event.day}
            elif isinstance(event, _HOURS_EVENTS):
                weekly, closed = dumps(event.weekly), dumps(event.closed_dates)
                into.hours[key] = {"id": key, "weekly": weekly, "closed_dates": closed}
            elif not isinstance(event, _HOLD_EVENTS) or key not in into.schedules:
                raise unprocessable(self.name, event)
            else:
                hold = (key, str(event.appointment_id))
                into.holds[hold] = self._held(into.schedules[key], hold, event)
        return into

    @staticmethod
    def _held(schedule: Row, hold: tuple[str, str], event: Event) -> Row | None:
        if isinstance(event, Schedule.IntervalFreed):
            return None
        return {
            "schedule_id": hold[0],
            "appointment_id": hold[1],
            "staff_id": schedule["staff_id"],
            "day": schedule["day"],
            "location_id": event.location_id,
            "starts_at": utc_text(event.starts_at),
            "ends_at": utc_text(event.ends_at),
        }

    def in_memory(self) -> MemoryFold:
        return AvailabilityFold(self)


class AvailabilityFold(MemoryFold):
    def __init__(self, projection: AvailabilityProjection) -> None:
        self.projection = projection
        self.folded = Folded()

    def add(self, events: Sequence[Event]) -> None:
        self.projection.fold(events, self.folded)

    def tables(self) -> dict[str, Keyed]:
        held = (row for row in self.folded.holds.values() if row is not None)
        return {
            SCHEDULES.stem: SCHEDULES.keyed(self.folded.schedules.values()),
            HOLDS.stem: HOLDS.keyed(held),
            HOURS.stem: HOURS.keyed(self.folded.hours.values()),
        }
