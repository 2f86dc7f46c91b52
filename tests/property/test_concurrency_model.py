"""Web workers on one PostgreSQL database, beside a small model of SPEC §4 that predicts answers.

Two ``StatusBoard`` workers, each with its own connection pool and aggregate cache, take books,
moves, edits and service-line changes from three clients. A client sends the version it last
saw, the current one, an older one or one that does not exist yet, with or without an
idempotency key. The model says what must come back: applied, a no-op, a conflict naming the
change that won, an invalid transition with the allowed targets, a version ahead, a refused
field, a reused key, or a staff member double-booked (SPEC §12): bookings, reschedules,
reassignments and reopenings race for two staff members' few slots, and cancelling frees
them. One rule races two workers on one appointment at the same moment; the
answers must be those of one of the two serial orders.

After every step the log must hold each acknowledged event exactly once, at contiguous
versions, and no two active appointments of a staff member may overlap unless one was held
with ``allow_overlap``. At the end the board, the stats and a replay of the log must agree
with the model.
"""

from __future__ import annotations

import contextlib
import copy
import os
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar
from uuid import UUID, uuid4

import psycopg
import pytest
from eventsourcing.persistence import OperationalError
from hypothesis import HealthCheck, note, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    MultipleResults,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    precondition,
    rule,
    run_state_machine_as_test,
)
from psycopg import sql

from application.errors import ConflictError, IdempotencyKeyReusedError, VersionAheadError
from application.idempotency import IdempotencyRecord
from application.statusboard import Outcome, StatusBoard
from domain.appointment import Appointment
from domain.errors import FieldError, InvalidTransitionError, StaffDoubleBookedError
from domain.schedule import Schedule
from domain.service import service_id_for
from domain.stamp import Stamp
from projections.catalog import build_projections
from projections.follower import Follower
from projections.readside import ReadSide
from projections.schema import create_tables
from projections.verify import verify_all
from storage.eventstore import StoreOptions, store_env
from tests.integration.test_projection_harness import CATALOG, stock

FACTOR = max(1, int(os.environ.get("STATUSBOARD_STRESS_FACTOR", "1")))
MAX_EXAMPLES = 25 * FACTOR
STEPS = 50 + 2 * (FACTOR - 1)

T = TypeVar("T")

#: What the runs saw, summed over every example: printed at the end of the test.
FIGURES: Counter[str] = Counter()

# The model's own copy of SPEC §3, so a slip in the domain's table cannot hide here.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "scheduled": ("checked_in", "cancelled", "no_show"),
    "checked_in": ("in_progress", "scheduled", "cancelled"),
    "in_progress": ("ready", "checked_in", "cancelled"),
    "ready": ("completed", "in_progress"),
    "completed": ("ready",),
    "cancelled": ("scheduled",),
    "no_show": ("scheduled", "checked_in"),
}
STATUSES = tuple(TRANSITIONS)
NEEDS_REASON = frozenset({"completed", "cancelled", "no_show"})
UNBILLED = frozenset({"cancelled", "no_show"})
#: Statuses in which an appointment takes nobody's time.
INACTIVE = UNBILLED
PRICE = {code: price for code, _, _, price, _ in CATALOG}
TITLE = {code: name for code, name, _, _, _ in CATALOG}
MINUTES = {code: duration for code, _, _, _, duration in CATALOG}

NINE = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)
DAYS = (NINE.date(), NINE.date() + timedelta(days=1))
LOCATIONS = ("north", "south")
CLIENTS = ("ann", "bob", "cat")
WORKERS = 2

client_s = st.sampled_from(CLIENTS)
worker_s = st.integers(0, WORKERS - 1)
starts_s = st.builds(
    lambda day, slot: NINE + timedelta(days=day, minutes=30 * slot),
    st.integers(0, len(DAYS) - 1),
    st.integers(0, 3),
)
staff_s = st.sampled_from([None, {"id": "s-1", "name": "Grace"}, {"id": "s-2", "name": "Alan"}])
notes_s = st.sampled_from(["", "VIP", "Running late"])
code_s = st.sampled_from([code for code, *_ in CATALOG])
lines_s = st.lists(
    st.tuples(code_s, st.integers(1, 2)), min_size=1, max_size=2, unique_by=lambda line: line[0]
).map(tuple)
reason_s = st.sampled_from([None, "reopened"])
#: Which version the client sends: the one it last saw, the current one, an older one, or
#: one that does not exist yet; ``back`` is how far from the current one.
view_s = st.tuples(
    st.sampled_from(["seen", "seen", "fresh", "stale", "stale", "ahead"]), st.integers(1, 3)
)
#: Mostly no key; keyed requests draw from a few dozen keys, so some collide.
key_s = st.integers(0, 99).map(lambda n: None if n < 60 else f"key-{n}")


@dataclass(frozen=True)
class Expect:
    """An answer, in a shape both the model and the application can be put into."""

    kind: str  # applied, noop, conflict, invalid, ahead, refused, reused, double_booked
    version: int = 0  # the resulting version; for a conflict, the winning change's
    actor: str = ""  # who made the winning change
    type: str = ""  # the winning change's event type
    fields: tuple[str, ...] = ()  # the fields in conflict, or the field refused
    allowed: tuple[str, ...] = ()


AHEAD = Expect("ahead")
REUSED = Expect("reused")
DOUBLE_BOOKED = Expect("double_booked")


@dataclass(frozen=True)
class Logged:
    """An event the model expects in the log."""

    version: int
    type: str
    actor: str
    request_id: str
    fields: frozenset[str]
    status: str  # the appointment's status once this event is applied


@dataclass
class Card:
    """One appointment as the model knows it."""

    location: str
    starts_at: datetime
    length: timedelta
    customer: str
    staff: dict[str, str] | None
    lines: list[list[Any]]  # [code, quantity] in booking order
    history: list[Logged]
    notes: str = ""
    status: str = "scheduled"

    @property
    def version(self) -> int:
        return len(self.history)

    @property
    def day(self) -> date:
        return self.starts_at.date()

    @property
    def total_cents(self) -> int:
        return sum(PRICE[code] * quantity for code, quantity in self.lines)

    def value(self, name: str) -> Any:
        return {"notes": self.notes, "staff": self.staff, "starts_at": self.starts_at}[name]

    def unseen(self, expected_version: int, name: str) -> list[Logged]:
        return [event for event in self.history[expected_version:] if name in event.fields]

    def record(self, stamp: Stamp, type: str, *fields: str) -> Expect:
        self.history.append(
            Logged(
                self.version + 1,
                type,
                stamp.actor,
                stamp.request_id,
                frozenset(fields),
                self.status,
            )
        )
        return Expect("applied", self.version)

    def noop(self) -> Expect:
        return Expect("noop", self.version)


def taken(
    card: Card, staff: dict[str, str] | None, starts_at: datetime, others: list[Card]
) -> bool:
    """Whether another active card of ``staff`` holds part of the card's interval, were it to
    start at ``starts_at``."""
    if staff is None:
        return False
    ends_at = starts_at + card.length
    return any(
        other.staff is not None
        and other.staff["id"] == staff["id"]
        and other.status not in INACTIVE
        and other.starts_at < ends_at
        and starts_at < other.starts_at + other.length
        for other in others
    )


def conflict(winner: Logged, fields: tuple[str, ...]) -> Expect:
    return Expect("conflict", winner.version, winner.actor, winner.type, fields)


@dataclass(frozen=True)
class Book:
    location: str
    starts_at: datetime
    customer: str
    lines: tuple[tuple[str, int], ...]
    staff: dict[str, str] | None
    allow_overlap: bool = False

    def run(self, app: StatusBoard, ident: UUID | None, stamp: Stamp) -> Outcome[Any]:
        return app.book_appointment(
            location_id=self.location,
            starts_at=self.starts_at,
            customer={"name": self.customer},
            services=[{"code": code, "quantity": quantity} for code, quantity in self.lines],
            staff=self.staff,
            allow_overlap=self.allow_overlap,
            stamp=stamp,
        )

    def predict(self, others: list[Card], stamp: Stamp) -> Expect:
        card = self.card(stamp)
        if not self.allow_overlap and taken(card, self.staff, self.starts_at, others):
            return DOUBLE_BOOKED
        return Expect("applied", 1)

    def card(self, stamp: Stamp) -> Card:
        minutes = sum(MINUTES[code] * quantity for code, quantity in self.lines)
        return Card(
            location=self.location,
            starts_at=self.starts_at,
            length=timedelta(minutes=minutes),
            customer=self.customer,
            staff=self.staff,
            lines=[list(line) for line in self.lines],
            history=[Logged(1, "Booked", stamp.actor, stamp.request_id, frozenset(), "scheduled")],
        )


book_s = st.builds(
    Book,
    st.sampled_from(LOCATIONS),
    starts_s,
    st.sampled_from(["Ada", "Bob", "Cy"]),
    lines_s,
    staff_s,
    st.sampled_from([False, False, False, True]),
)


@dataclass(frozen=True)
class Move:
    to_status: str
    expected_version: int
    reason: str | None = None

    def run(self, app: StatusBoard, ident: UUID | None, stamp: Stamp) -> Outcome[Any]:
        assert ident is not None
        return app.move_appointment(
            ident, self.to_status, self.reason, expected_version=self.expected_version, stamp=stamp
        )

    def predict(self, card: Card, stamp: Stamp, others: list[Card]) -> Expect:
        if self.expected_version > card.version:
            return AHEAD
        if moved := card.unseen(self.expected_version, "status"):
            return (
                card.noop() if card.status == self.to_status else conflict(moved[-1], ("status",))
            )
        if self.to_status == card.status:
            return card.noop()
        if self.to_status not in TRANSITIONS[card.status]:
            return Expect("invalid", allowed=TRANSITIONS[card.status])
        if card.status in NEEDS_REASON and not self.reason:
            return Expect("refused", fields=("reason",))
        reopened = card.status in INACTIVE and self.to_status not in INACTIVE
        if reopened and taken(card, card.staff, card.starts_at, others):
            return DOUBLE_BOOKED
        card.status = self.to_status
        return card.record(stamp, "Moved", "status")


#: What an edited field is recorded as, and which fields that event changes.
EDITS: dict[str, tuple[str, tuple[str, ...]]] = {
    "notes": ("NotesEdited", ("notes",)),
    "staff": ("Assigned", ("staff",)),
    "starts_at": ("Rescheduled", ("starts_at", "ends_at")),
}


@dataclass(frozen=True)
class Edit:
    expected_version: int
    changes: tuple[tuple[str, Any], ...]  # (field, value) in the order of EDITS

    def run(self, app: StatusBoard, ident: UUID | None, stamp: Stamp) -> Outcome[Any]:
        assert ident is not None
        return app.edit_appointment(
            ident, expected_version=self.expected_version, stamp=stamp, **dict(self.changes)
        )

    def predict(self, card: Card, stamp: Stamp, others: list[Card]) -> Expect:
        if self.expected_version > card.version:
            return AHEAD
        differing = [name for name, value in self.changes if card.value(name) != value]
        for event in reversed(card.history[self.expected_version :]):
            lost = tuple(name for name in differing if name in event.fields)
            if lost:
                return conflict(event, lost)
        if not differing:
            return card.noop()
        after = {name: value for name, value in self.changes if name in differing}
        staff, starts_at = after.get("staff", card.staff), after.get("starts_at", card.starts_at)
        moved = (staff, starts_at) != (card.staff, card.starts_at)
        if moved and card.status not in INACTIVE and taken(card, staff, starts_at, others):
            return DOUBLE_BOOKED
        expect = card.noop()
        for name, value in self.changes:
            if name in differing:
                setattr(card, name, value)
                event_type, changed = EDITS[name]
                expect = card.record(stamp, event_type, *changed)
        return expect


@dataclass(frozen=True)
class AddLine:
    expected_version: int
    code: str
    quantity: int

    def run(self, app: StatusBoard, ident: UUID | None, stamp: Stamp) -> Outcome[Any]:
        assert ident is not None
        return app.add_service_line(
            ident, self.code, self.quantity, expected_version=self.expected_version, stamp=stamp
        )

    def predict(self, card: Card, stamp: Stamp, others: list[Card]) -> Expect:
        if self.expected_version > card.version:
            return AHEAD
        for line in card.lines:
            if line[0] == self.code:
                line[1] += self.quantity
                break
        else:
            card.lines.append([self.code, self.quantity])
        return card.record(stamp, "ServiceLineAdded", "service_lines")


@dataclass(frozen=True)
class RemoveLine:
    expected_version: int
    code: str

    def run(self, app: StatusBoard, ident: UUID | None, stamp: Stamp) -> Outcome[Any]:
        assert ident is not None
        service_id = str(service_id_for(self.code))
        return app.remove_service_line(
            ident, service_id, expected_version=self.expected_version, stamp=stamp
        )

    def predict(self, card: Card, stamp: Stamp, others: list[Card]) -> Expect:
        if self.expected_version > card.version:
            return AHEAD
        there = any(code == self.code for code, _ in card.lines)
        changed = card.unseen(self.expected_version, "service_lines")
        if changed and not there:
            return conflict(changed[-1], ("service_lines",))
        if not there or len(card.lines) == 1:
            return Expect("refused", fields=("service_id",))
        card.lines = [line for line in card.lines if line[0] != self.code]
        return card.record(stamp, "ServiceLineRemoved", "service_lines")


@dataclass(frozen=True)
class Kept:
    """A keyed command that succeeded, and what it answered."""

    ident: UUID
    command: Any
    expect: Expect


@dataclass
class Model:
    cards: dict[UUID, Card] = field(default_factory=dict)
    keys: dict[tuple[str, str], Kept] = field(default_factory=dict)

    def predict(self, ident: UUID | None, command: Any, stamp: Stamp) -> tuple[Expect, Kept | None]:
        """The answer to expect, and the keyed command it replays, if it does."""
        key = stamp.idempotency_key
        if key is not None and (kept := self.keys.get((stamp.actor, key))) is not None:
            if kept.command == command and (ident is None or kept.ident == ident):
                return kept.expect, kept
            return REUSED, None
        if ident is None:
            return command.predict(list(self.cards.values()), stamp), None
        others = [card for other, card in self.cards.items() if other != ident]
        return command.predict(self.cards[ident], stamp, others), None

    def events(self) -> int:
        return sum(card.version for card in self.cards.values())


Observed = tuple[Expect, Outcome[Any] | None, int | None]


def observe(run: Callable[[], Outcome[Any]]) -> Observed:
    """The application's answer as an Expect, its outcome, and the version the client now knows."""
    try:
        outcome = run()
    except ConflictError as error:
        found = error.conflicting
        return (
            Expect("conflict", found.version, found.actor, found.type, error.fields),
            None,
            error.current.version,
        )
    except InvalidTransitionError as error:
        return Expect("invalid", allowed=error.allowed), None, None
    except VersionAheadError as error:
        return AHEAD, None, error.current_version
    except FieldError as error:
        return Expect("refused", fields=(error.field,)), None, None
    except IdempotencyKeyReusedError:
        return REUSED, None, None
    except StaffDoubleBookedError:
        return DOUBLE_BOOKED, None, None
    kind = "applied" if outcome.applied else "noop"
    return Expect(kind, outcome.version), outcome, outcome.version


class Worker(StatusBoard):
    """A web worker; in a race it has loaded the appointment and waits at its save for its turn."""

    name = StatusBoard.name  # the same tables and tracking rows as the application itself
    turn: Callable[[], None] | None = None

    def save(self, *objs: Any, **kwargs: Any) -> Any:
        turn, self.turn = self.turn, None
        if turn is not None:
            turn()
        return super().save(*objs, **kwargs)


def wait_quietly(barrier: threading.Barrier) -> None:
    with contextlib.suppress(threading.BrokenBarrierError):
        barrier.wait()


def patiently(action: Callable[[], T], seconds: float = 30.0) -> T:
    """Runs ``action``, waiting while a shared server has no connection slot free.

    Only setting up and dropping a database wait; a command that cannot connect fails the run.
    """
    deadline = time.monotonic() + seconds
    while True:
        try:
            return action()
        except (psycopg.OperationalError, OperationalError) as error:
            busy = "too many clients" in str(error) or "couldn't get a connection" in str(error)
            if not busy or time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def admin(server_url: str, statement: sql.Composable) -> None:
    def run() -> None:
        with psycopg.connect(f"{server_url}/postgres", autocommit=True, connect_timeout=5) as conn:
            conn.execute(statement)

    patiently(run)


def short(ident: UUID | None) -> str:
    return "new" if ident is None else str(ident)[:8]


class WorkersAgreeWithTheModel(RuleBasedStateMachine):
    server_url: str  # set by the test, from the postgres_server_url fixture
    appointments = Bundle("appointments")

    def __init__(self) -> None:
        super().__init__()
        self.database = f"statusboard_model_{uuid4().hex}"
        admin(self.server_url, sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.database)))
        self.url = f"{self.server_url}/{self.database}"
        self.workers: list[Worker] = []
        self.read_side: ReadSide | None = None
        try:
            patiently(self.open)
            stock(self.workers[0])
        except BaseException:
            self.close()
            raise
        self.model = Model()
        self.seen: dict[tuple[str, UUID], int] = {}
        self.requests = 0
        self.logged: dict[tuple[UUID, int], int] = {}  # (id, version) -> notification id
        self.records = 0
        self.scanned = self.workers[0].head_position()
        self.acknowledged: list[tuple[UUID, int, int, bool]] = []
        self.touched: set[UUID] = set()
        self.projected = 0
        #: The appointments as the log has them, and whether each one's latest hold was an
        #: overlap allowed on purpose.
        self.replayed: dict[UUID, Any] = {}
        self.overlap_allowed: dict[UUID, bool] = {}
        self.folded = self.scanned
        FIGURES["runs"] += 1

    def open(self) -> None:
        """Two workers with pools of their own, and the read side."""
        self.close_stores()  # what an earlier attempt opened
        options = StoreOptions(pool_size=2, max_overflow=4)  # the server is shared: keep it light
        for _ in range(WORKERS):
            self.workers.append(Worker(store_env(self.url, options)))
            self.workers[-1].conflict_listeners.append(
                lambda _: FIGURES.update(["storage races retried"])
            )
        self.read_side = ReadSide.open(self.url, pool_size=2)
        create_tables(self.read_side.store)

    def close_stores(self) -> None:
        if self.read_side is not None:
            self.read_side.close()
            self.read_side = None
        for worker in self.workers:
            worker.close()
        self.workers = []

    def close(self) -> None:
        self.close_stores()
        drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
        admin(self.server_url, drop.format(sql.Identifier(self.database)))

    # Issuing commands and checking the answers.

    def stamp(self, client: str, key: str | None = None) -> Stamp:
        self.requests += 1
        return Stamp(client, f"req-{self.requests}", key)

    def expected_version(self, client: str, ident: UUID, view: tuple[str, int]) -> int:
        how, back = view
        current = self.model.cards[ident].version
        return {
            "seen": self.seen.get((client, ident), 1),
            "fresh": current,
            "stale": max(1, current - back),
            "ahead": current + back,
        }[how]

    def issue(self, stamp: Stamp, worker: int, ident: UUID | None, command: Any) -> Observed:
        """Sends one command to one worker; the answer must be the one the model predicts."""
        key = stamp.idempotency_key
        expect, replayed = self.model.predict(ident, command, stamp)
        got = observe(lambda: command.run(self.workers[worker], ident, stamp))
        note(
            f"{stamp.request_id} {stamp.actor}@worker{worker} {short(ident)} {command}"
            f" key={key}: model {expect}, application {got[0]}"
        )
        assert got[0] == expect
        outcome = got[1]
        if replayed is not None:
            assert outcome is not None and outcome.aggregate.id == replayed.ident
            FIGURES["keyed retries replayed"] += 1
        elif key is not None and outcome is not None:
            self.model.keys[(stamp.actor, key)] = Kept(outcome.aggregate.id, command, expect)
        target = ident or (outcome.aggregate.id if outcome is not None else None)
        self.settle(stamp.actor, target, got, keyed=key is not None)
        FIGURES[f"outcome {expect.kind}"] += 1
        return got

    def settle(self, client: str, ident: UUID | None, got: Observed, *, keyed: bool) -> None:
        """Remembers what the client saw and where the application said its events are."""
        FIGURES["commands"] += 1
        expect, outcome, known = got
        if ident is None:
            return
        self.touched.add(ident)
        if known is not None:
            self.seen[(client, ident)] = known
        if outcome is not None and outcome.applied:
            self.acknowledged.append((ident, outcome.version, outcome.position, keyed))

    def book(self, client: str, worker: int, command: Book, key: str | None) -> UUID | None:
        """A new appointment's id; None when the key replayed or refused the booking."""
        stamp = self.stamp(client, key)
        _, outcome, _ = self.issue(stamp, worker, None, command)
        if outcome is None or outcome.aggregate.id in self.model.cards:
            return None
        self.model.cards[outcome.aggregate.id] = command.card(stamp)
        return outcome.aggregate.id

    # Rules.

    @initialize(
        target=appointments, client=client_s, bookings=st.lists(book_s, min_size=1, max_size=3)
    )
    def open_the_day(self, client: str, bookings: list[Book]) -> MultipleResults[UUID]:
        idents = [self.book(client, 0, booking, None) for booking in bookings]
        return multiple(*(ident for ident in idents if ident is not None))

    @rule(target=appointments, client=client_s, worker=worker_s, command=book_s, key=key_s)
    def book_one(
        self, client: str, worker: int, command: Book, key: str | None
    ) -> MultipleResults[UUID]:
        ident = self.book(client, worker, command, key)
        return multiple() if ident is None else multiple(ident)

    @rule(
        client=client_s,
        worker=worker_s,
        ident=appointments,
        to_status=st.sampled_from(STATUSES),
        reason=reason_s,
        view=view_s,
        key=key_s,
    )
    def move(
        self,
        client: str,
        worker: int,
        ident: UUID,
        to_status: str,
        reason: str | None,
        view: tuple[str, int],
        key: str | None,
    ) -> None:
        command = Move(to_status, self.expected_version(client, ident, view), reason)
        self.issue(self.stamp(client, key), worker, ident, command)

    @rule(
        client=client_s,
        worker=worker_s,
        ident=appointments,
        choice=st.integers(0, 2),
        view=view_s,
        key=key_s,
    )
    def drag(
        self,
        client: str,
        worker: int,
        ident: UUID,
        choice: int,
        view: tuple[str, int],
        key: str | None,
    ) -> None:
        """A client drags the card to a column allowed from where it saw the card."""
        expected_version = self.expected_version(client, ident, view)
        card = self.model.cards[ident]
        seen = card.history[min(expected_version, card.version) - 1].status
        targets = TRANSITIONS[seen]
        command = Move(targets[choice % len(targets)], expected_version, "reopened")
        self.issue(self.stamp(client, key), worker, ident, command)

    @rule(
        client=client_s,
        worker=worker_s,
        ident=appointments,
        notes=st.none() | notes_s,
        staff=st.just("keep") | staff_s,
        starts_at=st.none() | starts_s,
        view=view_s,
        key=key_s,
    )
    def edit(
        self,
        client: str,
        worker: int,
        ident: UUID,
        notes: str | None,
        staff: Any,
        starts_at: datetime | None,
        view: tuple[str, int],
        key: str | None,
    ) -> None:
        changes = tuple(
            (name, value)
            for name, value, absent in (
                ("notes", notes, None),
                ("staff", staff, "keep"),
                ("starts_at", starts_at, None),
            )
            if value != absent
        )
        if not changes:
            changes = (("notes", "VIP"),)
        command = Edit(self.expected_version(client, ident, view), changes)
        self.issue(self.stamp(client, key), worker, ident, command)

    @rule(
        client=client_s,
        worker=worker_s,
        ident=appointments,
        code=code_s,
        quantity=st.integers(1, 2),
        view=view_s,
        key=key_s,
    )
    def add_line(
        self,
        client: str,
        worker: int,
        ident: UUID,
        code: str,
        quantity: int,
        view: tuple[str, int],
        key: str | None,
    ) -> None:
        command = AddLine(self.expected_version(client, ident, view), code, quantity)
        self.issue(self.stamp(client, key), worker, ident, command)

    @rule(
        client=client_s,
        worker=worker_s,
        ident=appointments,
        code=code_s,
        view=view_s,
        key=key_s,
    )
    def remove_line(
        self,
        client: str,
        worker: int,
        ident: UUID,
        code: str,
        view: tuple[str, int],
        key: str | None,
    ) -> None:
        command = RemoveLine(self.expected_version(client, ident, view), code)
        self.issue(self.stamp(client, key), worker, ident, command)

    @rule(client=client_s, worker=worker_s, ident=appointments)
    def look(self, client: str, worker: int, ident: UUID) -> None:
        """A client opens the drawer; any worker, however stale its cache, shows the present."""
        card = self.model.cards[ident]
        appointment = self.workers[worker].get_appointment(ident)
        assert (appointment.status, appointment.version) == (card.status, card.version)
        self.seen[(client, ident)] = appointment.version

    def kept(self, pick: int) -> tuple[tuple[str, str], Kept]:
        """One of the keyed commands that succeeded, oldest first."""
        items = list(self.model.keys.items())
        return items[pick % len(items)]

    @precondition(lambda self: self.model.keys)
    @rule(worker=worker_s, pick=st.integers(0, 50))
    def retry_keyed(self, worker: int, pick: int) -> None:
        """A client that lost the answer sends the same request again, on any worker."""
        (client, key), kept = self.kept(pick)
        ident = None if isinstance(kept.command, Book) else kept.ident
        self.issue(self.stamp(client, key), worker, ident, kept.command)

    @precondition(lambda self: self.model.keys)
    @rule(worker=worker_s, pick=st.integers(0, 50), notes=st.text("abc", min_size=1, max_size=3))
    def reuse_key(self, worker: int, pick: int, notes: str) -> None:
        """The same key with another request is refused, whatever the request."""
        (client, key), kept = self.kept(pick)
        command = Edit(1, (("notes", f"other {notes}"),))
        got = self.issue(self.stamp(client, key), worker, kept.ident, command)
        assert got[0] == REUSED

    @rule(
        ident=appointments,
        first=st.tuples(client_s, st.sampled_from(STATUSES), view_s),
        second=st.tuples(client_s, st.sampled_from(["move", "notes", "staff"]), view_s),
        target_status=st.sampled_from(STATUSES),
        value=st.tuples(notes_s, staff_s),
    )
    def race(
        self,
        ident: UUID,
        first: tuple[str, str, tuple[str, int]],
        second: tuple[str, str, tuple[str, int]],
        target_status: str,
        value: tuple[str, dict[str, str] | None],
    ) -> None:
        """Two workers change one appointment at the same moment: one serial order explains both."""
        commands: list[Any] = [
            Move(first[1], self.expected_version(first[0], ident, first[2]), "reopened")
        ]
        ev = self.expected_version(second[0], ident, second[2])
        commands.append(
            {
                "move": Move(target_status, ev, "reopened"),
                "notes": Edit(ev, (("notes", value[0]),)),
                "staff": Edit(ev, (("staff", value[1]),)),
            }[second[1]]
        )
        stamps = [self.stamp(first[0]), self.stamp(second[0])]
        results = self.run_together(ident, commands, stamps)
        for order in ((0, 1), (1, 0)):
            model = copy.deepcopy(self.model)
            expects = {i: model.predict(ident, commands[i], stamps[i])[0] for i in order}
            if [expects[0], expects[1]] == [results[0][0], results[1][0]]:
                note(f"race on {short(ident)}: {commands} answered {expects} in order {order}")
                self.model = model
                break
        else:
            raise AssertionError(f"race on {short(ident)}: {commands} answered {results}")
        for stamp, result in zip(stamps, results, strict=True):
            self.settle(stamp.actor, ident, result, keyed=False)
            FIGURES[f"outcome {result[0].kind}"] += 1
        FIGURES["races"] += 1

    @rule(
        target=appointments,
        clients=st.tuples(client_s, client_s),
        command=book_s.filter(lambda booking: booking.staff is not None),
    )
    def race_bookings(self, clients: tuple[str, str], command: Book) -> MultipleResults[UUID]:
        """Two desks book one staff member's slot at the same moment: one serial order explains
        both answers; the second is a double booking unless the slot was free or allowed."""
        stamps = [self.stamp(clients[0]), self.stamp(clients[1])]
        results = self.run_together(uuid4(), [command, command], stamps)
        for order in ((0, 1), (1, 0)):
            model = copy.deepcopy(self.model)
            expects: dict[int, Expect] = {}
            for i in order:
                expects[i] = model.predict(None, command, stamps[i])[0]
                outcome = results[i][1]
                if expects[i].kind == "applied" and outcome is not None:
                    model.cards[outcome.aggregate.id] = command.card(stamps[i])
            if [expects[0], expects[1]] == [results[0][0], results[1][0]]:
                self.model = model
                break
        else:
            raise AssertionError(f"booking race: {command} answered {results}")
        booked = []
        for stamp, result in zip(stamps, results, strict=True):
            outcome = result[1]
            ident = outcome.aggregate.id if outcome is not None else None
            self.settle(stamp.actor, ident, result, keyed=False)
            FIGURES[f"outcome {result[0].kind}"] += 1
            booked += [ident] if ident is not None else []
        FIGURES["booking races"] += 1
        return multiple(*booked)

    def run_together(self, ident: UUID, commands: list[Any], stamps: list[Stamp]) -> list[Observed]:
        """Both workers load the same version; the first saves, then the second tries to.

        The second loses the race for the next version and decides again on what it reloads.
        Holding it until the first is done makes the outcome the same on every replay.
        """
        loaded = threading.Barrier(2, timeout=10)
        first_done = threading.Event()
        results: list[Observed | BaseException | None] = [None, None]

        def second_turn() -> None:
            wait_quietly(loaded)
            first_done.wait(10)

        def run(index: int) -> None:
            worker = self.workers[index]
            try:
                results[index] = observe(lambda: commands[index].run(worker, ident, stamps[index]))
            except BaseException as error:  # re-raised below, on the test's thread
                results[index] = error
            finally:
                loaded.abort()  # a rival that will not save must not hold the other back
                if index == 0:
                    first_done.set()

        self.workers[0].turn = lambda: wait_quietly(loaded)
        self.workers[1].turn = second_turn
        threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        for worker in self.workers:
            worker.turn = None
        assert not any(thread.is_alive() for thread in threads)
        for result in results:
            if isinstance(result, BaseException):
                raise result
        return [result for result in results if isinstance(result, tuple)]

    @precondition(lambda self: self.projected < self.model.events())
    @rule(batch=st.integers(1, 7))
    def catch_up(self, batch: int) -> None:
        """The projections fold what is new, in small batches; then the board matches."""
        self.fold(batch)
        self.check_read_models()

    # What must always hold.

    @invariant()
    def each_acknowledged_event_is_in_the_log_once(self) -> None:
        app = self.workers[0]
        for notification in app.recorder.select_notifications(start=self.scanned + 1, limit=10_000):
            self.scanned = notification.id
            event = app.mapper.to_domain_event(notification)
            if isinstance(event, IdempotencyRecord.Recorded):
                self.records += 1
            if not isinstance(event, Appointment.Event):
                continue
            where = (event.originator_id, event.originator_version)
            assert where not in self.logged, f"{where} is in the log twice"
            card = self.model.cards.get(event.originator_id)
            assert card is not None and event.originator_version <= card.version, where
            expected = card.history[event.originator_version - 1]
            assert (type(event).__name__, event.actor, event.request_id) == (
                expected.type,
                expected.actor,
                expected.request_id,
            )
            self.logged[where] = notification.id
        assert len(self.logged) == self.model.events()
        assert self.records == len(self.model.keys)
        for ident, version, position, _keyed in self.acknowledged:
            at = self.logged[(ident, version)]
            # The save may end with schedules' events after the appointment's (SPEC §12).
            assert at <= position, (ident, version, position)
        self.acknowledged.clear()

    @invariant()
    def no_staff_member_is_double_booked_but_on_purpose(self) -> None:
        """From the log: active appointments of one staff member overlap only where one of
        them was held with allow_overlap."""
        app = self.workers[0]
        for notification in app.recorder.select_notifications(start=self.folded + 1, limit=10_000):
            self.folded = notification.id
            event: Any = app.mapper.to_domain_event(notification)
            if isinstance(event, Appointment.Event):
                ident = event.originator_id
                self.replayed[ident] = event.mutate(self.replayed.get(ident))
            elif isinstance(event, Schedule.IntervalHeld):
                self.overlap_allowed[event.appointment_id] = event.overlap_allowed
        placed = [
            a for a in self.replayed.values() if a.staff is not None and a.status not in INACTIVE
        ]
        for n, first in enumerate(placed):
            for second in placed[n + 1 :]:
                if first.staff["id"] != second.staff["id"]:
                    continue
                if first.starts_at < second.ends_at and second.starts_at < first.ends_at:
                    FIGURES["overlaps held on purpose"] += 1
                    assert self.overlap_allowed.get(first.id) or self.overlap_allowed.get(
                        second.id
                    ), (first.id, second.id)

    @invariant()
    def versions_are_contiguous(self) -> None:
        self.check_versions(self.touched)
        self.touched.clear()

    def check_versions(self, idents: set[UUID]) -> None:
        for ident in idents:
            versions = [e.originator_version for e in self.workers[0].events.get(ident)]
            assert versions == list(range(1, self.model.cards[ident].version + 1)), ident

    def fold(self, batch: int) -> None:
        """Catches every projection up to the head; reads then say they are there."""
        head = self.workers[0].head_position()
        for projection in build_projections("UTC").values():
            Follower(self.workers[1], self.read_side.store, projection, batch_size=batch).catch_up()
            assert self.read_side.position(projection.name) == head, projection.name
        self.projected = self.model.events()

    def check_read_models(self) -> None:
        for location in LOCATIONS:
            for day in DAYS:
                cards = {
                    ident: card
                    for ident, card in self.model.cards.items()
                    if (card.location, card.day) == (location, day)
                }
                self.check_board(location, day, cards)
                self.check_stats(location, day, list(cards.values()))

    def check_board(self, location: str, day: date, cards: dict[UUID, Card]) -> None:
        board = self.read_side.board(location, day)
        stored = {
            row.id: (row.status, row.version, row.staff_name, row.total_cents, row.services)
            for row in board.cards
        }
        assert stored == {
            ident: (
                card.status,
                card.version,
                card.staff and card.staff["name"],
                card.total_cents,
                [TITLE[code] for code, _ in card.lines],
            )
            for ident, card in cards.items()
        }
        order = [(row.starts_at, row.customer_name) for row in board.cards]
        assert order == sorted(order)

    def check_stats(self, location: str, day: date, cards: list[Card]) -> None:
        stats = self.read_side.stats(location, day)
        by_status = Counter(card.status for card in cards)
        assert (stats.total, stats.by_status) == (
            len(cards),
            {status: by_status[status] for status in STATUSES},
        )
        assert stats.booked_revenue_cents == sum(
            card.total_cents for card in cards if card.status not in UNBILLED
        )
        assert stats.completed_revenue_cents == sum(
            card.total_cents for card in cards if card.status == "completed"
        )

    def teardown(self) -> None:
        try:
            if sys.exc_info()[1] is None:  # a failed step is the story; do not bury it
                self.fold(1000)
                self.check_read_models()
                self.check_versions(set(self.model.cards))
                report = verify_all(
                    self.workers[0], self.read_side.store, build_projections("UTC").values()
                )
                assert report.drifts == [], [drift.describe() for drift in report.drifts]
        finally:
            self.close()


@pytest.mark.stress
@pytest.mark.slow
@pytest.mark.timeout(120 * FACTOR + 420)  # room for Hypothesis to shrink a failure
def test_workers_answer_as_the_model_predicts(postgres_server_url: str) -> None:
    machine = type(
        "WorkersAgreeWithTheModel",
        (WorkersAgreeWithTheModel,),
        {"server_url": postgres_server_url},
    )
    FIGURES.clear()
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=MAX_EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
    print(f"\nconcurrency model (factor {FACTOR}): {dict(sorted(FIGURES.items()))}")
