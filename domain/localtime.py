"""Local days and wall-clock times, as the schedules, opening hours and availability read them.

A wall-clock time the clocks skip on a daylight-saving day, or repeat, names an instant the way
``zoneinfo`` reads it by default (fold 0): a skipped time counts as if the clocks had not moved
yet (02:30 on a spring-forward day is 03:30 new time), a repeated one counts its first
occurrence. Days and times travel as ISO strings: the event store has no transcoding for
``date`` and ``time``.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from domain.errors import FieldError

WEEKDAYS: tuple[str, ...] = (
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
)
#: The end of a day, as a closing time: the next day's midnight.
END_OF_DAY = "24:00"

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_CLOCK = re.compile(r"(?:[01]\d|2[0-3]):[0-5]\d")


def iso_date(field: str, value: object) -> str:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise FieldError(field, "must be a date as YYYY-MM-DD")
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise FieldError(field, "must be a date on the calendar") from None


def clock_time(field: str, value: object, *, closing: bool = False) -> str:
    """A wall-clock time "HH:MM"; a closing time may also be 24:00, the end of the day."""
    if isinstance(value, str) and (_CLOCK.fullmatch(value) or (closing and value == END_OF_DAY)):
        return value
    upper = END_OF_DAY if closing else "23:59"
    raise FieldError(field, f"must be a time from 00:00 to {upper} as HH:MM")


def minutes_of(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def local_instant(day: date, clock: str, timezone: tzinfo) -> datetime:
    """The UTC instant a wall-clock time on a local day names (24:00 is the next midnight)."""
    if clock == END_OF_DAY:
        return local_instant(day + timedelta(days=1), "00:00", timezone)
    wall = datetime.combine(day, time.fromisoformat(clock), tzinfo=timezone)
    return wall.astimezone(UTC)


def exists(day: date, clock: str, timezone: tzinfo) -> bool:
    """Whether the clocks show this time on this day (not one a daylight-saving change skips)."""
    wall = datetime.combine(day, time.fromisoformat(clock), tzinfo=timezone)
    shown = wall.astimezone(UTC).astimezone(timezone)
    return (shown.date(), shown.time()) == (wall.date(), wall.time())


def weekday_name(day: date) -> str:
    return WEEKDAYS[day.weekday()]


def days_touched(starts_at: datetime, ends_at: datetime, timezone: tzinfo) -> list[str]:
    """The local days an interval [starts_at, ends_at) has an instant on, in order."""
    first = starts_at.astimezone(timezone).date()
    last = (ends_at - timedelta(microseconds=1)).astimezone(timezone).date()
    return [(first + timedelta(days=n)).isoformat() for n in range((last - first).days + 1)]


def overlaps(a: tuple[datetime, datetime], b: tuple[datetime, datetime]) -> bool:
    """Half-open intervals: one that ends when the other starts does not overlap it."""
    return a[0] < b[1] and b[0] < a[1]
