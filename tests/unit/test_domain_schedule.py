"""A staff member's day: holding, moving and freeing appointments' intervals (SPEC §12)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest
from eventsourcing.application import Application

from domain.errors import FieldError, StaffDoubleBookedError
from domain.schedule import Schedule, schedule_id_for
from domain.stamp import Stamp

NINE = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)
STAMP = Stamp(actor="ann", request_id="req-1")


def at(minutes: int) -> datetime:
    return NINE + timedelta(minutes=minutes)


def hold(schedule: Schedule, appointment_id: UUID, start: int, end: int, **extra: Any) -> bool:
    """Holds [9:00 + start, 9:00 + end) for the appointment, by Ada unless told otherwise."""
    arguments: dict[str, Any] = {"customer_name": "Ada", "allow_overlap": False, **extra}
    return schedule.hold(
        appointment_id=appointment_id,
        location_id="main-street",
        starts_at=at(start),
        ends_at=at(end),
        stamp=STAMP,
        **arguments,
    )


@pytest.fixture
def schedule() -> Schedule:
    """Grace's empty schedule for 4 March 2030."""
    started = Schedule.start(staff_id="s-1", day="2030-03-04", stamp=STAMP)
    started.collect_events()
    return started


class TestScheduleIds:
    def test_the_id_follows_from_the_staff_member_and_the_day(self) -> None:
        assert schedule_id_for("s-1", "2030-03-04") == schedule_id_for("s-1", date(2030, 3, 4))
        assert schedule_id_for("s-1", "2030-03-04") != schedule_id_for("s-2", "2030-03-04")
        assert schedule_id_for("s-1", "2030-03-04") != schedule_id_for("s-1", "2030-03-05")

    def test_a_started_schedule_has_that_id(self, schedule: Schedule) -> None:
        assert schedule.id == schedule_id_for("s-1", "2030-03-04")
        assert (schedule.staff_id, schedule.day, schedule.holds) == ("s-1", "2030-03-04", {})

    @pytest.mark.parametrize(
        ("staff_id", "day", "field"),
        [("", "2030-03-04", "staff_id"), ("s 1", "2030-03-04", "staff_id"), ("s-1", "4/3", "day")],
    )
    def test_a_bad_staff_id_or_day_is_refused(self, staff_id: str, day: str, field: str) -> None:
        with pytest.raises(FieldError) as refused:
            Schedule.start(staff_id=staff_id, day=day, stamp=STAMP)
        assert refused.value.field == field


class TestHoldingAnInterval:
    def test_a_free_slot_is_held_and_the_event_records_it(self, schedule: Schedule) -> None:
        booked = uuid4()
        assert hold(schedule, booked, 0, 60)
        (event,) = schedule.collect_events()
        assert isinstance(event, Schedule.IntervalHeld)
        assert (event.appointment_id, event.starts_at, event.ends_at) == (booked, at(0), at(60))
        assert (event.customer_name, event.overlap_allowed, event.existing) == ("Ada", False, False)
        assert (event.actor, event.request_id) == ("ann", "req-1")
        assert schedule.intervals() == [(at(0), at(60))]

    def test_an_overlapping_hold_is_refused_naming_the_holder(self, schedule: Schedule) -> None:
        first = uuid4()
        hold(schedule, first, 0, 60)
        with pytest.raises(StaffDoubleBookedError) as refused:
            hold(schedule, uuid4(), 30, 90, customer_name="Bob")
        assert refused.value.conflicting_appointment == {
            "id": first,
            "starts_at": at(0),
            "ends_at": at(60),
            "customer_name": "Ada",
        }
        assert (refused.value.staff_id, refused.value.day) == ("s-1", "2030-03-04")

    def test_a_refused_hold_appends_nothing(self, schedule: Schedule) -> None:
        hold(schedule, uuid4(), 0, 60)
        schedule.collect_events()
        with pytest.raises(StaffDoubleBookedError):
            hold(schedule, uuid4(), 59, 61)
        assert schedule.collect_events() == []

    def test_the_earliest_of_several_holders_is_named(self, schedule: Schedule) -> None:
        early, late = uuid4(), uuid4()
        hold(schedule, late, 60, 120)
        hold(schedule, early, 0, 60)
        with pytest.raises(StaffDoubleBookedError) as refused:
            hold(schedule, uuid4(), 30, 90)
        assert refused.value.conflicting_appointment["id"] == early

    def test_intervals_that_only_touch_do_not_overlap(self, schedule: Schedule) -> None:
        hold(schedule, uuid4(), 0, 60)
        assert hold(schedule, uuid4(), 60, 120)
        assert hold(schedule, uuid4(), -30, 0)
        assert schedule.overlaps() == []

    def test_an_overlap_booked_on_purpose_is_held_and_recorded(self, schedule: Schedule) -> None:
        first, second = uuid4(), uuid4()
        hold(schedule, first, 0, 60)
        schedule.collect_events()
        assert hold(schedule, second, 30, 90, allow_overlap=True)
        (event,) = schedule.collect_events()
        assert event.overlap_allowed is True
        assert schedule.overlaps() == [(first, second)]

    def test_allowing_an_overlap_where_there_is_none_records_none(self, schedule: Schedule) -> None:
        hold(schedule, uuid4(), 0, 60, allow_overlap=True)
        (event,) = schedule.collect_events()
        assert event.overlap_allowed is False

    def test_holding_the_same_interval_again_appends_nothing(self, schedule: Schedule) -> None:
        booked = uuid4()
        hold(schedule, booked, 0, 60)
        schedule.collect_events()
        assert not hold(schedule, booked, 0, 60)
        assert schedule.collect_events() == []

    def test_a_reschedule_moves_the_hold_past_its_own_old_interval(
        self, schedule: Schedule
    ) -> None:
        booked = uuid4()
        hold(schedule, booked, 0, 60)
        assert hold(schedule, booked, 30, 90)
        assert schedule.intervals() == [(at(30), at(90))]

    def test_a_reschedule_onto_another_appointment_is_refused(self, schedule: Schedule) -> None:
        booked, other = uuid4(), uuid4()
        hold(schedule, booked, 0, 60)
        hold(schedule, other, 60, 120)
        with pytest.raises(StaffDoubleBookedError):
            hold(schedule, booked, 30, 90)
        assert schedule.intervals() == [(at(0), at(60)), (at(60), at(120))]

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"starts_at": NINE, "ends_at": NINE}, "ends_at"),
            ({"starts_at": "09:00"}, "starts_at"),
            ({"customer_name": ""}, "customer.name"),
            ({"location_id": "Main Street"}, "location_id"),
        ],
    )
    def test_a_bad_hold_is_a_field_error(
        self, schedule: Schedule, change: dict[str, Any], field: str
    ) -> None:
        arguments: dict[str, Any] = {
            "appointment_id": uuid4(),
            "location_id": "main-street",
            "starts_at": at(0),
            "ends_at": at(60),
            "customer_name": "Ada",
            "allow_overlap": False,
            "stamp": STAMP,
        }
        with pytest.raises(FieldError) as refused:
            schedule.hold(**{**arguments, **change})
        assert refused.value.field == field


class TestFreeingAnInterval:
    def test_a_freed_slot_can_be_held_by_another(self, schedule: Schedule) -> None:
        cancelled = uuid4()
        hold(schedule, cancelled, 0, 60)
        schedule.collect_events()
        assert schedule.free(cancelled, STAMP)
        (event,) = schedule.collect_events()
        assert isinstance(event, Schedule.IntervalFreed)
        assert event.appointment_id == cancelled
        assert hold(schedule, uuid4(), 0, 60)

    def test_freeing_an_appointment_not_held_appends_nothing(self, schedule: Schedule) -> None:
        assert not schedule.free(uuid4(), STAMP)
        assert schedule.collect_events() == []


class TestRecordingExistingBookings:
    def test_an_existing_overlap_is_recorded_not_refused(self, schedule: Schedule) -> None:
        first, second = uuid4(), uuid4()
        hold(schedule, first, 0, 60)
        schedule.collect_events()
        assert schedule.record_existing(
            appointment_id=second, location_id="main-street", starts_at=at(30),
            ends_at=at(90), customer_name="Bob", stamp=STAMP,
        )  # fmt: skip
        (event,) = schedule.collect_events()
        assert (event.overlap_allowed, event.existing) == (True, True)
        assert schedule.overlaps() == [(first, second)]

    def test_overlaps_lists_every_overlapping_pair_earlier_first(self, schedule: Schedule) -> None:
        a, b, c = uuid4(), uuid4(), uuid4()
        for booked, start in ((c, 40), (a, 0), (b, 20)):
            schedule.record_existing(
                appointment_id=booked, location_id="main-street", starts_at=at(start),
                ends_at=at(start + 30), customer_name="Ada", stamp=STAMP,
            )  # fmt: skip
        assert schedule.overlaps() == [(a, b), (b, c)]


class TestStoringSchedules:
    def test_the_event_store_rebuilds_the_schedule_from_events_and_snapshots(self) -> None:
        app = Application[UUID](env={"IS_SNAPSHOTTING_ENABLED": "y"})
        schedule = Schedule.start(staff_id="s-1", day="2030-03-04", stamp=STAMP)
        app.save(schedule)
        hold(schedule, uuid4(), 0, 60)
        hold(schedule, uuid4(), 30, 90, allow_overlap=True, customer_name="Bob")
        app.save(schedule)
        assert app.repository.get(schedule.id).holds == schedule.holds
        app.take_snapshot(schedule.id)
        assert app.snapshots is not None
        (snapshot,) = app.snapshots.get(schedule.id)
        assert snapshot.mutate(None).holds == schedule.holds
