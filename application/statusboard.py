"""The status board's use cases: each command loads what it is about, decides, and is saved.

What a command does about changes its client has not seen is ``application.conflicts``; the
machinery every command shares (retries, idempotency keys, recent copies, the save) is
``application.base``.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from typing import Any
from uuid import UUID, uuid4

from application import conflicts
from application.base import Command, Outcome, storage_guarded
from application.booking import UNSET, apply_edits, end_after, length_of, service_lines
from application.catalog import CatalogCommands
from application.errors import NotFoundError
from application.history import Change, replay
from application.loading import Attempt, replayed
from application.openinghours import OpeningHoursCommands
from application.scheduling import Schedules
from domain import values
from domain.appointment import Appointment
from domain.errors import FieldError
from domain.placement import placement_of
from domain.stamp import Stamp

__all__ = ["Outcome", "StatusBoard"]


class StatusBoard(CatalogCommands, OpeningHoursCommands):
    name = "StatusBoard"
    snapshotting_intervals = {Appointment: 50}
    snapshotting_projectors = {Appointment: replayed}

    def __init__(self, env: dict[str, str] | None = None, *, timezone: tzinfo = UTC) -> None:
        """``timezone`` is STATUSBOARD_TIMEZONE: it says which local day a schedule is."""
        super().__init__(env)
        self.schedules = Schedules(self.loader, timezone)

    # Commands on appointments.

    @storage_guarded
    def book_appointment(
        self,
        *,
        location_id: object,
        starts_at: object,
        customer: object,
        services: object,
        stamp: Stamp,
        ends_at: object = None,
        staff: object = None,
        notes: object = "",
        allow_overlap: bool = False,
        allow_outside_hours: bool = False,
    ) -> Outcome[Appointment]:
        """Refuses a slot the staff member has taken unless ``allow_overlap``, and one outside
        the location's hours unless ``allow_outside_hours`` (an admin's, SPEC §12)."""
        details: dict[str, Any] = {
            "location_id": location_id,
            "customer": customer,
            "staff": staff,
            "notes": notes,
        }

        def decide(attempt: Attempt) -> tuple[Appointment, bool]:
            lines = service_lines(self.loader, services)
            start = values.instant("starts_at", starts_at)
            end = ends_at if ends_at is not None else end_after(start, length_of(lines))
            schedule: dict[str, Any] = {"starts_at": start, "ends_at": end, "service_lines": lines}
            booked = Appointment.book(id=uuid4(), **schedule, **details, stamp=stamp)
            if not allow_outside_hours:
                self.schedules.check_open(booked.location_id, booked.starts_at, booked.ends_at)
            self.schedules.rearrange(
                attempt, booked, None, allow_overlap=allow_overlap, stamp=stamp, new=True
            )
            return booked, True

        arguments = {
            "starts_at": starts_at,
            "ends_at": ends_at,
            "services": services,
            "allow_overlap": allow_overlap,
            "allow_outside_hours": allow_outside_hours,
            **details,
        }
        return self.execute(Command("book", None, arguments, stamp), decide)

    @storage_guarded
    def move_appointment(
        self,
        appointment_id: UUID,
        to_status: str,
        reason: str | None = None,
        *,
        expected_version: int,
        stamp: Stamp,
        allow_overlap: bool = False,
    ) -> Outcome[Appointment]:
        """Cancelling or marking no-show frees the staff member's time; reopening takes it
        again, and is refused as a double booking if someone else has it meanwhile unless
        ``allow_overlap``."""

        def decide(attempt: Attempt) -> tuple[Appointment, bool]:
            appointment, unseen = attempt.load(Appointment, appointment_id, expected_version)
            if not conflicts.move_still_to_make(appointment, unseen, to_status):
                return appointment, False
            before = placement_of(appointment)
            if not appointment.move(to_status, reason, stamp):
                return appointment, False
            self.schedules.rearrange(
                attempt, appointment, before, allow_overlap=allow_overlap, stamp=stamp
            )
            return appointment, True

        arguments = {"to_status": to_status, "expected_version": expected_version, "reason": reason}
        if allow_overlap:
            arguments["allow_overlap"] = True
        return self.execute(Command("move", appointment_id, arguments, stamp), decide)

    @storage_guarded
    def edit_appointment(
        self,
        appointment_id: UUID,
        *,
        expected_version: int,
        stamp: Stamp,
        notes: object = UNSET,
        staff: object = UNSET,
        starts_at: object = UNSET,
        ends_at: object = UNSET,
        reason: object = None,
        allow_overlap: bool = False,
        allow_outside_hours: bool = False,
    ) -> Outcome[Appointment]:
        """``reason`` says why the appointment moves in time. Rescheduling and reassigning move
        the appointment's hold on the schedules, under the same rules as a booking."""
        sent = {"notes": notes, "staff": staff, "starts_at": starts_at, "ends_at": ends_at}
        requested = {name: value for name, value in sent.items() if value is not UNSET}

        def decide(attempt: Attempt) -> tuple[Appointment, bool]:
            appointment, unseen = attempt.load(Appointment, appointment_id, expected_version)
            conflicts.refuse_lost_updates(appointment, unseen, requested)
            before = (appointment.starts_at, appointment.ends_at), placement_of(appointment)
            if not apply_edits(appointment, requested, stamp, reason):
                return appointment, False
            moved = before[0] != (appointment.starts_at, appointment.ends_at)
            if moved and not allow_outside_hours:
                self.schedules.check_open(
                    appointment.location_id, appointment.starts_at, appointment.ends_at
                )
            self.schedules.rearrange(
                attempt, appointment, before[1], allow_overlap=allow_overlap, stamp=stamp
            )
            return appointment, True

        flags = {"allow_overlap": allow_overlap, "allow_outside_hours": allow_outside_hours}
        arguments = {"expected_version": expected_version, **requested}
        arguments.update({name: True for name, value in flags.items() if value})
        if reason is not None:
            arguments["reason"] = reason
        return self.execute(Command("edit", appointment_id, arguments, stamp), decide)

    @storage_guarded
    def add_service_line(
        self,
        appointment_id: UUID,
        code: str,
        quantity: int = 1,
        *,
        expected_version: int,
        stamp: Stamp,
    ) -> Outcome[Appointment]:
        def decide(attempt: Attempt) -> tuple[Appointment, bool]:
            # Adding a line never conflicts: the quantity of whatever line is there rises.
            appointment, _ = attempt.load(Appointment, appointment_id, expected_version)
            (line,) = service_lines(self.loader, [{"code": code, "quantity": quantity}])
            appointment.add_service_line(line, stamp)
            return appointment, True

        arguments = {"expected_version": expected_version, "code": code, "quantity": quantity}
        return self.execute(Command("add_line", appointment_id, arguments, stamp), decide)

    @storage_guarded
    def remove_service_line(
        self, appointment_id: UUID, service_id: str, *, expected_version: int, stamp: Stamp
    ) -> Outcome[Appointment]:
        def decide(attempt: Attempt) -> tuple[Appointment, bool]:
            appointment, unseen = attempt.load(Appointment, appointment_id, expected_version)
            conflicts.refuse_removing_a_line_gone(appointment, unseen, service_id)
            appointment.remove_service_line(service_id, stamp)
            return appointment, True

        arguments = {"expected_version": expected_version, "service_id": service_id}
        return self.execute(Command("remove_line", appointment_id, arguments, stamp), decide)

    # Queries.

    @storage_guarded
    def get_appointment(
        self, appointment_id: UUID, version: int | None = None, at: datetime | None = None
    ) -> Appointment:
        if at is not None:
            version = self.loader.version_at(Appointment, appointment_id, values.instant("at", at))
        if version is not None and version < 1:
            raise FieldError("version", "must be at least 1")
        appointment = self.loader.get(Appointment, appointment_id, version)
        if version is not None and appointment.version != version:
            detail = f"appointment {appointment_id} has no version {version}"
            raise NotFoundError("appointment", appointment_id, detail)
        return appointment

    @storage_guarded
    def appointment_history(self, appointment_id: UUID) -> list[Change]:
        events = list(self.events.get(appointment_id))
        if not events or not isinstance(events[0], Appointment.Booked):
            raise NotFoundError("appointment", appointment_id)
        return [change for change, _ in replay(None, events)]
