"""Folding the log bit by bit, as the runner does, ends where folding it all at once ends.

A state machine drives the status board with random commands at increasing times, and
catches the board and stats up in small batches whenever it likes. At the end, a fresh
follower on another generation and a full rebuild must both find exactly the same rows.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import psycopg
import pytest
from hypothesis import HealthCheck, note, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    MultipleResults,
    RuleBasedStateMachine,
    initialize,
    multiple,
    rule,
    run_state_machine_as_test,
)
from psycopg import sql

from domain import status
from domain.errors import FieldError, InvalidTransitionError
from domain.moment import occurring_at
from projections.follower import Follower
from tests.integration.test_projection_harness import DESK, NINE, ReadModel, minutes

#: A database for one example: its URL, and how to throw it away.
Databases = Callable[[], tuple[str, Callable[[], None]]]

BATCH = 3
STAFF = st.sampled_from([None, {"id": "s-1", "name": "Grace"}, {"id": "s-2", "name": "Alan"}])
CODES = st.sampled_from(["CUT", "WASH", "NAILS"])
LINES = st.lists(
    st.tuples(CODES, st.integers(1, 2)), min_size=1, max_size=2, unique_by=lambda line: line[0]
)
GAPS = st.integers(1, 90)
STARTS = st.builds(
    lambda day, slot: NINE + timedelta(days=day, minutes=30 * slot),
    st.integers(-1, 2),
    st.integers(-20, 30),
)
BOOKINGS = st.fixed_dictionaries(
    {
        "customer": st.sampled_from(["Ada", "Bob", "Cy"]),
        "location": st.sampled_from(["north", "south"]),
        "starts_at": STARTS,
        "lines": LINES,
        "staff": STAFF,
        "gap": GAPS,
    }
)
IGNORED = (InvalidTransitionError, FieldError)


class IncrementalEqualsRebuilt(RuleBasedStateMachine):
    databases: Databases
    appointments = Bundle("appointments")

    def __init__(self) -> None:
        super().__init__()
        self.url, self.drop = self.databases()
        self.model = ReadModel(self.url)
        self.clock = NINE - timedelta(days=3)
        self.booked = 0

    def at(self, gap: int) -> datetime:
        self.clock += minutes(gap)
        return self.clock

    @initialize(target=appointments, bookings=st.lists(BOOKINGS, min_size=2, max_size=4))
    def open_the_day(self, bookings: list[dict[str, Any]]) -> MultipleResults[UUID]:
        return multiple(*(self.book(**booking) for booking in bookings))

    @rule(target=appointments, booking=BOOKINGS)
    def book_another(self, booking: dict[str, Any]) -> UUID:
        return self.book(**booking)

    def book(
        self,
        customer: str,
        location: str,
        starts_at: datetime,
        lines: list[tuple[str, int]],
        staff: dict[str, str] | None,
        gap: int,
    ) -> UUID:
        self.booked += 1
        return self.model.book(
            customer,
            starts_at=starts_at,
            services=lines,
            staff=staff,
            location=location,
            at=self.at(gap),
        )

    @rule(ident=appointments, data=st.data(), gap=GAPS)
    def move_allowed(self, ident: UUID, data: st.DataObject, gap: int) -> None:
        current = self.model.app.get_appointment(ident)
        target = data.draw(st.sampled_from(current.allowed_moves()), label="to_status")
        self.model.move(ident, target, self.at(gap), reason="reopened")

    @rule(ident=appointments, to_status=st.sampled_from(status.STATUSES), gap=GAPS)
    def move_any(self, ident: UUID, to_status: str, gap: int) -> None:
        try:
            self.model.move(ident, to_status, self.at(gap))
        except IGNORED as error:
            note(f"refused: {error}")

    @rule(ident=appointments, notes=st.sampled_from(["", "VIP", "Running late"]), gap=GAPS)
    def edit_notes(self, ident: UUID, notes: str, gap: int) -> None:
        self.model.edit(ident, self.at(gap), notes=notes)

    @rule(ident=appointments, staff=STAFF, gap=GAPS)
    def assign(self, ident: UUID, staff: dict[str, str] | None, gap: int) -> None:
        self.model.edit(ident, self.at(gap), staff=staff)

    @rule(ident=appointments, starts_at=STARTS, gap=GAPS)
    def reschedule(self, ident: UUID, starts_at: datetime, gap: int) -> None:
        self.model.edit(ident, self.at(gap), starts_at=starts_at)

    @rule(ident=appointments, line=st.tuples(CODES, st.integers(1, 3)), gap=GAPS)
    def add_line(self, ident: UUID, line: tuple[str, int], gap: int) -> None:
        with occurring_at(self.at(gap)):
            self.model.app.add_service_line(
                ident, *line, expected_version=self.model.version(ident), stamp=DESK
            )

    @rule(ident=appointments, data=st.data(), gap=GAPS)
    def remove_line(self, ident: UUID, data: st.DataObject, gap: int) -> None:
        current = self.model.app.get_appointment(ident)
        lines = [line["service_id"] for line in current.service_lines]
        service_id = data.draw(st.sampled_from(lines), label="service_id")
        with occurring_at(self.at(gap)):
            try:
                self.model.app.remove_service_line(
                    ident, service_id, expected_version=current.version, stamp=DESK
                )
            except FieldError as error:
                note(f"refused: {error}")

    @rule()
    def catch_up(self) -> None:
        self.model.catch_up(batch_size=BATCH)

    def teardown(self) -> None:
        try:
            self.model.catch_up(batch_size=BATCH)
            for name in ("board", "stats"):
                self.check(name)
        finally:
            self.model.close()
            self.drop()

    def check(self, name: str) -> None:
        incremental = self.model.rows(name)
        fresh = self.model.projections[name]
        with self.model.store.transaction() as cursor:
            for statement in fresh.ddl(2):
                cursor.execute(statement)
        Follower(self.model.app, self.model.store, fresh, 2).catch_up()
        assert self.model.rows(name, 2) == incremental

        report = self.model.rebuild(name)
        assert report.counts() == (0, 0, 0), report.diffs
        assert report.switched and self.model.live_generation(name) == report.generation
        assert self.model.rows(name) == incremental
        self.count(name, incremental)

    def count(self, name: str, rows: dict[str, dict[Any, Any]]) -> None:
        """Exactly one row per booking, and day totals that add up to the bookings."""
        if name == "board":
            assert len(rows["board"]) == self.booked
        else:
            assert sum(row[2] for row in rows["stats"].values()) == self.booked


def run_on(databases: Databases, max_examples: int) -> None:
    machine = type("Machine", (IncrementalEqualsRebuilt,), {"databases": staticmethod(databases)})
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=max_examples,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )


@pytest.fixture
def sqlite_databases(tmp_path: Path) -> Databases:
    """A new SQLite file for each example."""
    numbers = itertools.count()

    def create() -> tuple[str, Callable[[], None]]:
        path = tmp_path / f"example-{next(numbers)}.sqlite3"

        def drop() -> None:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)

        return f"sqlite:///{path}", drop

    return create


@pytest.fixture
def postgres_databases(postgres_server_url: str) -> Iterator[Databases]:
    """A new PostgreSQL database for each example, dropped when the example ends."""

    def admin(statement: sql.Composed) -> None:
        with psycopg.connect(f"{postgres_server_url}/postgres", autocommit=True) as connection:
            connection.execute(statement)

    def create() -> tuple[str, Callable[[], None]]:
        name = f"statusboard_test_{uuid4().hex}"
        admin(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))

        def drop() -> None:
            admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

        return f"{postgres_server_url}/{name}", drop

    yield create


class TestIncrementalProjectionsEqualARebuild:
    def test_on_sqlite(self, sqlite_databases: Databases) -> None:
        run_on(sqlite_databases, max_examples=25)

    @pytest.mark.postgres
    def test_on_postgres(self, postgres_databases: Databases) -> None:
        run_on(postgres_databases, max_examples=15)
