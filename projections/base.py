"""What every projection is: a set of tables per generation and a batch fold over events."""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from eventsourcing.utils import get_topic

from storage.sql import Cursor

Row = dict[str, Any]
Event = Any


class UnprocessableEventError(Exception):
    """An event a projection cannot fold; the runner stops that projection on it."""


def utc_text(moment: datetime) -> str:
    """Times are stored as fixed-width UTC text, so text order is time order on both databases."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def parse_utc_text(text: str) -> datetime:
    return datetime.fromisoformat(text)


def local_day(moment: datetime, timezone: ZoneInfo) -> str:
    return moment.astimezone(timezone).date().isoformat()


def dumps(value: object) -> str:
    return json.dumps(value, separators=(",", ":"))


def topics(*classes: type) -> tuple[str, ...]:
    return tuple(get_topic(cls) for cls in classes)


#: The most parameters one upsert statement binds (SQLite's limit was 999 before 3.32).
UPSERT_PARAMETERS = 900


def upsert_rows(
    cursor: Cursor, values: Sequence[tuple[Any, ...]], statement: Callable[[int], str]
) -> None:
    """Upserts ``values`` (each key once) with ``statement(n)``, an upsert of ``n`` rows.

    A few rows (a runner's round) are one statement: one round trip instead of one a row. More
    than one statement holds (a rebuild's batch) go through ``executemany``, which psycopg
    pipelines with one prepared statement, faster for many rows (docs/BENCHMARKS.md, "Rebuild
    throughput, kept").
    """
    if not values:
        return
    if len(values) * len(values[0]) > UPSERT_PARAMETERS:
        cursor.executemany(statement(1), values)
    else:
        cursor.execute(statement(len(values)), [value for row in values for value in row])


@dataclass(frozen=True)
class Table:
    """A read-model table: its columns in order, the first ``key`` of them its primary key."""

    stem: str
    columns: tuple[str, ...]
    types: tuple[str, ...]
    key: int = 1
    indexes: tuple[tuple[str, ...], ...] = ()

    def name(self, generation: int) -> str:
        return f"{self.stem}_g{generation}"

    def ddl(self, generation: int) -> list[str]:
        name = self.name(generation)
        cols = ", ".join(f"{c} {t}" for c, t in zip(self.columns, self.types, strict=True))
        pkey = ", ".join(self.columns[: self.key])
        statements = [f"CREATE TABLE IF NOT EXISTS {name} ({cols}, PRIMARY KEY ({pkey}))"]
        for number, index in enumerate(self.indexes):
            statements.append(
                f"CREATE INDEX IF NOT EXISTS {name}_i{number} ON {name} ({', '.join(index)})"
            )
        return statements

    def load(self, cursor: Cursor, generation: int, keys: Iterable[str]) -> dict[str, Row]:
        """Rows by their (single-column) key."""
        rows: dict[str, Row] = {}
        wanted = list(keys)
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            cursor.execute(
                f"SELECT {', '.join(self.columns)} FROM {self.name(generation)}"
                f" WHERE {self.columns[0]} IN ({marks})",
                chunk,
            )
            for values in cursor.fetchall():
                rows[values[0]] = dict(zip(self.columns, values, strict=True))
        return rows

    def upsert(self, cursor: Cursor, generation: int, rows: Sequence[Row]) -> None:
        """Inserts or replaces ``rows``, a later row for a key over an earlier one, as one
        statement per chunk of rows: a batch's rows are one statement for the database to run,
        not one each (both SQLite and PostgreSQL take several rows in one upsert, each key
        once)."""
        if not rows:
            return
        latest = {tuple(row[c] for c in self.columns[: self.key]): row for row in rows}
        values = [tuple(row[c] for c in self.columns) for row in latest.values()]
        upsert_rows(cursor, values, lambda count: self._upsert(generation, count))

    def _upsert(self, generation: int, count: int) -> str:
        pkey = ", ".join(self.columns[: self.key])
        updates = ", ".join(f"{c} = excluded.{c}" for c in self.columns[self.key :])
        marks = "(" + ", ".join("?" * len(self.columns)) + ")"
        return (
            f"INSERT INTO {self.name(generation)} ({', '.join(self.columns)})"
            f" VALUES {', '.join([marks] * count)}"
            f" ON CONFLICT ({pkey}) DO UPDATE SET {updates}"
        )

    def keyed(self, rows: Iterable[Row]) -> dict[tuple[Any, ...], tuple[Any, ...]]:
        return {
            tuple(row[c] for c in self.columns[: self.key]): tuple(row[c] for c in self.columns)
            for row in rows
        }

    def all_rows(self, cursor: Cursor, generation: int) -> dict[tuple[Any, ...], tuple[Any, ...]]:
        cursor.execute(f"SELECT {', '.join(self.columns)} FROM {self.name(generation)}")
        return {tuple(values[: self.key]): tuple(values) for values in cursor.fetchall()}


class Projection(ABC):
    """Folds batches of events into its tables, inside the caller's transaction."""

    name: ClassVar[str]
    topics: ClassVar[tuple[str, ...]]
    tables: ClassVar[tuple[Table, ...]]

    def __init__(self, timezone: ZoneInfo) -> None:
        self.timezone = timezone

    def ddl(self, generation: int) -> list[str]:
        return [statement for table in self.tables for statement in table.ddl(generation)]

    def drop(self, cursor: Cursor, generation: int) -> None:
        for table in self.tables:
            cursor.execute(f"DROP TABLE IF EXISTS {table.name(generation)}")

    @abstractmethod
    def apply(self, cursor: Cursor, generation: int, events: Sequence[Event]) -> None: ...

    @abstractmethod
    def in_memory(self) -> MemoryFold:
        """The same fold kept in memory, to check stored rows against."""


Keyed = dict[tuple[Any, ...], tuple[Any, ...]]


class MemoryFold(ABC):
    @abstractmethod
    def add(self, events: Sequence[Event]) -> None: ...

    @abstractmethod
    def tables(self) -> dict[str, Keyed]:
        """Rows by table stem, keyed like ``Table.all_rows``."""


class RowFold(MemoryFold):
    def __init__(self, projection: RowProjection) -> None:
        self.projection = projection
        self.rows: dict[str, Row] = {}

    def add(self, events: Sequence[Event]) -> None:
        rows, fold = self.rows, self.projection.fold
        for event in events:
            key = str(event.originator_id)
            rows[key] = fold(rows.get(key), event)

    def tables(self) -> dict[str, Keyed]:
        table = self.projection.tables[0]
        return {table.stem: table.keyed(self.rows.values())}


class RowProjection(Projection):
    """A projection whose main table holds one row per aggregate, folded event by event."""

    @abstractmethod
    def fold(self, row: Row | None, event: Event) -> Row: ...

    def fold_batch(
        self, cursor: Cursor, generation: int, events: Sequence[Event]
    ) -> tuple[dict[str, Row], dict[str, Row]]:
        """Rows before and after the batch, for the aggregates it touches."""
        table = self.tables[0]
        before = table.load(cursor, generation, {str(e.originator_id) for e in events})
        after = dict(before)
        for event in events:
            key = str(event.originator_id)
            after[key] = self.fold(after.get(key), event)
        return before, after

    def apply(self, cursor: Cursor, generation: int, events: Sequence[Event]) -> None:
        _, after = self.fold_batch(cursor, generation, events)
        self.tables[0].upsert(cursor, generation, list(after.values()))

    def in_memory(self) -> MemoryFold:
        return RowFold(self)


def unprocessable(projection: str, event: Event) -> UnprocessableEventError:
    return UnprocessableEventError(f"{projection} cannot process {type(event).__qualname__}")


def today(timezone: ZoneInfo) -> date:
    return datetime.now(timezone).date()
