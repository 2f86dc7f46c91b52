from __future__ import annotations

from copy import deepcopy
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain import status as st
from domain import values
from domain.copying import SharesImmutableState
from domain.errors import FieldError, InvalidTransitionError
from domain.moment import StampedEvent
from domain.stamp import Stamp
from domain.values import Customer, ServiceLine, Staff

#: The fields of an appointment that its events change, in display order.
STATE_FIELDS: tuple[str, ...] = (
    "location_id",
    "starts_at",
    "ends_at",
    "customer",
    "staff",
    "service_lines",
    "notes",
    "status",
)


class Appointment(SharesImmutableState, Aggregate):
    #: The version of the state a snapshot records.
    class_version = 1

    class Event(StampedEvent):
        pass

    class Booked(Event, Aggregate.Created):
        class_version = 1
        location_id: str
        starts_at: datetime
        ends_at: datetime
        customer: Customer
        staff: Staff | None
        service_lines: list[ServiceLine]
        notes: str

        def apply(self, aggregate: Any) -> None:
            aggregate.status_since = self.timestamp

    class Moved(Event):
        class_version = 1
        from_status: str
        to_status: str
        reason: str | None

        def apply(self, aggregate: Any) -> None:
            aggregate.status = self.to_status
            aggregate.status_since = self.timestamp

    class Rescheduled(Event):
        class_version = 2
        starts_at: datetime
        ends_at: datetime
        reason: str | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Version 2 records why; reschedules before it gave no reason."""
            state["reason"] = None

        def apply(self, aggregate: Any) -> None:
            aggregate.starts_at, aggregate.ends_at = self.starts_at, self.ends_at

    class Assigned(Event):
        class_version = 1
        staff: Staff | None

        def apply(self, aggregate: Any) -> None:
            aggregate.staff = self.staff

    class NotesEdited(Event):
        class_version = 1
        notes: str

        def apply(self, aggregate: Any) -> None:
            aggregate.notes = self.notes

    class ServiceLineAdded(Event):
        class_version = 1
        line: ServiceLine

        def apply(self, aggregate: Any) -> None:
            aggregate.service_lines = merge_line(aggregate.service_lines, self.line)

    class ServiceLineRemoved(Event):
        class_version = 1
        service_id: str

        def apply(self, aggregate: Any) -> None:
            aggregate.service_lines = without_line(aggregate.service_lines, self.service_id)

    def __init__(
        self,
        location_id: str,
        starts_at: datetime,
        ends_at: datetime,
        customer: Customer,
        staff: Staff | None,
        service_lines: list[ServiceLine],
        notes: str,
    ) -> None:
        self.location_id = location_id
        self.starts_at = starts_at
        self.ends_at = ends_at
        self.customer = customer
        self.staff = staff
        self.service_lines = service_lines
        self.notes = notes
        self.status = st.SCHEDULED
        self.status_since = self.created_on

    @classmethod
    def book(
        cls,
        *,
        id: UUID,
        location_id: object,
        starts_at: object,
        ends_at: object,
        customer: object,
        staff: object,
        service_lines: list[ServiceLine],
        notes: object,
        stamp: Stamp,
    ) -> Appointment:
        starts, ends = values.schedule(starts_at, ends_at)
        if not service_lines:
            raise FieldError("services", "must name at least one service")
        return cls._create(
            cls.Booked,
            id=id,
            location_id=values.location_id(location_id),
            starts_at=starts,
            ends_at=ends,
            customer=values.customer(customer),
            staff=values.staff(staff),
            service_lines=[_checked_line(line) for line in service_lines],
            notes=values.notes(notes),
            **stamp.event_fields(),
        )

    @property
    def total_cents(self) -> int:
        return sum(values.line_total(line) for line in self.service_lines)

    def state(self) -> dict[str, Any]:
        """The fields events change, copied, for diffs and audit."""
        return {name: deepcopy(getattr(self, name)) for name in STATE_FIELDS}

    def allowed_moves(self) -> tuple[str, ...]:
        return st.allowed_targets(self.status)

    def move(self, to_status: str, reason: str | None, stamp: Stamp) -> bool:
        """Moves the card; returns False when it already is in that column."""
        if to_status not in st.STATUSES:
            raise FieldError("to_status", f"must be one of {', '.join(st.STATUSES)}")
        if to_status == self.status:
            return False
        if to_status not in self.allowed_moves():
            raise InvalidTransitionError(self.id, self.status, to_status, self.allowed_moves())
        reason = values.reason(reason)
        if st.needs_reason(self.status) and not reason:
            raise FieldError("reason", f"is required to move out of {self.status}")
        self.trigger_event(
            self.Moved,
            from_status=self.status,
            to_status=to_status,
            reason=reason,
            **stamp.event_fields(),
        )
        return True

    def reschedule(
        self, starts_at: object, ends_at: object, stamp: Stamp, reason: object = None
    ) -> bool:
        starts, ends = values.schedule(starts_at, ends_at)
        checked_reason = values.reason(reason)
        if (starts, ends) == (self.starts_at, self.ends_at):
            return False
        self.trigger_event(
            self.Rescheduled,
            starts_at=starts,
            ends_at=ends,
            reason=checked_reason,
            **stamp.event_fields(),
        )
        return True

    def assign(self, staff: object, stamp: Stamp) -> bool:
        checked = values.staff(staff)
        if checked == self.staff:
            return False
        self.trigger_event(self.Assigned, staff=checked, **stamp.event_fields())
        return True

    def edit_notes(self, notes: object, stamp: Stamp) -> bool:
        checked = values.notes(notes)
        if checked == self.notes:
            return False
        self.trigger_event(self.NotesEdited, notes=checked, **stamp.event_fields())
        return True

    def add_service_line(self, line: ServiceLine, stamp: Stamp) -> None:
        self.trigger_event(self.ServiceLineAdded, line=_checked_line(line), **stamp.event_fields())

    def remove_service_line(self, service_id: str, stamp: Stamp) -> None:
        if not any(line["service_id"] == service_id for line in self.service_lines):
            raise FieldError("service_id", "is not on this appointment")
        if len(self.service_lines) == 1:
            raise FieldError(
                "service_id", "is the last service line; cancel the appointment instead"
            )
        self.trigger_event(self.ServiceLineRemoved, service_id=service_id, **stamp.event_fields())


def _checked_line(line: ServiceLine) -> ServiceLine:
    checked = line.copy()
    checked["quantity"] = values.quantity(line.get("quantity", 1), "services.quantity")
    return checked


def merge_line(lines: list[ServiceLine], new: ServiceLine) -> list[ServiceLine]:
    """Adding a service that is already on the appointment raises its quantity."""
    merged = [line.copy() for line in lines]
    for line in merged:
        if line["service_id"] == new["service_id"]:
            line["quantity"] += new["quantity"]
            return merged
    return [*merged, new.copy()]


def without_line(lines: list[ServiceLine], service_id: str) -> list[ServiceLine]:
    return [line for line in lines if line["service_id"] != service_id]
