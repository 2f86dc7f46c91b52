from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID


class DomainError(Exception):
    """A command that the rules of the domain refuse."""


class FieldError(DomainError):
    """A value that breaks a rule, named by the field that carries it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class InvalidTransitionError(DomainError):
    def __init__(
        self, appointment_id: UUID, from_status: str, to_status: str, allowed: Sequence[str]
    ) -> None:
        super().__init__(
            f"cannot move appointment {appointment_id} from {from_status} to {to_status}"
        )
        self.appointment_id = appointment_id
        self.from_status = from_status
        self.to_status = to_status
        self.allowed = tuple(allowed)


class ServiceRetiredError(DomainError):
    def __init__(self, code: str) -> None:
        super().__init__(f"service {code} is retired")
        self.code = code


class StaffDoubleBookedError(DomainError):
    """Another appointment already holds part of the interval on this staff member's day."""

    def __init__(
        self,
        staff_id: str,
        day: str,
        appointment_id: UUID,
        conflicting_appointment: Mapping[str, Any],
    ) -> None:
        super().__init__(
            f"staff {staff_id} is already booked on {day} by appointment "
            f"{conflicting_appointment['id']}"
        )
        self.staff_id = staff_id
        self.day = day
        self.appointment_id = appointment_id
        #: ``{id, starts_at, ends_at, customer_name}`` of the appointment that holds the slot.
        self.conflicting_appointment = dict(conflicting_appointment)


class OutsideOpeningHoursError(DomainError):
    def __init__(self, location_id: str, starts_at: datetime, ends_at: datetime) -> None:
        super().__init__(
            f"location {location_id} is not open from {starts_at.isoformat()} "
            f"to {ends_at.isoformat()}"
        )
        self.location_id = location_id
        self.starts_at = starts_at
        self.ends_at = ends_at
