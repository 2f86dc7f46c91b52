"""Reads of the front desk's pickers: locations with today's bookings, a location's staff."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from projections.locations.projection import LOCATIONS, STAFF, VISITS
from projections.positions import Live, live, named
from storage.sql import SqlStore


@dataclass(frozen=True)
class Location:
    id: str
    appointments_today: int


@dataclass(frozen=True)
class LocationList:
    position: int
    items: list[Location]


@dataclass(frozen=True)
class StaffMember:
    id: str
    name: str


@dataclass(frozen=True)
class StaffList:
    location: str
    position: int
    items: list[StaffMember]


def _bytewise(store: SqlStore) -> str:
    """Text sorts the same on both databases: by code point, as SQLite does."""
    return ' COLLATE "C"' if store.dialect == "postgres" else ""


def locations(store: SqlStore, today: date, at: Live | None = None) -> LocationList:
    """Every location booked at, by id, with its appointments on ``today``."""
    with store.reads() as cursor:
        generation, position = at or live(cursor, "locations")
        cursor.execute(
            f"SELECT l.id, count(v.id) FROM {LOCATIONS.name(generation)} l"
            f" LEFT JOIN {VISITS.name(generation)} v ON v.location_id = l.id AND v.day = ?"
            f" GROUP BY l.id ORDER BY l.id{_bytewise(store)}",
            (today.isoformat(),),
        )
        rows = [named(("id", "today"), row) for row in cursor.fetchall()]
    items = [Location(row["id"], int(row["today"])) for row in rows]
    return LocationList(position, items)


def staff(store: SqlStore, location: str, at: Live | None = None) -> StaffList:
    """The staff seen on the location's appointments, by name then id."""
    columns = ("staff_id", "staff_name")
    order = _bytewise(store)
    with store.reads() as cursor:
        generation, position = at or live(cursor, "locations")
        cursor.execute(
            f"SELECT {', '.join(columns)} FROM {STAFF.name(generation)} WHERE location_id = ?"
            f" ORDER BY staff_name{order}, staff_id{order}",
            (location,),
        )
        rows = [named(columns, row) for row in cursor.fetchall()]
    items = [StaffMember(row["staff_id"], row["staff_name"]) for row in rows]
    return StaffList(location, position, items)
