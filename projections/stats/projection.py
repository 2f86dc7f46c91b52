"""Dashboard numbers per location and day, kept as running sums so a read is one row."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import timedelta
from typing import Any, ClassVar

from domain import status as st
from domain.appointment import Appointment
from projections.base import (
    Event,
    Keyed,
    MemoryFold,
    Row,
    RowFold,
    RowProjection,
    Table,
    parse_utc_text,
    upsert_rows,
)
from projections.board.projection import BoardProjection
from storage.sql import Cursor

STAY_COLUMNS = tuple(
    column for status in st.TIMED for column in (f"stay_us_{status}", f"stays_{status}")
)

#: Per appointment: where it counts, and what it adds there.
STATS_APPOINTMENTS = Table(
    stem="stats_appointments",
    columns=(
        "id",
        "location_id",
        "day",
        "status",
        "total_cents",
        "status_since",
        "lines",
        *STAY_COLUMNS,
        "version",
    ),
    types=(
        "TEXT",
        "TEXT NOT NULL",
        "TEXT NOT NULL",
        "TEXT NOT NULL",
        "BIGINT NOT NULL",
        "TEXT NOT NULL",
        "TEXT NOT NULL",
        *("BIGINT NOT NULL" for _ in STAY_COLUMNS),
        "INTEGER NOT NULL",
    ),
)

COUNTERS = (
    "total",
    *(f"n_{status}" for status in st.STATUSES),
    "booked_revenue_cents",
    "completed_revenue_cents",
    *STAY_COLUMNS,
)

STATS = Table(
    stem="stats",
    columns=("location_id", "day", *COUNTERS),
    types=("TEXT NOT NULL", "TEXT NOT NULL", *("BIGINT NOT NULL" for _ in COUNTERS)),
    key=2,
)

_MICROSECOND = timedelta(microseconds=1)


def contribution(row: Row) -> dict[str, int]:
    """What one appointment adds to its day's counters."""
    billed = row["status"] not in st.UNBILLED
    counts = {
        "total": 1,
        f"n_{row['status']}": 1,
        "booked_revenue_cents": row["total_cents"] if billed else 0,
        "completed_revenue_cents": row["total_cents"] if row["status"] == st.COMPLETED else 0,
    }
    counts.update({column: row[column] for column in STAY_COLUMNS})
    return counts


class StatsProjection(RowProjection):
    name = "stats"
    topics = BoardProjection.topics
    tables: ClassVar[tuple[Table, ...]] = (STATS_APPOINTMENTS, STATS)

    def fold(self, row: Row | None, event: Event) -> Row:
        board_row = BoardProjection(self.timezone).fold(row, event)
        folded = {column: board_row[column] for column in STATS_APPOINTMENTS.columns[:7]}
        folded["version"] = event.originator_version
        for column in STAY_COLUMNS:
            folded[column] = 0 if row is None else row[column]
        if isinstance(event, Appointment.Moved) and event.from_status in st.TIMED:
            assert row is not None
            stay = event.timestamp - parse_utc_text(row["status_since"])
            folded[f"stay_us_{event.from_status}"] += stay // _MICROSECOND
            folded[f"stays_{event.from_status}"] += 1
        return folded

    def apply(self, cursor: Cursor, generation: int, events: Sequence[Event]) -> None:
        before, after = self.fold_batch(cursor, generation, events)
        STATS_APPOINTMENTS.upsert(cursor, generation, list(after.values()))
        deltas: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for key, row in after.items():
            if key in before:
                old = before[key]
                for column, value in contribution(old).items():
                    deltas[(old["location_id"], old["day"])][column] -= value
            for column, value in contribution(row).items():
                deltas[(row["location_id"], row["day"])][column] += value
        self.add(cursor, generation, deltas)

    def in_memory(self) -> MemoryFold:
        return StatsFold(self)

    def add(
        self, cursor: Cursor, generation: int, deltas: dict[tuple[str, str], dict[str, int]]
    ) -> None:
        name = STATS.name(generation)
        increments = ", ".join(f"{c} = {name}.{c} + excluded.{c}" for c in COUNTERS)
        rows = [(*key, *(delta.get(c, 0) for c in COUNTERS)) for key, delta in deltas.items()]
        marks = f"(?, ?, {', '.join('?' * len(COUNTERS))})"
        upsert_rows(  # each day once: the deltas are keyed by it
            cursor,
            rows,
            lambda count: (
                f"INSERT INTO {name} (location_id, day, {', '.join(COUNTERS)})"
                f" VALUES {', '.join([marks] * count)}"
                f" ON CONFLICT (location_id, day) DO UPDATE SET {increments}"
            ),
        )
        # A day whose last appointment moved away reads as no row; deleting it keeps the
        # table the same however the log was batched, so a rebuild finds no difference.
        emptied = [key for key, delta in deltas.items() if delta.get("total", 0) < 0]
        if emptied:
            cursor.executemany(
                f"DELETE FROM {name} WHERE location_id = ? AND day = ? AND total = 0", emptied
            )


class StatsFold(RowFold):
    def tables(self) -> dict[str, Keyed]:
        totals: dict[tuple[str, str], dict[str, Any]] = {}
        for row in self.rows.values():
            bucket = totals.setdefault(
                (row["location_id"], row["day"]),
                {
                    "location_id": row["location_id"],
                    "day": row["day"],
                    **dict.fromkeys(COUNTERS, 0),
                },
            )
            for column, value in contribution(row).items():
                bucket[column] += value
        return {**super().tables(), STATS.stem: STATS.keyed(totals.values())}


def is_empty_bucket(values: tuple[Any, ...]) -> bool:
    """A day every appointment has left: stored incrementally as zeros, absent from scratch."""
    return not any(values[2:])
