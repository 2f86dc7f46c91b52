"""Schedules for the appointments booked before schedules existed, and the overlaps they record.

Building schedules from the log never fails on an overlap: the log may already hold two
appointments of a staff member at once, so each is recorded as it is and the overlap listed for
the desk to resolve by rescheduling or reassigning (SPEC §12).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from eventsourcing.persistence import IntegrityError
from eventsourcing.utils import get_topic

from application.statusboard import StatusBoard
from domain.appointment import Appointment
from domain.schedule import Hold, Schedule
from domain.stamp import Stamp

PAGE = 500
#: How often one appointment is tried again when a live booking saves its schedule first.
ATTEMPTS = 20


def originators(board: StatusBoard, created: type) -> Iterator[UUID]:
    """The ids of the aggregates whose first event is ``created``, in the order of the log."""
    topic = get_topic(created)
    start = 1
    while True:
        page = board.recorder.select_notifications(start, PAGE, topics=[topic])
        yield from (UUID(str(notification.originator_id)) for notification in page)
        if len(page) < PAGE:
            return
        start = page[-1].id + 1


def booked_count(board: StatusBoard) -> int:
    return sum(1 for _ in originators(board, Appointment.Booked))


def backfill_schedules(
    board: StatusBoard, stamp: Stamp, advance: Callable[[int], None] = lambda _: None
) -> int:
    """Holds every active appointment with staff on its schedules; how many it changed.

    Safe to run again, and while desks book: an appointment already held appends nothing, and
    one whose schedule a booking saved first is tried again on the schedule as it now is.
    """
    changed = 0
    for appointment_id in originators(board, Appointment.Booked):
        changed += _record(board, appointment_id, stamp)
        advance(1)
    return changed


def _record(board: StatusBoard, appointment_id: UUID, stamp: Stamp) -> int:
    for _ in range(ATTEMPTS):
        appointment = board.loader.get(Appointment, appointment_id)
        schedules = board.schedules.record_existing(appointment, stamp)
        try:
            board.save(*schedules)
        except IntegrityError:
            continue
        return 1 if schedules else 0
    raise IntegrityError(f"the schedules of appointment {appointment_id} kept changing")


@dataclass(frozen=True)
class Overlap:
    """Two appointments holding a staff member's time at once."""

    staff_id: str
    day: str
    first: Hold
    second: Hold

    @property
    def starts_at(self) -> datetime:
        return max(self.first["starts_at"], self.second["starts_at"])


def recorded_overlaps(
    board: StatusBoard, location_id: str | None = None, day: str | None = None
) -> list[Overlap]:
    """The overlaps the schedules hold, at a location and on a local day if given."""
    found = []
    for schedule_id in originators(board, Schedule.Started):
        schedule = board.loader.get(Schedule, schedule_id)
        if day is not None and schedule.day != day:
            continue
        for first_id, second_id in schedule.overlaps():
            first, second = schedule.holds[str(first_id)], schedule.holds[str(second_id)]
            if location_id in (None, first["location_id"], second["location_id"]):
                found.append(Overlap(schedule.staff_id, schedule.day, first, second))
    return sorted(found, key=lambda overlap: (overlap.day, overlap.staff_id, overlap.starts_at))
