"""Free start times (SPEC §12): when each staff member could start an appointment of a length.

Starts are a grid of local wall-clock times over one day ("08:00", "08:15", …). On a
daylight-saving day a grid time the clocks skip is not offered, and one they show twice stands
for its first occurrence only, so each label is offered at most once. A start is free when
[start, start + duration) — elapsed time, so an hour across a change is still sixty minutes —
lies inside one open span of the location and overlaps none of the staff member's holds.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta, tzinfo

from domain import localtime, values
from domain.errors import FieldError
from domain.hours import Hours, Span

MAX_DURATION_MINUTES = 24 * 60
#: Grid steps that divide an hour, so every grid starts on the hour.
STEPS: tuple[int, ...] = (5, 10, 15, 20, 30, 60)
DEFAULT_STEP = 15


def grid(
    day: date, timezone: tzinfo, step_minutes: int = DEFAULT_STEP
) -> list[tuple[str, datetime]]:
    """The day's grid times that exist, each with the instant it names."""
    clocks = (f"{m // 60:02d}:{m % 60:02d}" for m in range(0, 24 * 60, _step(step_minutes)))
    return [
        (clock, localtime.local_instant(day, clock, timezone))
        for clock in clocks
        if localtime.exists(day, clock, timezone)
    ]


def free_starts(
    *,
    day: date | str,
    timezone: tzinfo,
    hours: Hours,
    duration_minutes: int,
    held: Mapping[str, Iterable[Span]],
    step_minutes: int = DEFAULT_STEP,
) -> dict[str, list[str]]:
    """Free local start times by staff id.

    ``held`` gives each staff member's held intervals that may reach into the day or past it by
    up to the duration: the holds of their schedules for ``day`` and the day after.
    """
    local_day = date.fromisoformat(localtime.iso_date("date", day))
    length = timedelta(minutes=duration(duration_minutes))
    spans = hours.spans(local_day, local_day + timedelta(days=2), timezone)
    open_starts = [
        (clock, (start, start + length))
        for clock, start in grid(local_day, timezone, step_minutes)
        if _inside(spans, (start, start + length))
    ]
    return {staff_id: _free(open_starts, list(intervals)) for staff_id, intervals in held.items()}


def duration(value: object) -> int:
    return values.integer("duration_minutes", value, low=1, high=MAX_DURATION_MINUTES)


def _step(value: object) -> int:
    step = values.integer("step_minutes", value, low=1, high=60)
    if step not in STEPS:
        raise FieldError("step_minutes", f"must be one of {', '.join(map(str, STEPS))}")
    return step


def _inside(spans: list[Span], interval: Span) -> bool:
    return any(opens <= interval[0] and interval[1] <= closes for opens, closes in spans)


def _free(open_starts: list[tuple[str, Span]], intervals: list[Span]) -> list[str]:
    return [
        clock
        for clock, wanted in open_starts
        if not any(localtime.overlaps(wanted, held) for held in intervals)
    ]
