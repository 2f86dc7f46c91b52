"""Locations and the staff seen at each: the front desk's pickers, folded from bookings."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from domain.appointment import Appointment
from projections.base import (
    Event,
    Keyed,
    MemoryFold,
    Projection,
    Row,
    Table,
    local_day,
    topics,
    unprocessable,
)
from storage.sql import Cursor

#: Every location booked at, with how many appointments it has had in all.
LOCATIONS = Table(
    stem="locations",
    columns=("id", "appointments"),
    types=("TEXT", "BIGINT NOT NULL"),
)

#: Per appointment: its location and local day, so a reschedule moves it between days.
VISITS = Table(
    stem="locations_appointments",
    columns=("id", "location_id", "day"),
    types=("TEXT", "TEXT NOT NULL", "TEXT NOT NULL"),
    indexes=(("location_id", "day"),),
)

#: Staff seen on a location's appointments, under the name they were last given.
STAFF = Table(
    stem="locations_staff",
    columns=("location_id", "staff_id", "staff_name"),
    types=("TEXT NOT NULL", "TEXT NOT NULL", "TEXT NOT NULL"),
    key=2,
)


@dataclass
class Folded:
    """What a run of events changes: visits, staff by (location, id), bookings per location."""

    visits: dict[str, Row] = field(default_factory=dict)
    staff: dict[tuple[str, str], Row] = field(default_factory=dict)
    booked: Counter[str] = field(default_factory=Counter)


class LocationsProjection(Projection):
    name = "locations"
    topics = topics(Appointment.Booked, Appointment.Rescheduled, Appointment.Assigned)
    tables: ClassVar[tuple[Table, ...]] = (LOCATIONS, VISITS, STAFF)

    def apply(self, cursor: Cursor, generation: int, events: Sequence[Event]) -> None:
        known = VISITS.load(cursor, generation, {str(event.originator_id) for event in events})
        folded = self.fold(events, Folded(visits=known))
        name = LOCATIONS.name(generation)
        cursor.executemany(
            f"INSERT INTO {name} (id, appointments) VALUES (?, ?) ON CONFLICT (id)"
            f" DO UPDATE SET appointments = {name}.appointments + excluded.appointments",
            sorted(folded.booked.items()),
        )
        VISITS.upsert(cursor, generation, list(folded.visits.values()))
        STAFF.upsert(cursor, generation, list(folded.staff.values()))

    def fold(self, events: Sequence[Event], into: Folded) -> Folded:
        """``into`` with ``events`` folded in; an appointment's other events change nothing."""
        for event in events:
            key = str(event.originator_id)
            if isinstance(event, Appointment.Booked):
                day = local_day(event.starts_at, self.timezone)
                into.visits[key] = {"id": key, "location_id": event.location_id, "day": day}
                into.booked[event.location_id] += 1
            elif key not in into.visits:
                raise unprocessable(self.name, event)
            elif isinstance(event, Appointment.Rescheduled):
                day = local_day(event.starts_at, self.timezone)
                into.visits[key] = dict(into.visits[key], day=day)
            elif not isinstance(event, Appointment.Event):
                raise unprocessable(self.name, event)
            staff = getattr(event, "staff", None)
            if staff is not None:
                location = into.visits[key]["location_id"]
                into.staff[(location, staff["id"])] = {
                    "location_id": location,
                    "staff_id": staff["id"],
                    "staff_name": staff["name"],
                }
        return into

    def in_memory(self) -> MemoryFold:
        return LocationsFold(self)


class LocationsFold(MemoryFold):
    def __init__(self, projection: LocationsProjection) -> None:
        self.projection = projection
        self.folded = Folded()

    def add(self, events: Sequence[Event]) -> None:
        self.projection.fold(events, self.folded)

    def tables(self) -> dict[str, Keyed]:
        locations = [{"id": k, "appointments": n} for k, n in self.folded.booked.items()]
        return {
            LOCATIONS.stem: LOCATIONS.keyed(locations),
            VISITS.stem: VISITS.keyed(self.folded.visits.values()),
            STAFF.stem: STAFF.keyed(self.folded.staff.values()),
        }
