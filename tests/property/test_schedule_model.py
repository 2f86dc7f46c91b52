"""Staff schedules against a tiny model: bookings, reschedules, reassignments and cancellations
on a few staff members and slots around midnight, each applied to every schedule it touches or
to none, as one atomic save would."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

from hypothesis import note, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from domain.errors import StaffDoubleBookedError
from domain.localtime import overlaps
from domain.placement import Placement, ScheduleKey, rearranged
from domain.schedule import Schedule
from domain.stamp import Stamp

BERLIN = ZoneInfo("Europe/Berlin")
STAMP = Stamp(actor="desk", request_id="req")
#: Slots every 30 minutes from 22:00 to 02:00 Berlin time, so some cross midnight.
FIRST_SLOT = datetime(2030, 3, 4, 22, 0, tzinfo=BERLIN).astimezone(UTC)
SLOTS = st.integers(min_value=0, max_value=8).map(lambda n: FIRST_SLOT + timedelta(minutes=30 * n))
LENGTHS = st.sampled_from([timedelta(minutes=m) for m in (15, 30, 60, 90)])
STAFF = st.sampled_from(["s-1", "s-2"])
APPOINTMENTS = [uuid4() for _ in range(5)]
WHICH = st.sampled_from(APPOINTMENTS)


class Active:
    """The model's view of an appointment that takes a staff member's time."""

    def __init__(self, placement: Placement) -> None:
        self.placement = placement

    def collides(self, other: Placement) -> bool:
        mine = self.placement
        return mine.staff_id == other.staff_id and overlaps(
            (mine.starts_at, mine.ends_at), (other.starts_at, other.ends_at)
        )


class Schedules(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.schedules: dict[ScheduleKey, Schedule] = {}
        self.events: dict[ScheduleKey, list[Any]] = {}
        self.model: dict[UUID, Active] = {}

    @rule(appointment=WHICH, staff=STAFF, start=SLOTS, length=LENGTHS, allow=st.booleans())
    def place(
        self, appointment: UUID, staff: str, start: datetime, length: timedelta, allow: bool
    ) -> None:
        """Books, reschedules or reassigns, as the appointment's current state makes it."""
        after = Placement(staff, start, start + length)
        note(f"place {appointment} at {after} allow={allow}")
        others = [a for k, a in self.model.items() if k != appointment and a.collides(after)]
        current = self.model.get(appointment)
        unchanged = current is not None and current.placement == after
        try:
            self._apply(appointment, after, allow, existing=False)
        except StaffDoubleBookedError as error:
            assert others and not allow and not unchanged
            held = error.conflicting_appointment["id"]
            assert held in self.model and self.model[held].collides(after)
            return
        assert unchanged or not others or allow
        if not unchanged:
            self.model[appointment] = Active(after)

    @rule(appointment=WHICH, staff=STAFF, start=SLOTS, length=LENGTHS)
    def record_existing(
        self, appointment: UUID, staff: str, start: datetime, length: timedelta
    ) -> None:
        after = Placement(staff, start, start + length)
        note(f"record existing {appointment} at {after}")
        if appointment in self.model:
            return
        self._apply(appointment, after, allow=False, existing=True)
        self.model[appointment] = Active(after)

    @rule(appointment=WHICH)
    def cancel(self, appointment: UUID) -> None:
        note(f"cancel {appointment}")
        self._apply(appointment, None, allow=False, existing=False)
        self.model.pop(appointment, None)

    def _apply(
        self, appointment: UUID, after: Placement | None, allow: bool, existing: bool
    ) -> None:
        """Changes copies of the schedules it touches, and keeps them only if all succeed."""
        before = self.model[appointment].placement if appointment in self.model else None
        change = rearranged(before, after, BERLIN)
        changed = {key: self._copy(key) for key in change.keys}
        for key in change.frees:
            changed[key].free(appointment, STAMP)
        for key in change.holds:
            assert after is not None
            arguments = {
                "appointment_id": appointment, "location_id": "main-street",
                "starts_at": after.starts_at, "ends_at": after.ends_at,
                "customer_name": f"Customer {appointment.hex[:4]}", "stamp": STAMP,
            }  # fmt: skip
            if existing:
                changed[key].record_existing(**arguments)
            else:
                changed[key].hold(allow_overlap=allow, **arguments)
        for key, schedule in changed.items():
            self.events.setdefault(key, []).extend(schedule.collect_events())
            self.schedules[key] = schedule

    def _copy(self, key: ScheduleKey) -> Schedule:
        if key in self.schedules:
            return copy.deepcopy(self.schedules[key])
        return Schedule.start(staff_id=key.staff_id, day=key.day, stamp=STAMP)

    @invariant()
    def holds_overlap_only_where_an_overlap_was_allowed(self) -> None:
        for schedule in self.schedules.values():
            for first, second in schedule.overlaps():
                pair = (schedule.holds[str(first)], schedule.holds[str(second)])
                assert pair[0]["overlap_allowed"] or pair[1]["overlap_allowed"]

    @invariant()
    def schedules_hold_exactly_the_active_appointments_of_their_day(self) -> None:
        expected: dict[ScheduleKey, set[tuple[UUID, datetime, datetime]]] = {}
        for appointment, active in self.model.items():
            p = active.placement
            for key in p.keys(BERLIN):
                expected.setdefault(key, set()).add((appointment, p.starts_at, p.ends_at))
        for key, schedule in self.schedules.items():
            held = {(h["appointment_id"], h["starts_at"], h["ends_at"]) for h in schedule.held()}
            assert held == expected.get(key, set())

    @invariant()
    def replaying_the_events_rebuilds_each_schedule(self) -> None:
        for key, schedule in self.schedules.items():
            rebuilt: Any = None
            for event in self.events[key]:
                rebuilt = event.mutate(rebuilt)
            assert (rebuilt.version, rebuilt.holds) == (schedule.version, schedule.holds)


Schedules.TestCase.settings = settings(max_examples=150, stateful_step_count=30, deadline=None)
TestSchedules = Schedules.TestCase


def test_the_slots_cross_midnight() -> None:
    """The machine above exercises appointments held on two days."""
    assert FIRST_SLOT.astimezone(BERLIN).date() == date(2030, 3, 4)
    assert (FIRST_SLOT + timedelta(hours=4)).astimezone(BERLIN).date() == date(2030, 3, 5)
