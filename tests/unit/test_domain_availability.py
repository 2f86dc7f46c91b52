"""Free start times per staff member, from opening hours and held intervals."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from domain.availability import free_starts, grid
from domain.errors import FieldError
from domain.hours import DEFAULT_HOURS, DEFAULT_WEEKLY, Hours

NEW_YORK = ZoneInfo("America/New_York")
MONDAY = date(2030, 3, 4)
SPRING_FORWARD = date(2030, 3, 10)  # New York's clocks go from 02:00 to 03:00
FALL_BACK = date(2030, 11, 3)  # New York's clocks go from 02:00 back to 01:00
ALL_DAY = Hours({day: [{"opens": "00:00", "closes": "24:00"}] for day in DEFAULT_WEEKLY})


def local(day: date, clock: str, tz: ZoneInfo = NEW_YORK) -> datetime:
    return datetime.combine(day, time.fromisoformat(clock), tzinfo=tz).astimezone(UTC)


def hourly(first: int, last: int) -> list[str]:
    return [f"{hour:02d}:00" for hour in range(first, last + 1)]


def free(**arguments: Any) -> dict[str, list[str]]:
    defaults: dict[str, Any] = {
        "day": MONDAY,
        "timezone": NEW_YORK,
        "hours": DEFAULT_HOURS,
        "duration_minutes": 60,
        "held": {"s-1": []},
        "step_minutes": 60,
    }
    return free_starts(**{**defaults, **arguments})


class TestFreeStartTimes:
    def test_an_empty_day_offers_every_start_that_ends_by_closing(self) -> None:
        assert free() == {"s-1": hourly(8, 19)}

    def test_the_grid_is_fifteen_minutes_by_default(self) -> None:
        starts = free_starts(
            day="2030-03-04", timezone=NEW_YORK, hours=DEFAULT_HOURS, duration_minutes=30,
            held={"s-1": []},
        )["s-1"]  # fmt: skip
        assert starts[:3] == ["08:00", "08:15", "08:30"]
        assert starts[-1] == "19:30"

    def test_a_held_interval_takes_the_starts_that_would_overlap_it(self) -> None:
        held = {"s-1": [(local(MONDAY, "10:30"), local(MONDAY, "11:30"))], "s-2": []}
        result = free(held=held)
        assert result["s-1"] == ["08:00", "09:00", *hourly(12, 19)]
        assert result["s-2"] == hourly(8, 19)

    def test_holds_in_any_timezone_are_read_as_instants(self) -> None:
        tokyo = ZoneInfo("Asia/Tokyo")
        held = {"s-1": [(local(MONDAY, "10:00").astimezone(tokyo), local(MONDAY, "11:00"))]}
        assert "10:00" not in free(held=held)["s-1"]

    def test_an_appointment_from_the_day_before_takes_the_early_morning(self) -> None:
        overnight = (local(MONDAY - timedelta(days=1), "22:00"), local(MONDAY, "02:00"))
        assert free(hours=ALL_DAY, held={"s-1": [overnight]})["s-1"][0] == "02:00"

    def test_a_closed_date_offers_nothing(self) -> None:
        hours = Hours(DEFAULT_WEEKLY, frozenset({"2030-03-04"}))
        assert free(hours=hours) == {"s-1": []}

    def test_a_late_start_may_run_past_midnight_when_the_next_day_opens_at_midnight(
        self,
    ) -> None:
        assert free(hours=ALL_DAY, duration_minutes=120)["s-1"][-1] == "23:00"


class TestDaylightSavingDays:
    def test_grid_times_the_clocks_skip_are_not_offered(self) -> None:
        clocks = [clock for clock, _ in grid(SPRING_FORWARD, NEW_YORK, 30)]
        assert "02:00" not in clocks and "02:30" not in clocks
        assert clocks[3:5] == ["01:30", "03:00"]
        assert len(clocks) == 46

    def test_grid_times_the_clocks_show_twice_are_offered_once_at_the_first(self) -> None:
        starts = dict(grid(FALL_BACK, NEW_YORK, 30))
        assert len(starts) == 48
        assert starts["01:30"] == datetime(2030, 11, 3, 5, 30, tzinfo=UTC)  # still EDT
        assert starts["02:00"] - starts["01:30"] == timedelta(hours=1, minutes=30)

    def test_durations_are_elapsed_time_across_a_change(self) -> None:
        # 01:00 + 2 h elapsed is 04:00 on the clocks, past a 03:30 closing.
        hours = Hours({day: [{"opens": "00:00", "closes": "03:30"}] for day in DEFAULT_WEEKLY})
        starts = free(day=SPRING_FORWARD, hours=hours, duration_minutes=120)["s-1"]
        assert starts == ["00:00"]


class TestAvailabilityInput:
    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"duration_minutes": 0}, "duration_minutes"),
            ({"duration_minutes": 24 * 60 + 1}, "duration_minutes"),
            ({"duration_minutes": "60"}, "duration_minutes"),
            ({"step_minutes": 7}, "step_minutes"),
            ({"day": "2030-02-30"}, "date"),
        ],
    )
    def test_bad_input_is_a_field_error(self, change: dict[str, Any], field: str) -> None:
        with pytest.raises(FieldError) as refused:
            free(**change)
        assert refused.value.field == field
