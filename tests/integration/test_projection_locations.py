"""The locations projection: the locations booked at, today's count, and the staff seen there."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from domain import status as st
from projections.locations import LocationList, StaffList
from projections.verify import verify_all
from tests.integration.test_projection_harness import DAY, LOCATION, NINE, ReadModel

TOMORROW = DAY + timedelta(days=1)
NEXT_NINE = NINE + timedelta(days=1)
SAM = {"id": "sam", "name": "Sam"}


def locations(model: ReadModel, today: date = DAY) -> dict[str, int]:
    model.catch_up()
    found: LocationList = model.read_side.locations(today)
    return {location.id: location.appointments_today for location in found.items}


def staff(model: ReadModel, location: str = LOCATION) -> list[tuple[str, str]]:
    model.catch_up()
    found: StaffList = model.read_side.staff(location)
    return [(member.id, member.name) for member in found.items]


class TestLocations:
    def test_every_location_booked_at_is_listed_by_id_with_its_appointments_today(
        self, model: ReadModel
    ) -> None:
        model.book("Ada")
        model.book("Bea", location="harbour")
        model.book("Cy", starts_at=NEXT_NINE)
        model.walk(model.book("Di"), (st.CANCELLED, NINE))

        assert list(locations(model).items()) == [("harbour", 1), (LOCATION, 2)]

    def test_a_location_with_nothing_today_is_listed_with_zero(self, model: ReadModel) -> None:
        model.book("Ada", starts_at=NEXT_NINE)

        assert locations(model) == {LOCATION: 0}
        assert locations(model, TOMORROW) == {LOCATION: 1}

    def test_a_reschedule_moves_the_appointment_between_days(self, model: ReadModel) -> None:
        ident = model.book("Ada")
        model.edit(ident, starts_at=NEXT_NINE, ends_at=NEXT_NINE + timedelta(hours=1))

        assert locations(model) == {LOCATION: 0}
        assert locations(model, TOMORROW) == {LOCATION: 1}

    def test_the_day_is_the_local_date_of_the_configured_timezone(self, database_url: str) -> None:
        model = ReadModel(database_url, timezone="Pacific/Auckland")
        try:
            late = datetime(2030, 3, 4, 22, 0, tzinfo=UTC)  # 5 March in Auckland
            model.book("Ada", starts_at=late)

            assert locations(model, TOMORROW) == {LOCATION: 1}
            assert locations(model, DAY) == {LOCATION: 0}
        finally:
            model.close()


class TestStaff:
    def test_the_staff_seen_on_a_locations_appointments_are_listed_by_name(
        self, model: ReadModel
    ) -> None:
        model.book("Ada", staff=SAM)
        model.book("Bea", staff={"id": "amy", "name": "Amy"})
        model.book("Cy", staff={"id": "zed", "name": "Zed"}, location="harbour")
        model.book("Di")

        assert staff(model) == [("amy", "Amy"), ("sam", "Sam")]
        assert staff(model, "harbour") == [("zed", "Zed")]
        assert staff(model, "nowhere") == []

    def test_a_staff_member_carries_the_name_last_given(self, model: ReadModel) -> None:
        ident = model.book("Ada", staff=SAM)
        model.book("Bea", staff={"id": "sam", "name": "Samuel"})
        model.edit(ident, staff={"id": "amy", "name": "Amy"})

        assert staff(model) == [("amy", "Amy"), ("sam", "Samuel")]

    def test_staff_assigned_after_booking_are_seen_at_its_location(self, model: ReadModel) -> None:
        ident = model.book("Ada", location="harbour")
        model.edit(ident, staff=SAM)

        assert staff(model, "harbour") == [("sam", "Sam")]
        assert staff(model) == []


class TestRebuildAndVerify:
    def test_a_rebuild_and_a_batched_fold_give_the_same_rows(self, model: ReadModel) -> None:
        for number in range(6):
            ident = model.book(f"Guest {number}", staff={"id": f"s{number % 2}", "name": "S"})
            if number % 3 == 0:
                model.edit(ident, starts_at=NEXT_NINE, ends_at=NEXT_NINE + timedelta(hours=1))
        model.catch_up()

        report = model.rebuild("locations", dry_run=True, batch_size=2)

        assert report.counts() == (0, 0, 0)
        assert verify_all(model.app, model.store, [model.projections["locations"]]).drifts == []
