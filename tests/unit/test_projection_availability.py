"""The availability projection's fold, over the log a status board in memory writes: which
intervals each staff member holds, and each location's hours, as the schedules hold them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import pytest

from application.statusboard import StatusBoard
from domain import status as st
from domain.hours import hours_id_for
from domain.schedule import Schedule, schedule_id_for
from domain.stamp import Stamp
from projections.availability import HOLDS, HOURS, AvailabilityProjection
from projections.availability.projection import AvailabilityFold
from projections.base import UnprocessableEventError, parse_utc_text
from storage.eventstore import store_env
from tests.support import add_haircut

UTC_ZONE = ZoneInfo("UTC")
DESK = Stamp(actor="desk", request_id="req-desk")
NINE = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)
DAY = "2030-03-04"
SAM = {"id": "sam", "name": "Sam"}
KIM = {"id": "kim", "name": "Kim"}
WEEKLY = {
    day: [{"opens": "09:00", "closes": "17:00"}]
    for day in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
}


class Desk:
    """A status board in memory, and the availability fold of everything it wrote."""

    def __init__(self) -> None:
        self.app = StatusBoard(store_env("memory://"))
        add_haircut(self.app, DESK)

    def book(self, staff: dict[str, str] | None = SAM, at: datetime = NINE, **more: Any) -> UUID:
        booked = self.app.book_appointment(
            location_id="main-street",
            starts_at=at,
            customer={"name": "Ada"},
            services=[{"code": "CUT"}],
            staff=staff,
            stamp=DESK,
            **more,
        )
        return booked.aggregate.id

    def edit(self, ident: UUID, **fields: Any) -> None:
        version = self.app.get_appointment(ident).version
        self.app.edit_appointment(ident, expected_version=version, stamp=DESK, **fields)

    def move(self, ident: UUID, to_status: str, **more: Any) -> None:
        version = self.app.get_appointment(ident).version
        self.app.move_appointment(ident, to_status, expected_version=version, stamp=DESK, **more)

    def events(self) -> list[Any]:
        topics = set(AvailabilityProjection.topics)
        found = self.app.recorder.select_notifications(start=1, limit=10_000)
        return [self.app.mapper.to_domain_event(n) for n in found if n.topic in topics]

    def tables(self) -> dict[str, Any]:
        fold = AvailabilityFold(AvailabilityProjection(UTC_ZONE))
        fold.add(self.events())
        return fold.tables()

    def held(self, day: str = DAY) -> dict[str, list[tuple[str, str]]]:
        """Each staff member's held intervals on a day, as "HH:MM" in UTC."""
        found: dict[str, list[tuple[str, str]]] = {}
        for row in self.tables()[HOLDS.stem].values():
            named = dict(zip(HOLDS.columns, row, strict=True))
            if named["day"] == day:
                span = (_clock(named["starts_at"]), _clock(named["ends_at"]))
                found.setdefault(named["staff_id"], []).append(span)
        return {staff: sorted(spans) for staff, spans in found.items()}


def _clock(text: str) -> str:
    return parse_utc_text(text).strftime("%H:%M")


@pytest.fixture
def desk() -> Iterator[Desk]:
    """A stocked status board in memory."""
    found = Desk()
    yield found
    found.app.close()


class TestHolds:
    def test_a_booking_holds_its_interval_for_its_staff_member(self, desk: Desk) -> None:
        desk.book()
        desk.book(KIM, NINE + timedelta(hours=2))

        assert desk.held() == {"sam": [("09:00", "09:30")], "kim": [("11:00", "11:30")]}

    def test_an_appointment_without_staff_holds_nobodys_time(self, desk: Desk) -> None:
        desk.book(None)

        assert desk.held() == {}

    def test_a_reschedule_moves_the_hold_and_frees_the_old_interval(self, desk: Desk) -> None:
        ident = desk.book()

        desk.edit(ident, starts_at=NINE + timedelta(hours=3), ends_at=NINE + timedelta(hours=4))

        assert desk.held() == {"sam": [("12:00", "13:00")]}

    def test_a_new_end_moves_the_end_of_the_hold(self, desk: Desk) -> None:
        ident = desk.book()

        desk.edit(ident, ends_at=NINE + timedelta(minutes=45))

        assert desk.held() == {"sam": [("09:00", "09:45")]}

    def test_reassigning_moves_the_hold_to_the_other_staff_member(self, desk: Desk) -> None:
        ident = desk.book()

        desk.edit(ident, staff=KIM)

        assert desk.held() == {"kim": [("09:00", "09:30")]}

    def test_unassigning_frees_the_staff_members_time(self, desk: Desk) -> None:
        ident = desk.book()

        desk.edit(ident, staff=None)

        assert desk.held() == {}

    @pytest.mark.parametrize("to_status", [st.CANCELLED, st.NO_SHOW])
    def test_cancelling_or_a_no_show_frees_the_interval(self, desk: Desk, to_status: str) -> None:
        ident = desk.book()
        desk.book(at=NINE + timedelta(hours=1))

        desk.move(ident, to_status)

        assert desk.held() == {"sam": [("10:00", "10:30")]}

    def test_reopening_holds_the_interval_again(self, desk: Desk) -> None:
        ident = desk.book()
        desk.move(ident, st.CANCELLED)

        desk.move(ident, st.SCHEDULED, reason="came back")

        assert desk.held() == {"sam": [("09:00", "09:30")]}

    def test_an_overlap_booked_on_purpose_holds_both_intervals(self, desk: Desk) -> None:
        desk.book()
        desk.book(at=NINE + timedelta(minutes=15), allow_overlap=True)

        assert desk.held() == {"sam": [("09:00", "09:30"), ("09:15", "09:45")]}

    def test_an_appointment_across_midnight_is_held_on_both_days(self, desk: Desk) -> None:
        late = NINE + timedelta(hours=14, minutes=45)  # 23:45
        desk.book(at=late, allow_outside_hours=True)

        assert desk.held() == {"sam": [("23:45", "00:15")]}
        assert desk.held("2030-03-05") == {"sam": [("23:45", "00:15")]}

    def test_the_holds_are_exactly_those_of_the_schedules(self, desk: Desk) -> None:
        first, second = desk.book(), desk.book(KIM, NINE + timedelta(hours=1))
        desk.book(at=NINE + timedelta(minutes=10), allow_overlap=True)
        desk.edit(first, starts_at=NINE + timedelta(hours=5), ends_at=NINE + timedelta(hours=6))
        desk.move(second, st.NO_SHOW)
        desk.edit(first, staff=KIM)

        schedules = {
            staff: desk.app.repository.get(schedule_id_for(staff, DAY)) for staff in ("sam", "kim")
        }
        stored = {key[1] for key in desk.tables()[HOLDS.stem]}
        assert all(isinstance(found, Schedule) for found in schedules.values())
        assert stored == {key for found in schedules.values() for key in found.holds}


class TestHours:
    def test_hours_set_are_kept_with_their_closed_dates(self, desk: Desk) -> None:
        desk.app.set_opening_hours("main-street", weekly=WEEKLY, closed_dates=[], stamp=DESK)
        desk.app.set_opening_hours("main-street", weekly=WEEKLY, closed_dates=[DAY], stamp=DESK)

        (row,) = desk.tables()[HOURS.stem].values()

        assert row[0] == str(hours_id_for("main-street"))
        assert json.loads(row[1]) == WEEKLY
        assert json.loads(row[2]) == [DAY]

    def test_a_location_never_set_has_no_row(self, desk: Desk) -> None:
        desk.book()

        assert desk.tables()[HOURS.stem] == {}


class TestUnprocessable:
    def test_a_hold_on_a_schedule_never_seen_started_cannot_be_folded(self, desk: Desk) -> None:
        desk.book()
        started, *held = desk.events()

        with pytest.raises(UnprocessableEventError, match="availability cannot process"):
            AvailabilityFold(AvailabilityProjection(UTC_ZONE)).add(held)
