"""Two processes booking one staff member's day: each may start from its own copy of the
schedule, and a copy the other has changed since never lets a double booking through."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from application.statusboard import StatusBoard
from domain.errors import StaffDoubleBookedError
from storage.eventstore import store_env
from tests.integration.app_support import ANN, BOB, BOOKING
from tests.integration.test_application_scenarios import stock

SAM = {"id": "s1", "name": "Sam"}


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
    ]
)
def boards(request: pytest.FixtureRequest) -> Iterator[tuple[StatusBoard, StatusBoard]]:
    """Two processes' applications on one database."""
    url: str = request.getfixturevalue(f"{request.param}_url")
    first, second = StatusBoard(store_env(url)), StatusBoard(store_env(url))
    stock(first)
    yield first, second
    first.close()
    second.close()


class TestBookingFromAStaleCopy:
    def test_a_slot_the_other_process_took_is_refused(
        self, boards: tuple[StatusBoard, StatusBoard]
    ) -> None:
        here, there = boards
        here.book_appointment(**BOOKING, staff=SAM, stamp=ANN)
        ten = BOOKING["starts_at"] + timedelta(hours=1)
        theirs = there.book_appointment(**{**BOOKING, "starts_at": ten}, staff=SAM, stamp=BOB)

        with pytest.raises(StaffDoubleBookedError) as refused:
            here.book_appointment(**{**BOOKING, "starts_at": ten}, staff=SAM, stamp=ANN)

        assert refused.value.conflicting_appointment["id"] == theirs.aggregate.id

    def test_a_free_slot_is_booked_after_reading_the_store(
        self, boards: tuple[StatusBoard, StatusBoard]
    ) -> None:
        here, there = boards
        here.book_appointment(**BOOKING, staff=SAM, stamp=ANN)
        ten = BOOKING["starts_at"] + timedelta(hours=1)
        there.book_appointment(**{**BOOKING, "starts_at": ten}, staff=SAM, stamp=BOB)
        conflicts: list[str] = []
        here.conflict_listeners.append(conflicts.append)

        eleven = BOOKING["starts_at"] + timedelta(hours=2)
        here.book_appointment(**{**BOOKING, "starts_at": eleven}, staff=SAM, stamp=ANN)

        assert conflicts == ["book"]  # the stale copy lost on its version, then the store won

    def test_a_staff_member_moved_away_elsewhere_frees_the_slot_here(
        self, boards: tuple[StatusBoard, StatusBoard]
    ) -> None:
        here, there = boards
        first = here.book_appointment(**BOOKING, staff=SAM, stamp=ANN).aggregate
        there.edit_appointment(
            first.id, staff={"id": "s2", "name": "Kim"}, expected_version=1, stamp=BOB
        )

        here.book_appointment(**BOOKING, staff=SAM, stamp=ANN)
