"""Reads of the dashboard: one row of running sums per location and day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from domain import status as st
from projections.positions import Live, live, named
from projections.stats.projection import STATS
from storage.sql import SqlStore


@dataclass(frozen=True)
class Stats:
    location: str
    day: date
    position: int
    total: int
    by_status: dict[str, int]
    booked_revenue_cents: int
    completed_revenue_cents: int
    completion_rate: float | None
    no_show_rate: float | None
    avg_minutes_in_status: dict[str, float | None]


def stats(store: SqlStore, location: str, day: date, at: Live | None = None) -> Stats:
    """The day's numbers; ``at`` is the stats projection as the caller just read it."""
    with store.reads() as cursor:
        generation, position = at or live(cursor, "stats")
        cursor.execute(
            f"SELECT {', '.join(STATS.columns)} FROM {STATS.name(generation)}"
            " WHERE location_id = ? AND day = ?",
            (location, day.isoformat()),
        )
        row = cursor.fetchone()
    return numbers(location, day, position, named(STATS.columns, row) if row else {})


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def numbers(location: str, day: date, position: int, counters: dict[str, Any]) -> Stats:
    count = {status: int(counters.get(f"n_{status}", 0)) for status in st.STATUSES}
    total = int(counters.get("total", 0))
    attended = total - count[st.CANCELLED]
    averages: dict[str, float | None] = {}
    for status in st.TIMED:
        stays = int(counters.get(f"stays_{status}", 0))
        micros = int(counters.get(f"stay_us_{status}", 0))
        averages[status] = micros / stays / 60_000_000 if stays else None
    return Stats(
        location=location,
        day=day,
        position=position,
        total=total,
        by_status=count,
        booked_revenue_cents=int(counters.get("booked_revenue_cents", 0)),
        completed_revenue_cents=int(counters.get("completed_revenue_cents", 0)),
        completion_rate=_rate(count[st.COMPLETED], attended),
        no_show_rate=_rate(count[st.NO_SHOW], attended),
        avg_minutes_in_status=averages,
    )
