"""Zero-downtime rebuild: fill a new generation from the start of the log while the live one
serves, catch up, compare, and switch in one transaction.

An interrupted rebuild leaves the live generation untouched; running it again resumes the
generation it was building.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from application.statusboard import StatusBoard
from projections.base import Keyed, Projection, Table
from projections.follower import Follower, catch_up_within
from projections.schema import live_generation, tracked_position
from projections.shape import missing_columns
from storage.sql import Cursor, SqlStore


@dataclass
class TableDiff:
    table: str
    columns: tuple[str, ...]
    added: list[tuple[Any, ...]] = field(default_factory=list)
    changed: list[tuple[tuple[Any, ...], tuple[Any, ...]]] = field(default_factory=list)
    removed: list[tuple[Any, ...]] = field(default_factory=list)


@dataclass
class RebuildReport:
    projection: str
    generation: int
    previous_generation: int
    position: int
    events: int
    seconds: float
    diffs: list[TableDiff]
    switched: bool

    @property
    def rate(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0

    def counts(self) -> tuple[int, int, int]:
        return (
            sum(len(d.added) for d in self.diffs),
            sum(len(d.changed) for d in self.diffs),
            sum(len(d.removed) for d in self.diffs),
        )


@dataclass
class Rebuild:
    app: StatusBoard
    store: SqlStore
    projection: Projection
    batch_size: int = 5000

    @property
    def lock(self) -> str:
        return " FOR UPDATE" if self.store.dialect == "postgres" else ""

    def prepare(self) -> tuple[int, int, int]:
        """The generation to build (resumed if one was begun), where it is, and the head."""
        name = self.projection.name
        with self.store.transaction() as cursor:
            cursor.execute(
                "SELECT live_generation, building_generation FROM projection_state"
                f" WHERE projection = ?{self.lock}",
                (name,),
            )
            live, building = cursor.fetchone()
            if building is None:
                building = self._fresh_generation(cursor, live)
            position = tracked_position(cursor, name, building, self.app.name) or 0
        return building, position, self.app.head_position()

    def run(
        self, *, dry_run: bool = False, progress: Callable[[int], None] | None = None
    ) -> RebuildReport:
        started = time.monotonic()
        generation, start, _ = self.prepare()
        builder = Follower(self.app, self.store, self.projection, generation, self.batch_size)
        builder.catch_up(None, progress)
        with self.store.reads() as cursor:
            live = live_generation(cursor, self.projection.name)
        # Tables of an older shape (a column added since) can neither fold nor be read whole.
        missing = frozenset(missing_columns(self.store, self.projection, live))
        with self.store.transaction() as cursor:
            return self._finish(cursor, builder, generation, (start, started), dry_run, missing)

    def _finish(
        self,
        cursor: Cursor,
        builder: Follower,
        generation: int,
        begun: tuple[int, float],
        dry_run: bool,
        missing: frozenset[str] = frozenset(),
    ) -> RebuildReport:
        """Holding the state row, brings both generations to the head, compares and switches."""
        name, (start, started) = self.projection.name, begun
        cursor.execute(
            f"SELECT live_generation FROM projection_state WHERE projection = ?{self.lock}",
            (name,),
        )
        live = int(cursor.fetchone()[0])
        head = self.app.head_position()
        position = catch_up_within(builder, cursor, generation, head, self.lock)
        if not missing:
            live_follower = Follower(self.app, self.store, self.projection, live, self.batch_size)
            catch_up_within(live_follower, cursor, live, head, self.lock)
        diffs = [
            self._diff(cursor, table, (live, generation), missing)
            for table in self.projection.tables
        ]
        if dry_run:
            self._drop(cursor, generation)
            cursor.execute(
                "UPDATE projection_state SET building_generation = NULL WHERE projection = ?",
                (name,),
            )
        else:
            cursor.execute(
                "UPDATE projection_state SET live_generation = ?, building_generation = NULL,"
                " stopped_reason = NULL, stopped_position = NULL WHERE projection = ?",
                (generation, name),
            )
        return RebuildReport(
            projection=name,
            generation=generation,
            previous_generation=live,
            position=position,
            events=position - start,
            seconds=time.monotonic() - started,
            diffs=diffs,
            switched=not dry_run,
        )

    def _fresh_generation(self, cursor: Cursor, live: int) -> int:
        """Drops every generation but the live one, then creates the next."""
        cursor.execute(
            "SELECT DISTINCT generation FROM projection_tracking WHERE projection = ?",
            (self.projection.name,),
        )
        known = {int(row[0]) for row in cursor.fetchall()} | {live - 1}
        for old in known - {live}:
            if old > 0:
                self._drop(cursor, old)
        generation = max(known | {live}) + 1
        for statement in self.projection.ddl(generation):
            cursor.execute(statement)
        cursor.execute(
            "UPDATE projection_state SET building_generation = ? WHERE projection = ?",
            (generation, self.projection.name),
        )
        return generation

    def _drop(self, cursor: Cursor, generation: int) -> None:
        self.projection.drop(cursor, generation)
        cursor.execute(
            "DELETE FROM projection_tracking WHERE projection = ? AND generation = ?",
            (self.projection.name, generation),
        )

    @staticmethod
    def _diff(
        cursor: Cursor, table: Table, generations: tuple[int, int], missing: frozenset[str]
    ) -> TableDiff:
        """What the rebuilt rows change; a column the live table lacks reads there as None."""
        live, generation = generations
        old, new = _rows(cursor, table, live, missing), table.all_rows(cursor, generation)
        return TableDiff(
            table=table.stem,
            columns=table.columns,
            added=[new[k] for k in new.keys() - old.keys()],
            changed=[(old[k], new[k]) for k in new.keys() & old.keys() if old[k] != new[k]],
            removed=[old[k] for k in old.keys() - new.keys()],
        )


def _rows(cursor: Cursor, table: Table, generation: int, missing: frozenset[str]) -> Keyed:
    name = table.name(generation)
    present = [c for c in table.columns if f"{name}.{c}" not in missing]
    if len(present) == len(table.columns):
        return table.all_rows(cursor, generation)
    cursor.execute(f"SELECT {', '.join(present)} FROM {name}")
    rows = [dict(zip(present, values, strict=True)) for values in cursor.fetchall()]
    return table.keyed([{c: row.get(c) for c in table.columns} for row in rows])
