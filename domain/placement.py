"""Which schedules a change to an appointment touches (SPEC §12).

An appointment takes a staff member's time while it has staff and is active (neither cancelled
nor a no-show). A command that changes its staff, times or status frees it on the schedules it
leaves and holds it on every schedule it is on afterwards (holding an unchanged interval appends
nothing), in the same save as the appointment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any
from uuid import UUID

from domain import localtime
from domain import status as st
from domain.appointment import Appointment
from domain.schedule import schedule_id_for

#: Statuses in which an appointment takes nobody's time.
INACTIVE: frozenset[str] = frozenset({st.CANCELLED, st.NO_SHOW})


@dataclass(frozen=True)
class ScheduleKey:
    """A staff member's local day: one schedule."""

    staff_id: str
    day: str

    @property
    def schedule_id(self) -> UUID:
        return schedule_id_for(self.staff_id, self.day)


@dataclass(frozen=True)
class Placement:
    """Whose time an appointment takes, and when."""

    staff_id: str
    starts_at: datetime
    ends_at: datetime

    def keys(self, timezone: tzinfo) -> list[ScheduleKey]:
        """The schedules that hold it: one for each local day it touches."""
        return [
            ScheduleKey(self.staff_id, day)
            for day in localtime.days_touched(self.starts_at, self.ends_at, timezone)
        ]


def hold_of(appointment: Appointment) -> dict[str, Any]:
    """What a schedule holds of an appointment: the arguments of ``Schedule.hold``."""
    return {
        "appointment_id": appointment.id,
        "location_id": appointment.location_id,
        "starts_at": appointment.starts_at,
        "ends_at": appointment.ends_at,
        "customer_name": appointment.customer["name"],
    }


def placement_of(appointment: Appointment) -> Placement | None:
    """Where the appointment sits now; None when it takes nobody's time."""
    if appointment.staff is None or appointment.status in INACTIVE:
        return None
    return Placement(appointment.staff["id"], appointment.starts_at, appointment.ends_at)


@dataclass(frozen=True)
class Rearrangement:
    """The schedules to free the appointment on, and those to hold it on."""

    frees: list[ScheduleKey]
    holds: list[ScheduleKey]

    @property
    def keys(self) -> list[ScheduleKey]:
        return [*self.frees, *self.holds]


def rearranged(
    before: Placement | None, after: Placement | None, timezone: tzinfo
) -> Rearrangement:
    """What moving an appointment from ``before`` to ``after`` does to the schedules;
    nothing when it stays where it was."""
    if before == after:
        return Rearrangement(frees=[], holds=[])
    holds = after.keys(timezone) if after else []
    left = before.keys(timezone) if before else []
    return Rearrangement(frees=[key for key in left if key not in holds], holds=holds)
