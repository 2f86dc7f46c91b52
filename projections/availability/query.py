"""Free start times of a location's staff on a local day, of the staff the locations model lists.

Each staff member's holds count wherever they are: a schedule is the staff member's, so an
appointment at another location takes their time here too.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from domain.availability import DEFAULT_STEP, free_starts
from domain.hours import DEFAULT_HOURS, Hours, Span, hours_id_for
from projections import locations as locations_model
from projections.availability.projection import HOLDS, HOURS
from projections.base import parse_utc_text
from projections.positions import Live, live, named
from storage.sql import Cursor, SqlStore


@dataclass(frozen=True)
class Wanted:
    """What a read of availability asks for."""

    location: str
    day: date
    duration_minutes: int
    staff: str | None = None
    step_minutes: int = DEFAULT_STEP


@dataclass(frozen=True)
class StaffFree:
    id: str
    name: str
    free: list[str]


@dataclass(frozen=True)
class Availability:
    date: date
    location: str
    duration_minutes: int
    position: int
    staff: list[StaffFree]


def availability(
    store: SqlStore,
    wanted: Wanted,
    timezone: ZoneInfo,
    at: Live | None = None,
    staff_at: Live | None = None,
) -> Availability:
    """Free starts of each staff member the locations model lists at the location (``staff_at``
    is where that model is read), by name then id; only ``wanted.staff`` when given."""
    listed = locations_model.staff(store, wanted.location, staff_at).items
    members = [member for member in listed if wanted.staff in (None, member.id)]
    with store.reads() as cursor:
        generation, position = at or live(cursor, "availability")
        hours = _hours(cursor, generation, wanted.location)
        held = _held(cursor, generation, [member.id for member in members], wanted.day)
    free = free_starts(
        day=wanted.day,
        timezone=timezone,
        hours=hours,
        duration_minutes=wanted.duration_minutes,
        held={member.id: held[member.id] for member in members},
        step_minutes=wanted.step_minutes,
    )
    staff = [StaffFree(member.id, member.name, free[member.id]) for member in members]
    return Availability(wanted.day, wanted.location, wanted.duration_minutes, position, staff)


def _hours(cursor: Cursor, generation: int, location: str) -> Hours:
    """The location's hours as set, or the default ones while none are."""
    cursor.execute(
        f"SELECT weekly, closed_dates FROM {HOURS.name(generation)} WHERE id = ?",
        (str(hours_id_for(location)),),
    )
    row = cursor.fetchone()
    if row is None:
        return DEFAULT_HOURS
    found = named(("weekly", "closed_dates"), row)
    return Hours(json.loads(found["weekly"]), frozenset(json.loads(found["closed_dates"])))


def _held(
    cursor: Cursor, generation: int, staff_ids: list[str], day: date
) -> defaultdict[str, list[Span]]:
    """Each staff member's holds on the schedules of ``day`` and the day after (a start late in
    the day reaches into the next); one across midnight is on both, and counted once."""
    held: defaultdict[str, list[Span]] = defaultdict(list)
    if not staff_ids:
        return held
    columns = ("staff_id", "appointment_id", "starts_at", "ends_at")
    cursor.execute(
        f"SELECT DISTINCT {', '.join(columns)} FROM {HOLDS.name(generation)}"
        f" WHERE day IN (?, ?) AND staff_id IN ({', '.join('?' * len(staff_ids))})",
        (day.isoformat(), (day + timedelta(days=1)).isoformat(), *staff_ids),
    )
    for row in (named(columns, values) for values in cursor.fetchall()):
        span = (parse_utc_text(row["starts_at"]), parse_utc_text(row["ends_at"]))
        held[row["staff_id"]].append(span)
    return held
