"""The demo's staff schedules: staff are given only where they are free, and held as a desk's
booking would hold them, so the demo data keeps the no-double-booking rule."""

from __future__ import annotations

import random
from datetime import datetime
from uuid import UUID

from application.scheduling import Schedules
from domain.appointment import Appointment
from domain.placement import Placement, hold_of, placement_of
from domain.schedule import Schedule
from domain.stamp import Stamp


class Diary:
    """Schedules made in memory while the demo is generated, saved once at the end."""

    def __init__(self, schedules: Schedules) -> None:
        self.timezone = schedules.timezone
        self.by_id: dict[UUID, Schedule] = {}

    def free_one(
        self,
        rng: random.Random,
        staff: list[dict[str, str]],
        starts_at: datetime,
        ends_at: datetime,
    ) -> dict[str, str] | None:
        """One of ``staff`` with nothing held in [starts_at, ends_at), or None."""
        free = [
            member
            for member in staff
            if not any(
                schedule.overlapping(starts_at, ends_at)
                for schedule in self._touched(Placement(member["id"], starts_at, ends_at))
            )
        ]
        return rng.choice(free) if free else None

    def hold(self, appointment: Appointment, stamp: Stamp) -> None:
        placement = placement_of(appointment)
        for key in placement.keys(self.timezone) if placement else []:
            schedule = self.by_id.get(key.schedule_id)
            if schedule is None:
                schedule = Schedule.start(staff_id=key.staff_id, day=key.day, stamp=stamp)
                self.by_id[key.schedule_id] = schedule
            schedule.hold(**hold_of(appointment), allow_overlap=False, stamp=stamp)

    def free_if_inactive(self, appointment: Appointment, stamp: Stamp) -> None:
        """A cancelled or no-show appointment gives its time back."""
        if appointment.staff is None or placement_of(appointment) is not None:
            return
        held = Placement(appointment.staff["id"], appointment.starts_at, appointment.ends_at)
        for schedule in self._touched(held):
            schedule.free(appointment.id, stamp)

    def schedules(self) -> list[Schedule]:
        return list(self.by_id.values())

    def _touched(self, placement: Placement) -> list[Schedule]:
        found = (self.by_id.get(key.schedule_id) for key in placement.keys(self.timezone))
        return [schedule for schedule in found if schedule is not None]
