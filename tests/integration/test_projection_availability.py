"""The availability read model: free start times of a location's staff, on every store."""

from __future__ import annotations

from datetime import date, timedelta

from domain import status as st
from projections.availability import Wanted
from projections.verify import verify_all
from tests.integration.test_projection_harness import ADMIN, DAY, LOCATION, NINE, ReadModel

SAM = {"id": "sam", "name": "Sam"}
KIM = {"id": "kim", "name": "Kim"}
HOUR = timedelta(hours=1)
ALL_DAY = [{"opens": "00:00", "closes": "24:00"}]
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
#: 08:00 to 19:30: every start of half an hour in the default hours.
DEFAULT_STARTS = [f"{m // 60:02d}:{m % 60:02d}" for m in range(8 * 60, 19 * 60 + 31, 15)]


def free(
    model: ReadModel,
    minutes: int = 30,
    day: date = DAY,
    location: str = LOCATION,
    staff: str | None = None,
) -> dict[str, list[str]]:
    model.catch_up()
    found = model.read_side.availability(Wanted(location, day, minutes, staff))
    return {member.id: member.free for member in found.staff}


def set_hours(model: ReadModel, weekly: list[dict[str, str]], closed: list[str]) -> None:
    model.app.set_opening_hours(
        LOCATION, weekly=dict.fromkeys(WEEKDAYS, weekly), closed_dates=closed, stamp=ADMIN
    )


class TestFreeStarts:
    def test_each_staff_member_seen_at_the_location_has_the_starts_their_day_leaves(
        self, model: ReadModel
    ) -> None:
        model.book("Ada", staff=SAM)
        model.book("Bea", staff=KIM, location="harbour")

        found = free(model)

        assert list(found) == ["sam"]
        assert found["sam"][:4] == ["08:00", "08:15", "08:30", "09:30"]
        assert found["sam"] == [s for s in DEFAULT_STARTS if not "08:30" < s < "09:30"]

    def test_the_staff_are_listed_by_name_under_the_name_last_given(self, model: ReadModel) -> None:
        model.book("Ada", staff=SAM)
        model.book("Bea", staff={"id": "amy", "name": "Amy"})
        model.book("Cy", staff={"id": "sam", "name": "Samuel"}, starts_at=NINE + timedelta(hours=1))
        model.catch_up()

        found = model.read_side.availability(Wanted(LOCATION, DAY, 30))

        assert [(member.id, member.name) for member in found.staff] == [
            ("amy", "Amy"),
            ("sam", "Samuel"),
        ]

    def test_the_whole_duration_must_fit_before_closing(self, model: ReadModel) -> None:
        model.book("Ada", staff=SAM, starts_at=NINE + timedelta(days=1))

        assert free(model, minutes=60)["sam"][-1] == "19:00"
        assert free(model, minutes=12 * 60)["sam"] == ["08:00"]

    def test_an_appointment_at_another_location_takes_the_time_here_too(
        self, model: ReadModel
    ) -> None:
        model.book("Ada", staff=SAM)
        model.book("Bea", staff=SAM, location="harbour", starts_at=NINE + timedelta(hours=2))

        assert "11:00" not in free(model)["sam"]
        assert "09:00" not in free(model, location="harbour")["sam"]

    def test_an_appointment_without_staff_takes_nobodys_time(self, model: ReadModel) -> None:
        model.book("Ada", staff=SAM, starts_at=NINE + timedelta(days=1))
        model.book("Bea")

        assert free(model)["sam"] == DEFAULT_STARTS

    def test_cancelling_and_a_no_show_give_the_time_back(self, model: ReadModel) -> None:
        first = model.book("Ada", staff=SAM)
        second = model.book("Bea", staff=SAM, starts_at=NINE + timedelta(hours=1))
        model.walk(first, (st.CANCELLED, NINE))
        model.walk(second, (st.NO_SHOW, NINE))

        assert free(model)["sam"] == DEFAULT_STARTS

    def test_a_reschedule_and_a_reassignment_move_the_taken_time(self, model: ReadModel) -> None:
        ident = model.book("Ada", staff=SAM)
        model.book("Bea", staff=KIM, starts_at=NINE + timedelta(days=1))
        later = NINE + timedelta(hours=3)
        model.edit(ident, starts_at=later, ends_at=later + timedelta(minutes=30))
        model.edit(ident, staff=KIM)

        found = free(model)

        assert found["sam"] == DEFAULT_STARTS
        assert "12:00" not in found["kim"] and "09:00" in found["kim"]

    def test_overlapping_appointments_booked_on_purpose_both_take_time(
        self, model: ReadModel
    ) -> None:
        model.book("Ada", staff=SAM)
        model.book("Bea", staff=SAM, starts_at=NINE + timedelta(minutes=20))

        taken = set(DEFAULT_STARTS) - set(free(model)["sam"])

        assert taken == {"08:45", "09:00", "09:15", "09:30", "09:45"}

    def test_only_the_staff_member_asked_for_and_no_one_for_an_unknown_one(
        self, model: ReadModel
    ) -> None:
        model.book("Ada", staff=SAM)
        model.book("Bea", staff=KIM)

        assert list(free(model, staff="kim")) == ["kim"]
        assert free(model, staff="nobody") == {}
        assert free(model, location="nowhere") == {}


class TestOpeningHours:
    def test_the_hours_set_bound_the_starts(self, model: ReadModel) -> None:
        model.book("Ada", staff=SAM, starts_at=NINE + timedelta(days=1))
        set_hours(model, [{"opens": "09:00", "closes": "17:00"}], [])

        found = free(model)["sam"]

        assert (found[0], found[-1], len(found)) == ("09:00", "16:30", 31)

    def test_a_closed_date_has_no_free_start_for_anyone(self, model: ReadModel) -> None:
        model.book("Ada", staff=SAM, starts_at=NINE + timedelta(days=2))
        model.book("Bea", staff=KIM, starts_at=NINE + timedelta(days=2))
        set_hours(model, [{"opens": "09:00", "closes": "17:00"}], [DAY.isoformat()])

        assert free(model) == {"kim": [], "sam": []}
        assert free(model, day=DAY + timedelta(days=1))["kim"][0] == "09:00"

    def test_appointments_across_midnight_take_time_on_both_days(self, model: ReadModel) -> None:
        set_hours(model, ALL_DAY, [])
        midnight = NINE + timedelta(hours=15)  # the start of the next day
        model.book("Ada", staff=SAM, starts_at=midnight - timedelta(minutes=15))
        model.book("Bea", staff=SAM, starts_at=NINE - timedelta(hours=9, minutes=15))

        today, tomorrow = free(model), free(model, day=DAY + timedelta(days=1))

        assert today["sam"][:2] == ["00:15", "00:30"]
        assert today["sam"][-2:] == ["23:00", "23:15"]
        assert tomorrow["sam"][0] == "00:15"


class TestRebuildAndVerify:
    def test_a_rebuild_from_the_log_equals_the_live_read_model(self, model: ReadModel) -> None:
        for number in range(6):
            staff = (SAM, KIM)[number % 2]
            ident = model.book(f"Guest {number}", staff=staff, starts_at=NINE + number * HOUR)
            if number % 3 == 0:
                model.walk(ident, (st.CANCELLED, NINE))
        set_hours(model, [{"opens": "09:00", "closes": "17:00"}], [])
        model.catch_up()
        live_rows, live_free = model.rows("availability"), free(model)

        dry = model.rebuild("availability", dry_run=True, batch_size=2)
        report = model.rebuild("availability", batch_size=3)

        assert dry.counts() == (0, 0, 0) and report.counts() == (0, 0, 0)
        assert model.live_generation("availability") == report.generation
        assert model.rows("availability") == live_rows
        assert free(model) == live_free
        assert verify_all(model.app, model.store, [model.projections["availability"]]).drifts == []
