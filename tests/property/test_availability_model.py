"""Free start times against a brute-force model that walks the day minute by minute.

The model knows nothing of spans or merging: a grid time exists if some minute shows it on the
clock (the first such minute is its start), and a start is free if every minute it would take is
open and held by nobody. Boundaries of opening hours name instants as SPEC'd in domain/localtime.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import given, note, settings
from hypothesis import strategies as st

from domain.availability import free_starts
from domain.hours import Hours, weekly_hours
from domain.localtime import WEEKDAYS

MINUTE = timedelta(minutes=1)
ZONES = [
    ZoneInfo(name)
    for name in (
        "UTC",
        "America/New_York",
        "Europe/Berlin",
        "Australia/Lord_Howe",  # a half-hour change
        "America/Santiago",  # changes at midnight
        "Asia/Kolkata",
    )
]
CLOCKS = [
    "00:00", "00:30", "01:00", "01:30", "02:00", "02:30", "03:00", "03:30", "06:00",
    "08:00", "09:15", "12:00", "12:30", "17:00", "20:00", "22:00", "23:30", "24:00",
]  # fmt: skip


def changing_days(zone: tzinfo) -> list[date]:
    """The days of 2030 on which the zone's clocks change, with the days either side."""
    days = [date(2030, 1, 1) + timedelta(days=n) for n in range(365)]
    found = [
        day
        for day in days
        if _offset(zone, day) != _offset(zone, day + timedelta(days=1))
        or _offset(zone, day) != _offset(zone, day - timedelta(days=1))
    ]
    return found or [date(2030, 3, 4)]


def _offset(zone: tzinfo, day: date) -> Any:
    return datetime.combine(day, time(12), tzinfo=zone).utcoffset()


DAYS = {zone: changing_days(zone) + [date(2030, 6, 12)] for zone in ZONES}


@st.composite
def weeks(draw: st.DrawFn) -> dict[str, Any]:
    """Weekly hours: for each day, consecutive pairs of distinct clock times."""
    week: dict[str, Any] = {}
    for day in WEEKDAYS:
        clocks = sorted(draw(st.sets(st.sampled_from(CLOCKS), max_size=6)))
        pairs = list(zip(clocks[0::2], clocks[1::2], strict=False))
        week[day] = [{"opens": opens, "closes": closes} for opens, closes in pairs]
    return week


@st.composite
def cases(draw: st.DrawFn) -> dict[str, Any]:
    zone = draw(st.sampled_from(ZONES))
    day = draw(st.sampled_from(DAYS[zone]))
    midnight = datetime.combine(day, time(0)).replace(tzinfo=UTC)
    closed = draw(st.sets(st.sampled_from([day + timedelta(days=n) for n in (-1, 0, 1)])))
    held = draw(
        st.lists(
            st.tuples(st.integers(-24 * 60, 48 * 60), st.integers(1, 300)).map(
                lambda t: (midnight + t[0] * MINUTE, midnight + (t[0] + t[1]) * MINUTE)
            ),
            max_size=4,
        )
    )
    return {
        "day": day,
        "timezone": zone,
        "hours": Hours(weekly_hours(draw(weeks())), frozenset(d.isoformat() for d in closed)),
        "duration_minutes": draw(st.integers(1, 300)),
        "step_minutes": draw(st.sampled_from([15, 30, 60])),
        "held": {"s-1": held, "s-2": []},
    }


def boundary(day: date, clock: str, zone: tzinfo) -> datetime:
    if clock == "24:00":
        return boundary(day + timedelta(days=1), "00:00", zone)
    return datetime.combine(day, time.fromisoformat(clock)).replace(tzinfo=zone).astimezone(UTC)


def minutes_and_open(case: dict[str, Any]) -> tuple[list[datetime], list[bool]]:
    """Every minute from 15 hours before the day to 15 hours after the next, and whether the
    location is open in it."""
    day, zone, hours = case["day"], case["timezone"], case["hours"]
    first = datetime.combine(day, time(0)).replace(tzinfo=UTC) - timedelta(hours=15)
    minutes = [first + n * MINUTE for n in range((15 + 24 + 15 + 24) * 60)]
    windows = [
        (boundary(d, i["opens"], zone), boundary(d, i["closes"], zone))
        for d in (day + timedelta(days=n) for n in range(-1, 3))
        if d.isoformat() not in hours.closed_dates
        for i in hours.weekly[WEEKDAYS[d.weekday()]]
    ]
    return minutes, [any(a <= m < b for a, b in windows) for m in minutes]


def brute_force(case: dict[str, Any]) -> dict[str, list[str]]:
    minutes, is_open = minutes_and_open(case)
    starts: dict[str, int] = {}
    for index, m in enumerate(minutes):
        wall = m.astimezone(case["timezone"])
        if (
            wall.date() == case["day"]
            and (wall.hour * 60 + wall.minute) % case["step_minutes"] == 0
        ):
            starts.setdefault(f"{wall:%H:%M}", index)
    return {
        staff: [
            clock
            for clock, index in sorted(starts.items(), key=lambda item: item[1])
            if all(
                is_open[i] and not any(a <= minutes[i] < b for a, b in held)
                for i in range(index, index + case["duration_minutes"])
            )
        ]
        for staff, held in case["held"].items()
    }


@settings(max_examples=200, deadline=None)
@given(cases())
def test_free_starts_are_exactly_the_starts_that_are_open_and_unheld(case: dict[str, Any]) -> None:
    note(f"{case['day']} in {case['timezone']}")
    assert free_starts(**case) == brute_force(case)


@settings(max_examples=100, deadline=None)
@given(cases(), st.integers(15 * 60, (15 + 48) * 60), st.integers(1, 300))
def test_an_interval_is_open_exactly_when_every_minute_of_it_is(
    case: dict[str, Any], first: int, length: int
) -> None:
    minutes, is_open = minutes_and_open(case)
    starts_at, ends_at = minutes[first], minutes[first] + length * MINUTE
    note(f"{case['day']} in {case['timezone']}: {starts_at} to {ends_at}")
    expected = all(is_open[first : first + length])
    assert case["hours"].is_open(starts_at, ends_at, case["timezone"]) is expected
