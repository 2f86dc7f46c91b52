"""Checking stored read models against the events: replay, recompute, compare.

Stored rows and their position are read in one snapshot; the log is then replayed up to that
position in memory, so a runner working meanwhile cannot cause false alarms.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.utils import get_topic

from application.statusboard import StatusBoard
from domain.appointment import Appointment
from projections.base import Keyed, Projection
from projections.schema import live_generation, tracked_position
from projections.stats import STATS, is_empty_bucket
from storage.sql import SqlStore


@dataclass(frozen=True)
class Drift:
    projection: str
    table: str
    key: tuple[Any, ...]
    stored: tuple[Any, ...] | None
    expected: tuple[Any, ...] | None
    columns: tuple[str, ...]

    @property
    def kind(self) -> str:
        if self.stored is None:
            return "missing"
        return "unexpected" if self.expected is None else "different"

    def describe(self) -> str:
        where = f"{self.projection}/{self.table} {', '.join(map(str, self.key))}"
        if self.kind != "different":
            return f"{where}: {self.kind} row {self.stored or self.expected}"
        assert self.stored is not None and self.expected is not None
        changes = "; ".join(
            f"{column} stored {stored!r}, events say {expected!r}"
            for column, stored, expected in zip(
                self.columns, self.stored, self.expected, strict=True
            )
            if stored != expected
        )
        return f"{where}: {changes}"


@dataclass
class VerifyReport:
    position: int
    events: int
    drifts: list[Drift]


def verify_all(
    app: StatusBoard,
    store: SqlStore,
    projections: Iterable[Projection],
    *,
    progress: Callable[[int], None] | None = None,
    batch_size: int = 10_000,
) -> VerifyReport:
    chosen = list(projections)
    stored, positions = _stored(store, app.name, chosen)
    folds = {p.name: p.in_memory() for p in chosen}
    topics = sorted({topic for p in chosen for topic in p.topics})
    done = 0
    for notifications in _batches(app, topics, max(positions.values(), default=0), batch_size):
        events = [app.mapper.to_domain_event(n) for n in notifications]
        for projection in chosen:
            position, mine = positions[projection.name], set(projection.topics)
            folds[projection.name].add(
                [
                    event
                    for notification, event in zip(notifications, events, strict=True)
                    if notification.id <= position and notification.topic in mine
                ]
            )
        done = notifications[-1].id
        if progress is not None:
            progress(len(notifications))
    drifts = [
        drift
        for projection in chosen
        for drift in _compare(projection, stored[projection.name], folds[projection.name].tables())
    ]
    return VerifyReport(position=max(positions.values(), default=0), events=done, drifts=drifts)


def verify_appointments(
    app: StatusBoard, store: SqlStore, projections: Iterable[Projection], ids: Iterable[UUID]
) -> VerifyReport:
    """Checks the rows of the given appointments in the read models folded from their events
    (per-day totals, and the models folded from other aggregates, need ``verify_all``)."""
    chosen = [p for p in projections if get_topic(Appointment.Booked) in p.topics]
    stored, positions = _stored(store, app.name, chosen)
    drifts: list[Drift] = []
    count = 0
    for ident in ids:
        events = list(app.events.get(ident))
        count += len(events)
        for projection in chosen:
            fold = projection.in_memory()
            fold.add(events)
            mine = _of(ident, stored[projection.name])
            drifts += _compare(projection, mine, _of(ident, fold.tables()))
    return VerifyReport(position=max(positions.values(), default=0), events=count, drifts=drifts)


def _of(ident: UUID, tables: dict[str, Keyed]) -> dict[str, Keyed]:
    """The rows keyed by the appointment ``ident`` (not those of a location or a day)."""
    return {
        stem: {key: row for key, row in rows.items() if str(ident) in map(str, key)}
        for stem, rows in tables.items()
    }


def _stored(
    store: SqlStore, application_name: str, projections: list[Projection]
) -> tuple[dict[str, dict[str, Keyed]], dict[str, int]]:
    stored: dict[str, dict[str, Keyed]] = {}
    positions: dict[str, int] = {}
    with store.snapshot() as cursor:
        for projection in projections:
            generation = live_generation(cursor, projection.name)
            positions[projection.name] = (
                tracked_position(cursor, projection.name, generation, application_name) or 0
            )
            stored[projection.name] = {
                table.stem: table.all_rows(cursor, generation) for table in projection.tables
            }
    return stored, positions


def _batches(
    app: StatusBoard, topics: list[str], stop: int, batch_size: int
) -> Iterator[list[Any]]:
    start = 1
    while start <= stop:
        notifications = app.recorder.select_notifications(
            start=start, limit=batch_size, stop=stop, topics=topics
        )
        if not notifications:
            return
        yield list(notifications)
        start = notifications[-1].id + 1


def _compare(
    projection: Projection, stored: dict[str, Keyed], expected: dict[str, Keyed]
) -> list[Drift]:
    drifts = []
    for table in projection.tables:
        have, want = stored.get(table.stem, {}), expected.get(table.stem, {})
        if table.stem == STATS.stem:
            have = {k: v for k, v in have.items() if not is_empty_bucket(v)}
        for key in sorted(have.keys() | want.keys(), key=str):
            if have.get(key) != want.get(key):
                drifts.append(
                    Drift(
                        projection.name,
                        table.stem,
                        key,
                        have.get(key),
                        want.get(key),
                        table.columns,
                    )
                )
    return drifts
