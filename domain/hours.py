"""When a location is open (SPEC §12): weekly hours in local time, plus dates it is closed.

A location whose hours were never set is open every day 08:00–20:00 local time. A day's open
intervals are ordered and do not overlap; intervals that touch, within a day or across midnight
(24:00 then 00:00), are open without a break.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Any, TypedDict
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from domain import localtime, values
from domain.copying import SharesImmutableState
from domain.errors import FieldError, OutsideOpeningHoursError
from domain.moment import StampedEvent
from domain.stamp import Stamp

_NAMESPACE = uuid5(NAMESPACE_URL, "statusboard:opening-hours")

MAX_INTERVALS_PER_DAY = 12
MAX_CLOSED_DATES = 1000

Span = tuple[datetime, datetime]


class OpenInterval(TypedDict):
    opens: str
    closes: str


#: Open intervals by weekday name ("monday" … "sunday"); an empty list is a closed day.
Weekly = dict[str, list[OpenInterval]]

DEFAULT_WEEKLY: Weekly = {
    day: [OpenInterval(opens="08:00", closes="20:00")] for day in localtime.WEEKDAYS
}


def hours_id_for(location_id: str) -> UUID:
    """A location's opening hours have an id that follows from the location's."""
    return uuid5(_NAMESPACE, location_id)


@dataclass(frozen=True)
class Hours:
    """Weekly hours and closed dates, read as instants in a timezone."""

    weekly: Weekly
    closed_dates: frozenset[str] = frozenset()

    def day_spans(self, day: date, timezone: tzinfo) -> list[Span]:
        if day.isoformat() in self.closed_dates:
            return []
        return [
            (
                localtime.local_instant(day, interval["opens"], timezone),
                localtime.local_instant(day, interval["closes"], timezone),
            )
            for interval in self.weekly[localtime.weekday_name(day)]
        ]

    def spans(self, first: date, last: date, timezone: tzinfo) -> list[Span]:
        """The open spans of the local days first … last, those that touch joined."""
        days = (first + timedelta(days=n) for n in range((last - first).days + 1))
        return merged([span for day in days for span in self.day_spans(day, timezone)])

    def is_open(self, starts_at: datetime, ends_at: datetime, timezone: tzinfo) -> bool:
        first = starts_at.astimezone(timezone).date()
        last = ends_at.astimezone(timezone).date()
        return any(
            opens <= starts_at and ends_at <= closes
            for opens, closes in self.spans(first, last, timezone)
        )


DEFAULT_HOURS = Hours(DEFAULT_WEEKLY)


def merged(spans: list[Span]) -> list[Span]:
    """Spans in order, empty ones dropped, overlapping or touching ones joined."""
    joined: list[Span] = []
    for opens, closes in sorted(span for span in spans if span[0] < span[1]):
        if joined and opens <= joined[-1][1]:
            joined[-1] = (joined[-1][0], max(joined[-1][1], closes))
        else:
            joined.append((opens, closes))
    return joined


def check_open(
    location_id: str, hours: Hours, starts_at: datetime, ends_at: datetime, timezone: tzinfo
) -> None:
    if not hours.is_open(starts_at, ends_at, timezone):
        raise OutsideOpeningHoursError(location_id, starts_at, ends_at)


class OpeningHours(SharesImmutableState, Aggregate):
    class_version = 1

    class Event(StampedEvent):
        pass

    class Established(Event, Aggregate.Created):
        class_version = 1

        location_id: str
        weekly: Weekly
        closed_dates: list[str]

    class HoursSet(Event):
        class_version = 1

        weekly: Weekly
        closed_dates: list[str]

        def apply(self, aggregate: Any) -> None:
            aggregate.weekly, aggregate.closed_dates = self.weekly, self.closed_dates

    def __init__(self, location_id: str, weekly: Weekly, closed_dates: list[str]) -> None:
        self.location_id = location_id
        self.weekly = weekly
        self.closed_dates = closed_dates

    @classmethod
    def establish(
        cls, *, location_id: object, weekly: object, closed_dates: object, stamp: Stamp
    ) -> OpeningHours:
        checked = values.location_id(location_id)
        return cls._create(
            cls.Established,
            id=hours_id_for(checked),
            location_id=checked,
            weekly=weekly_hours(weekly),
            closed_dates=closed_date_list(closed_dates),
            **stamp.event_fields(),
        )

    def set_hours(self, weekly: object, closed_dates: object, stamp: Stamp) -> bool:
        checked_weekly, checked_dates = weekly_hours(weekly), closed_date_list(closed_dates)
        if (checked_weekly, checked_dates) == (self.weekly, self.closed_dates):
            return False
        self.trigger_event(
            self.HoursSet, weekly=checked_weekly, closed_dates=checked_dates, **stamp.event_fields()
        )
        return True

    def state(self) -> dict[str, Any]:
        return {"weekly": self.weekly, "closed_dates": self.closed_dates}

    @property
    def hours(self) -> Hours:
        return Hours(self.weekly, frozenset(self.closed_dates))

    def check_open(self, starts_at: datetime, ends_at: datetime, timezone: tzinfo) -> None:
        check_open(self.location_id, self.hours, starts_at, ends_at, timezone)


def weekly_hours(value: object) -> Weekly:
    if not isinstance(value, dict):
        raise FieldError("weekly", "must be an object with a list of intervals for each weekday")
    for name in value:
        if name not in localtime.WEEKDAYS:
            raise FieldError(f"weekly.{name}", "is not a weekday (monday … sunday)")
    return {day: _day_intervals(day, value.get(day)) for day in localtime.WEEKDAYS}


def _day_intervals(day: str, value: object) -> list[OpenInterval]:
    field = f"weekly.{day}"
    if not isinstance(value, list):
        raise FieldError(field, "must be a list of intervals (an empty list: closed all day)")
    if len(value) > MAX_INTERVALS_PER_DAY:
        raise FieldError(field, f"must have at most {MAX_INTERVALS_PER_DAY} intervals")
    intervals = [_interval(f"{field}[{n}]", item) for n, item in enumerate(value)]
    for n in range(1, len(intervals)):
        if intervals[n]["opens"] < intervals[n - 1]["closes"]:
            raise FieldError(
                f"{field}[{n}].opens", "must not be before the previous interval closes"
            )
    return intervals


def _interval(field: str, value: object) -> OpenInterval:
    if not isinstance(value, dict):
        raise FieldError(field, "must be an object with opens and closes")
    opens = localtime.clock_time(f"{field}.opens", value.get("opens"))
    closes = localtime.clock_time(f"{field}.closes", value.get("closes"), closing=True)
    if closes <= opens:  # zero-padded HH:MM text sorts as the times do
        raise FieldError(f"{field}.closes", "must be after opens")
    return OpenInterval(opens=opens, closes=closes)


def closed_date_list(value: object) -> list[str]:
    if not isinstance(value, list):
        raise FieldError("closed_dates", "must be a list of dates as YYYY-MM-DD")
    if len(value) > MAX_CLOSED_DATES:
        raise FieldError("closed_dates", f"must have at most {MAX_CLOSED_DATES} dates")
    return sorted({localtime.iso_date(f"closed_dates[{n}]", item) for n, item in enumerate(value)})
