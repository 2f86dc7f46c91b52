"""Two processes booking one staff member's day: each may start from its own copy of the
schedule, and a copy the other has changed since never lets a double booking through."""

from __future__ import annotations

from datetime import timedelta

import pytest

from application.statusboard import Outcome, StatusBoard
from domain.appointment import Appointment
from domain.errors import StaffDoubleBookedError
from tests.integration.app_support import ANN, BOB, BOOKING

SAM = {"id": "s1", "name": "Sam"}


def ten_o_clock_taken_there(here: StatusBoard, there: StatusBoard) -> Outcome[Appointment]:
    """Here books nine, which its copy of Sam's day remembers; there books ten since."""
    here.book_appointment(**BOOKING, staff=SAM, stamp=ANN)
    ten = BOOKING["starts_at"] + timedelta(hours=1)
    return there.book_appointment(**{**BOOKING, "starts_at": ten}, staff=SAM, stamp=BOB)


class TestBookingFromAStaleCopy:
    def test_a_slot_the_other_process_took_is_refused(
        self, app_workers: tuple[StatusBoard, StatusBoard]
    ) -> None:
        here, there = app_workers
        theirs = ten_o_clock_taken_there(here, there)
        ten = BOOKING["starts_at"] + timedelta(hours=1)

        with pytest.raises(StaffDoubleBookedError) as refused:
            here.book_appointment(**{**BOOKING, "starts_at": ten}, staff=SAM, stamp=ANN)

        assert refused.value.conflicting_appointment["id"] == theirs.aggregate.id

    def test_a_free_slot_is_booked_after_reading_the_store(
        self, app_workers: tuple[StatusBoard, StatusBoard]
    ) -> None:
        here, there = app_workers
        ten_o_clock_taken_there(here, there)
        conflicts: list[str] = []
        here.conflict_listeners.append(conflicts.append)

        eleven = BOOKING["starts_at"] + timedelta(hours=2)
        here.book_appointment(**{**BOOKING, "starts_at": eleven}, staff=SAM, stamp=ANN)

        assert conflicts == ["book"]  # the stale copy lost on its version, then the store won

    def test_a_staff_member_moved_away_elsewhere_frees_the_slot_here(
        self, app_workers: tuple[StatusBoard, StatusBoard]
    ) -> None:
        here, there = app_workers
        first = here.book_appointment(**BOOKING, staff=SAM, stamp=ANN).aggregate
        there.edit_appointment(
            first.id, staff={"id": "s2", "name": "Kim"}, expected_version=1, stamp=BOB
        )

        here.book_appointment(**BOOKING, staff=SAM, stamp=ANN)
