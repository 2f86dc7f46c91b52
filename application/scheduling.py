"""What a change to an appointment does to its staff member's schedules and to opening hours
(SPEC §12).

A command that books, reschedules, reassigns, cancels or reopens an appointment frees it on the
schedules it leaves and holds it on those it is on afterwards; the schedules it changed are
collected into the attempt, so they are saved with the appointment in one transaction. Two
desks taking the same slot both change the same schedule: one save fails on its version, and
the retry decides again on the schedule as the winner left it.
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from application.errors import NotFoundError
from application.loading import Attempt, Loader
from domain.appointment import Appointment
from domain.hours import DEFAULT_HOURS, Hours, OpeningHours, check_open, hours_id_for
from domain.placement import Placement, ScheduleKey, hold_of, placement_of, rearranged
from domain.schedule import Schedule
from domain.stamp import Stamp


class Schedules:
    """Loads, starts and changes schedules, and reads opening hours, in one timezone."""

    def __init__(self, loader: Loader, timezone: tzinfo) -> None:
        self.loader = loader
        self.timezone = timezone

    def rearrange(
        self,
        attempt: Attempt,
        appointment: Appointment,
        before: Placement | None,
        *,
        allow_overlap: bool,
        stamp: Stamp,
        new: bool = False,
    ) -> None:
        """Frees and holds the appointment where its change moved it; refuses a double booking
        unless ``allow_overlap``.

        A ``new`` appointment's first attempt may start from this process's last copy of a
        schedule: holding a new appointment always appends, so a copy someone has since
        changed fails the save on its version and the next attempt reads the store. Any other
        change reads the store, since a stale copy could already show the hold it wants and
        append nothing for the save to check.
        """
        change = rearranged(before, placement_of(appointment), self.timezone)
        for key in change.frees:
            schedule = self.find(key)
            if schedule is not None and schedule.free(appointment.id, stamp):
                attempt.collect(schedule)
        for key in change.holds:
            recent = attempt.recent.latest(key.schedule_id) if new and attempt.first else None
            if isinstance(recent, Schedule):
                attempt.trusted_recent_copy = True
            else:
                recent = None
            schedule = (
                recent
                or self.find(key)
                or Schedule.start(staff_id=key.staff_id, day=key.day, stamp=stamp)
            )
            if schedule.hold(**hold_of(appointment), allow_overlap=allow_overlap, stamp=stamp):
                attempt.collect(schedule)

    def record_existing(self, appointment: Appointment, stamp: Stamp) -> list[Schedule]:
        """The schedules that must change to hold an appointment the log already has; an
        overlap is recorded, never refused."""
        placement = placement_of(appointment)
        changed = []
        for key in placement.keys(self.timezone) if placement else []:
            schedule = self.find(key) or Schedule.start(
                staff_id=key.staff_id, day=key.day, stamp=stamp
            )
            if schedule.record_existing(**hold_of(appointment), stamp=stamp):
                changed.append(schedule)
        return changed

    def find(self, key: ScheduleKey) -> Schedule | None:
        # In one query: schedules and hours have no snapshots to look for first.
        try:
            return self.loader.current(Schedule, key.schedule_id, None)
        except NotFoundError:
            return None

    def hours(self, location_id: str) -> OpeningHours | None:
        try:
            return self.loader.current(OpeningHours, hours_id_for(location_id), None)
        except NotFoundError:
            return None

    def check_open(self, location_id: str, starts_at: datetime, ends_at: datetime) -> None:
        """Refuses an interval outside the location's hours (the default ones if never set)."""
        opening = self.hours(location_id)
        hours: Hours = opening.hours if opening is not None else DEFAULT_HOURS
        check_open(location_id, hours, starts_at, ends_at, self.timezone)
