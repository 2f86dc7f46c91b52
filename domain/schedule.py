"""A staff member's day: which appointment holds which interval (SPEC §12).

"A staff member's active appointments do not overlap" spans many appointments, so it is kept by
one aggregate per staff member and local day, whose id follows from the two: desks booking the
same slot load the same schedule and race for its next version in the event store.

An appointment is held, with its whole interval, on every local day it touches: one across
midnight is held on both days. Two appointments that overlap share an instant, which lies on a
day both touch, so that day's schedule sees them both.
"""

from __future__ import annotations

from datetime import date, datetime
from itertools import combinations
from typing import Any, TypedDict
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from domain import localtime, values
from domain.copying import SharesImmutableState
from domain.errors import StaffDoubleBookedError
from domain.moment import StampedEvent
from domain.stamp import Stamp

_NAMESPACE = uuid5(NAMESPACE_URL, "statusboard:schedule")


def schedule_id_for(staff_id: str, day: date | str) -> UUID:
    """A schedule's id follows from its staff member and local day."""
    return uuid5(_NAMESPACE, f"{staff_id}/{localtime.iso_date('day', day)}")


class Hold(TypedDict):
    """An appointment's claim on a staff member's time."""

    appointment_id: UUID
    location_id: str
    starts_at: datetime
    ends_at: datetime
    customer_name: str
    #: Held although it overlaps another hold: booked so on purpose, or found so in the log.
    overlap_allowed: bool
    #: Recorded from an existing booking rather than decided by a desk.
    existing: bool


class Schedule(SharesImmutableState, Aggregate):
    class_version = 1

    class Event(StampedEvent):
        pass

    class Started(Event, Aggregate.Created):
        class_version = 1

        staff_id: str
        day: str

    class IntervalHeld(Event):
        class_version = 1

        appointment_id: UUID
        location_id: str
        starts_at: datetime
        ends_at: datetime
        customer_name: str
        overlap_allowed: bool
        existing: bool

        def apply(self, aggregate: Any) -> None:
            hold = Hold(
                appointment_id=self.appointment_id,
                location_id=self.location_id,
                starts_at=self.starts_at,
                ends_at=self.ends_at,
                customer_name=self.customer_name,
                overlap_allowed=self.overlap_allowed,
                existing=self.existing,
            )
            aggregate.holds = {**aggregate.holds, str(self.appointment_id): hold}

    class IntervalFreed(Event):
        class_version = 1

        appointment_id: UUID

        def apply(self, aggregate: Any) -> None:
            key = str(self.appointment_id)
            aggregate.holds = {k: v for k, v in aggregate.holds.items() if k != key}

    def __init__(self, staff_id: str, day: str) -> None:
        self.staff_id = staff_id
        self.day = day
        #: Holds by appointment id (as text: the keys of a snapshot's JSON).
        self.holds: dict[str, Hold] = {}

    @classmethod
    def start(cls, *, staff_id: object, day: object, stamp: Stamp) -> Schedule:
        checked_staff = values.matching("staff_id", staff_id, values.STAFF_ID, "a staff id")
        checked_day = localtime.iso_date("day", day)
        return cls._create(
            cls.Started,
            id=schedule_id_for(checked_staff, checked_day),
            staff_id=checked_staff,
            day=checked_day,
            **stamp.event_fields(),
        )

    def hold(
        self,
        *,
        appointment_id: UUID,
        location_id: object,
        starts_at: object,
        ends_at: object,
        customer_name: object,
        allow_overlap: bool,
        stamp: Stamp,
    ) -> bool:
        """Holds (or moves) the appointment's interval; refuses an overlap not allowed."""
        fields = _checked(location_id, starts_at, ends_at, customer_name)
        return self._hold(
            appointment_id, fields, refuse=not allow_overlap, existing=False, stamp=stamp
        )

    def record_existing(
        self,
        *,
        appointment_id: UUID,
        location_id: object,
        starts_at: object,
        ends_at: object,
        customer_name: object,
        stamp: Stamp,
    ) -> bool:
        """Holds a booking the log already has: an overlap is recorded, never refused."""
        fields = _checked(location_id, starts_at, ends_at, customer_name)
        return self._hold(appointment_id, fields, refuse=False, existing=True, stamp=stamp)

    def free(self, appointment_id: UUID, stamp: Stamp) -> bool:
        if str(appointment_id) not in self.holds:
            return False
        self.trigger_event(
            self.IntervalFreed, appointment_id=appointment_id, **stamp.event_fields()
        )
        return True

    def held(self) -> list[Hold]:
        """The holds in the order of their start, then appointment id."""
        return sorted(self.holds.values(), key=_start_order)

    def intervals(self) -> list[tuple[datetime, datetime]]:
        return [span(hold) for hold in self.held()]

    def overlapping(
        self, starts_at: datetime, ends_at: datetime, excluding: UUID | None = None
    ) -> list[Hold]:
        """Other appointments' holds that share an instant with [starts_at, ends_at)."""
        return [
            hold
            for hold in self.held()
            if hold["appointment_id"] != excluding
            and localtime.overlaps(span(hold), (starts_at, ends_at))
        ]

    def overlaps(self) -> list[tuple[UUID, UUID]]:
        """Pairs of appointments whose holds overlap, the earlier-starting one first."""
        return [
            (a["appointment_id"], b["appointment_id"])
            for a, b in combinations(self.held(), 2)
            if localtime.overlaps(span(a), span(b))
        ]

    def _hold(
        self,
        appointment_id: UUID,
        fields: dict[str, Any],
        *,
        refuse: bool,
        existing: bool,
        stamp: Stamp,
    ) -> bool:
        current = self.holds.get(str(appointment_id))
        if current is not None and {**current, **fields} == current:
            return False  # the same interval, customer and location: nothing to record
        overlapping = self.overlapping(fields["starts_at"], fields["ends_at"], appointment_id)
        if overlapping and refuse:
            raise StaffDoubleBookedError(
                self.staff_id, self.day, appointment_id, conflict_of(overlapping[0])
            )
        self.trigger_event(
            self.IntervalHeld,
            appointment_id=appointment_id,
            overlap_allowed=bool(overlapping),
            existing=existing,
            **fields,
            **stamp.event_fields(),
        )
        return True


def span(hold: Hold) -> tuple[datetime, datetime]:
    return hold["starts_at"], hold["ends_at"]


def conflict_of(hold: Hold) -> dict[str, Any]:
    """The holding appointment as a double-booking names it: {id, starts_at, ends_at,
    customer_name}."""
    return {
        "id": hold["appointment_id"],
        "starts_at": hold["starts_at"],
        "ends_at": hold["ends_at"],
        "customer_name": hold["customer_name"],
    }


def _checked(
    location_id: object, starts_at: object, ends_at: object, customer_name: object
) -> dict[str, Any]:
    starts, ends = values.schedule(starts_at, ends_at)
    return {
        "location_id": values.location_id(location_id),
        "starts_at": starts,
        "ends_at": ends,
        "customer_name": values.text("customer.name", customer_name, max_len=120),
    }


def _start_order(hold: Hold) -> tuple[datetime, str]:
    return hold["starts_at"], str(hold["appointment_id"])
