"""A location's opening hours: setting them, and whether an appointment lies inside them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import pytest
from eventsourcing.application import Application

from domain.errors import FieldError, OutsideOpeningHoursError
from domain.hours import DEFAULT_HOURS, DEFAULT_WEEKLY, Hours, OpeningHours, hours_id_for
from domain.localtime import WEEKDAYS
from domain.stamp import Stamp

STAMP = Stamp(actor="admin", request_id="req-1")
NEW_YORK = ZoneInfo("America/New_York")
#: A Monday.
MONDAY = date(2030, 3, 4)


def weekly(**days: list[tuple[str, str]]) -> dict[str, Any]:
    """Every weekday closed except those given, as (opens, closes) pairs."""
    return {
        day: [{"opens": opens, "closes": closes} for opens, closes in days.get(day, [])]
        for day in WEEKDAYS
    }


def local(day: date, clock: str, tz: ZoneInfo = NEW_YORK) -> datetime:
    return datetime.combine(day, datetime.strptime(clock, "%H:%M").time(), tzinfo=tz)


@pytest.fixture
def hours() -> OpeningHours:
    """Main Street's hours, just established: 9–12 and 13–17 on Mondays, closed on 4 March."""
    established = OpeningHours.establish(
        location_id="main-street",
        weekly=weekly(monday=[("09:00", "12:00"), ("13:00", "17:00")]),
        closed_dates=["2030-03-11"],
        stamp=STAMP,
    )
    established.collect_events()
    return established


class TestSettingHours:
    def test_the_id_follows_from_the_location(self, hours: OpeningHours) -> None:
        assert hours.id == hours_id_for("main-street") != hours_id_for("high-street")

    def test_the_default_is_every_day_eight_to_eight(self) -> None:
        assert weekly(**{day: [("08:00", "20:00")] for day in WEEKDAYS}) == DEFAULT_WEEKLY

    def test_new_hours_are_set_and_the_same_again_append_nothing(self, hours: OpeningHours) -> None:
        assert hours.set_hours(DEFAULT_WEEKLY, ["2030-12-25", "2030-12-24"], STAMP)
        (event,) = hours.collect_events()
        assert isinstance(event, OpeningHours.HoursSet)
        assert event.closed_dates == ["2030-12-24", "2030-12-25"]
        assert not hours.set_hours(DEFAULT_WEEKLY, ["2030-12-25", "2030-12-24"], STAMP)
        assert hours.collect_events() == []

    def test_the_event_store_rebuilds_the_hours(self) -> None:
        app = Application[UUID]()
        hours = OpeningHours.establish(
            location_id="main-street", weekly=DEFAULT_WEEKLY, closed_dates=[], stamp=STAMP
        )
        hours.set_hours(weekly(friday=[("10:00", "24:00")]), ["2030-01-01"], STAMP)
        app.save(hours)
        assert app.repository.get(hours.id).hours == hours.hours

    @pytest.mark.parametrize(
        ("weekly_hours", "closed", "field", "message"),
        [
            ([], [], "weekly", "must be an object"),
            ({**DEFAULT_WEEKLY, "moonday": []}, [], "weekly.moonday", "is not a weekday"),
            ({k: v for k, v in DEFAULT_WEEKLY.items() if k != "sunday"}, [], "weekly.sunday",
             "must be a list"),
            (weekly(monday=[("8:00", "12:00")]), [], "weekly.monday[0].opens", "00:00 to 23:59"),
            (weekly(monday=[("24:00", "24:00")]), [], "weekly.monday[0].opens", "00:00 to 23:59"),
            (weekly(monday=[("08:00", "24:01")]), [], "weekly.monday[0].closes", "00:00 to 24:00"),
            (weekly(monday=[("12:00", "12:00")]), [], "weekly.monday[0].closes", "after opens"),
            (weekly(monday=[("08:00", "12:00"), ("11:00", "13:00")]), [],
             "weekly.monday[1].opens", "previous interval"),
            (weekly(monday=[("13:00", "14:00"), ("08:00", "12:00")]), [],
             "weekly.monday[1].opens", "previous interval"),
            ({**DEFAULT_WEEKLY, "monday": ["08:00-12:00"]}, [], "weekly.monday[0]", "object"),
            (DEFAULT_WEEKLY, "2030-12-25", "closed_dates", "must be a list"),
            (DEFAULT_WEEKLY, ["25/12/2030"], "closed_dates[0]", "YYYY-MM-DD"),
            (DEFAULT_WEEKLY, ["2030-12-25", "2030-02-30"], "closed_dates[1]", "on the calendar"),
        ],
    )  # fmt: skip
    def test_bad_hours_are_refused_naming_the_field(
        self, hours: OpeningHours, weekly_hours: Any, closed: Any, field: str, message: str
    ) -> None:
        with pytest.raises(FieldError) as refused:
            hours.set_hours(weekly_hours, closed, STAMP)
        assert (refused.value.field, message in refused.value.message) == (field, True)
        assert hours.collect_events() == []

    def test_intervals_that_touch_are_accepted(self, hours: OpeningHours) -> None:
        assert hours.set_hours(weekly(monday=[("08:00", "12:00"), ("12:00", "13:00")]), [], STAMP)


class TestCheckingOpeningHours:
    @pytest.mark.parametrize(
        ("starts", "ends", "open_"),
        [
            ("09:00", "12:00", True),
            ("08:45", "09:30", False),
            ("11:30", "12:30", False),
            ("13:00", "17:00", True),
            ("16:59", "17:01", False),
        ],
    )
    def test_an_appointment_must_lie_inside_one_open_interval(
        self, hours: OpeningHours, starts: str, ends: str, open_: bool
    ) -> None:
        assert hours.hours.is_open(local(MONDAY, starts), local(MONDAY, ends), NEW_YORK) is open_

    def test_a_closed_date_is_closed_all_day(self, hours: OpeningHours) -> None:
        closed = date(2030, 3, 11)
        assert not hours.hours.is_open(local(closed, "09:00"), local(closed, "10:00"), NEW_YORK)

    def test_outside_hours_is_a_named_error_carrying_location_and_interval(
        self, hours: OpeningHours
    ) -> None:
        starts, ends = local(MONDAY, "07:00"), local(MONDAY, "08:00")
        with pytest.raises(OutsideOpeningHoursError) as refused:
            hours.check_open(starts, ends, NEW_YORK)
        assert (refused.value.location_id, refused.value.starts_at) == ("main-street", starts)
        assert refused.value.ends_at == ends

    def test_hours_that_run_to_midnight_and_on_from_it_are_one_span(self) -> None:
        late = Hours(weekly(monday=[("20:00", "24:00")], tuesday=[("00:00", "02:00")]))
        assert late.is_open(local(MONDAY, "23:00"), local(MONDAY, "23:00") + timedelta(hours=2),
                            NEW_YORK)  # fmt: skip
        assert not late.is_open(local(MONDAY, "23:00"), local(MONDAY, "23:00") + timedelta(hours=4),
                                NEW_YORK)  # fmt: skip

    def test_hours_read_in_the_locations_timezone(self) -> None:
        nine_utc = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)  # 04:00 in New York
        assert DEFAULT_HOURS.is_open(nine_utc, nine_utc + timedelta(hours=1), UTC)
        assert not DEFAULT_HOURS.is_open(nine_utc, nine_utc + timedelta(hours=1), NEW_YORK)

    def test_a_spring_forward_day_is_an_hour_shorter(self) -> None:
        spring = date(2030, 3, 10)  # New York moves 02:00 to 03:00
        night = Hours(weekly(sunday=[("00:00", "04:00")]))
        opens = local(spring, "00:00").astimezone(UTC)  # elapsed time, not wall-clock time
        assert night.is_open(opens, opens + timedelta(hours=3), NEW_YORK)
        assert not night.is_open(opens, opens + timedelta(hours=3, minutes=1), NEW_YORK)
