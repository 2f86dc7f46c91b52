"""Which schedules a booking, reschedule, reassignment or cancellation touches."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.appointment import Appointment
from domain.localtime import days_touched
from domain.placement import Placement, ScheduleKey, placement_of, rearranged
from domain.schedule import schedule_id_for
from domain.stamp import Stamp

NEAR_MIDNIGHT = datetime(2030, 3, 4, 23, 0, tzinfo=UTC)


def placed(staff_id: str, start: datetime, hours: int = 1) -> Placement:
    return Placement(staff_id, start, start + timedelta(hours=hours))


class TestDaysAnAppointmentTouches:
    def test_an_appointment_across_midnight_touches_both_days(self) -> None:
        ends = NEAR_MIDNIGHT + timedelta(hours=2)
        assert days_touched(NEAR_MIDNIGHT, ends, UTC) == ["2030-03-04", "2030-03-05"]

    def test_one_that_ends_at_midnight_touches_only_its_day(self) -> None:
        assert days_touched(NEAR_MIDNIGHT, NEAR_MIDNIGHT + timedelta(hours=1), UTC) == [
            "2030-03-04"
        ]

    def test_a_schedule_key_names_its_schedule(self) -> None:
        key = ScheduleKey("s-1", "2030-03-04")
        assert key.schedule_id == schedule_id_for("s-1", "2030-03-04")


class TestPlacingAnAppointment:
    def test_a_booked_appointment_takes_its_staff_members_time(
        self, appointment: Appointment
    ) -> None:
        assert placement_of(appointment) == Placement(
            "s-1", appointment.starts_at, appointment.ends_at
        )

    def test_a_cancelled_or_unassigned_appointment_takes_nobodys_time(
        self, appointment: Appointment, stamp: Stamp
    ) -> None:
        appointment.assign(None, stamp)
        assert placement_of(appointment) is None
        appointment.assign({"id": "s-1", "name": "Grace"}, stamp)
        appointment.move("cancelled", None, stamp)
        assert placement_of(appointment) is None


class TestRearrangingSchedules:
    def test_a_booking_holds_on_every_day_it_touches(self) -> None:
        change = rearranged(None, placed("s-1", NEAR_MIDNIGHT, 2), UTC)
        assert change.frees == []
        assert change.holds == [ScheduleKey("s-1", "2030-03-04"), ScheduleKey("s-1", "2030-03-05")]

    def test_a_reassignment_frees_the_old_staff_member_and_holds_the_new(self) -> None:
        change = rearranged(placed("s-1", NEAR_MIDNIGHT), placed("s-2", NEAR_MIDNIGHT), UTC)
        assert change.frees == [ScheduleKey("s-1", "2030-03-04")]
        assert change.holds == [ScheduleKey("s-2", "2030-03-04")]
        assert change.keys == [*change.frees, *change.holds]

    def test_a_reschedule_within_the_day_holds_again_and_frees_nothing(self) -> None:
        earlier = NEAR_MIDNIGHT - timedelta(hours=5)
        change = rearranged(placed("s-1", NEAR_MIDNIGHT), placed("s-1", earlier), UTC)
        assert (change.frees, change.holds) == ([], [ScheduleKey("s-1", "2030-03-04")])

    def test_a_reschedule_to_the_next_day_frees_the_day_it_leaves(self) -> None:
        change = rearranged(
            placed("s-1", NEAR_MIDNIGHT, 2), placed("s-1", NEAR_MIDNIGHT + timedelta(hours=2)), UTC
        )
        assert change.frees == [ScheduleKey("s-1", "2030-03-04")]
        assert change.holds == [ScheduleKey("s-1", "2030-03-05")]

    def test_a_cancellation_frees_and_an_unchanged_placement_touches_nothing(self) -> None:
        assert rearranged(placed("s-1", NEAR_MIDNIGHT), None, UTC).holds == []
        same = placed("s-1", NEAR_MIDNIGHT)
        assert rearranged(same, same, UTC).keys == []
