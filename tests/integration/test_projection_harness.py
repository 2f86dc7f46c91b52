"""What the read-side tests share: a status board and its read side on one store.

This module holds builders only; the tests that use them live beside it and in
``tests/property``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

from application.statusboard import Outcome, StatusBoard
from domain.appointment import Appointment
from domain.moment import occurring_at
from domain.stamp import Stamp
from projections.base import Projection
from projections.board import Board
from projections.catalog import build_projections
from projections.follower import Follower
from projections.readside import ReadSide
from projections.rebuild import Rebuild
from projections.runner import Runner
from projections.schema import create_tables, live_generation
from projections.stats import Stats
from storage.eventstore import store_env

NINE = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)
DAY = NINE.date()
BOOKED_AT = NINE - timedelta(days=2)
LOCATION = "main-street"
ADMIN = Stamp(actor="admin", request_id="req-admin")
DESK = Stamp(actor="front-desk", request_id="req-desk")

CATALOG_FIELDS = ("code", "name", "category", "price_cents", "duration_minutes")
CATALOG = (
    ("CUT", "Haircut", "Hair", 2500, 30),
    ("WASH", "Wash", "Hair", 800, 15),
    ("NAILS", "Manicure", "Nails", 3000, 45),
)


def minutes(count: float) -> timedelta:
    return timedelta(minutes=count)


def stock(app: StatusBoard) -> None:
    with occurring_at(BOOKED_AT - timedelta(days=30)):
        for row in CATALOG:
            app.add_service(**dict(zip(CATALOG_FIELDS, row, strict=True)), stamp=ADMIN)


class ReadModel:
    """A stocked status board and its read side, with projections folded when asked."""

    def __init__(self, url: str, timezone: str = "UTC", *, stocked: bool = True) -> None:
        self.url = url
        self.timezone = timezone
        self.app = StatusBoard(store_env(url))
        self.read_side = ReadSide.open(url, timezone=timezone)
        self.store = self.read_side.store
        create_tables(self.store, timezone)
        self.projections: dict[str, Projection] = build_projections(timezone)
        if stocked:
            stock(self.app)

    def close(self) -> None:
        self.read_side.close()
        self.app.close()

    def runner(self, **options: Any) -> Runner:
        """A runner over every projection of this read side, not yet started."""
        return Runner(self.app, self.store, self.projections.values(), self.url, **options)

    # Commands, at known moments so stays and days are deterministic.

    def book(
        self,
        customer: str = "Ada Lovelace",
        *,
        starts_at: datetime = NINE,
        services: Iterable[tuple[str, int]] = (("CUT", 1),),
        staff: dict[str, str] | None = None,
        location: str = LOCATION,
        at: datetime = BOOKED_AT,
    ) -> UUID:
        with occurring_at(at):
            outcome = self.app.book_appointment(
                location_id=location,
                starts_at=starts_at,
                customer={"name": customer},
                services=[{"code": code, "quantity": quantity} for code, quantity in services],
                staff=staff,
                stamp=DESK,
                # The read models show whatever was booked: hours and overlaps are not theirs.
                allow_outside_hours=True,
                allow_overlap=True,
            )
        return outcome.aggregate.id

    def move(
        self, ident: UUID, to_status: str, at: datetime, reason: str | None = None
    ) -> Outcome[Appointment]:
        with occurring_at(at):
            return self.app.move_appointment(
                ident,
                to_status,
                reason,
                expected_version=self.version(ident),
                stamp=DESK,
                allow_overlap=True,  # a reopening may hold staff someone took meanwhile
            )

    def walk(self, ident: UUID, *steps: tuple[str, datetime]) -> None:
        """Moves the card through ``(status, when)`` steps; reopening gives a reason."""
        for to_status, at in steps:
            self.move(ident, to_status, at, reason="reopened")

    def edit(self, ident: UUID, at: datetime = BOOKED_AT, **fields: Any) -> None:
        with occurring_at(at):
            self.app.edit_appointment(
                ident,
                expected_version=self.version(ident),
                stamp=DESK,
                allow_outside_hours=True,
                allow_overlap=True,
                **fields,
            )

    def version(self, ident: UUID) -> int:
        return self.app.get_appointment(ident).version

    # The read side.

    def catch_up(self, *, batch_size: int = 1000, generation: int | None = None) -> None:
        for projection in self.projections.values():
            Follower(self.app, self.store, projection, generation, batch_size).catch_up()

    def board(self, day: date = DAY, location: str = LOCATION, staff: str | None = None) -> Board:
        self.catch_up()
        return self.read_side.board(location, day, staff)

    def stats(self, day: date = DAY, location: str = LOCATION) -> Stats:
        self.catch_up()
        return self.read_side.stats(location, day)

    def live_generation(self, name: str) -> int:
        with self.store.transaction(write=False) as cursor:
            return live_generation(cursor, name)

    def rows(self, name: str, generation: int | None = None) -> dict[str, dict[Any, Any]]:
        """Every row of a projection's tables in one generation (the live one by default)."""
        projection = self.projections[name]
        generation = self.live_generation(name) if generation is None else generation
        with self.store.transaction(write=False) as cursor:
            return {table.stem: table.all_rows(cursor, generation) for table in projection.tables}

    def rebuild(self, name: str, *, dry_run: bool = False, batch_size: int = 5000) -> Any:
        return Rebuild(self.app, self.store, self.projections[name], batch_size).run(
            dry_run=dry_run
        )
