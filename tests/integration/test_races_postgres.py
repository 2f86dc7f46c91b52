"""Web workers on one PostgreSQL database, changing the same appointment at the same moment.

Each worker is its own StatusBoard with its own connection pool. A barrier inside ``save`` holds
every worker until all have loaded the same version, so each race is run, not hoped for.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any
from uuid import UUID

import pytest

from application.errors import ConflictError, DuplicateServiceError
from application.statusboard import Outcome, StatusBoard
from domain.appointment import Appointment
from domain.stamp import Stamp
from storage.eventstore import store_env
from tests.integration.app_support import ANN, BOB, BOOKING
from tests.support import add_haircut

pytestmark = pytest.mark.postgres

ADMIN = Stamp(actor="admin", request_id="req-admin")
CAT = Stamp(actor="cat", request_id="req-cat")


class RendezvousBoard(StatusBoard):
    """A worker that, once armed, waits at its next save until every rival is there too."""

    rendezvous: threading.Barrier | None = None

    def __init__(self, env: dict[str, str]) -> None:
        super().__init__(env)
        self.lost: list[str] = []
        self.conflict_listeners.append(self.lost.append)

    def save(self, *objs: Any, **kwargs: Any) -> Any:
        rendezvous, self.rendezvous = self.rendezvous, None
        if rendezvous is not None:
            rendezvous.wait(timeout=10)
        return super().save(*objs, **kwargs)


Result = Outcome[Any] | Exception
#: A worker, and the command it runs in the race.
Race = tuple[RendezvousBoard, Callable[[], Outcome[Any]]]


def race(commands: list[Race]) -> list[Result]:
    """Runs each command on its worker in its own thread; all save at the same moment."""
    barrier = threading.Barrier(len(commands))
    results: list[Result | None] = [None] * len(commands)

    def run(index: int, command: Callable[[], Outcome[Any]]) -> None:
        try:
            results[index] = command()
        except Exception as error:
            results[index] = error

    for worker, _ in commands:
        worker.rendezvous = barrier
    threads = [
        threading.Thread(target=run, args=(index, command))
        for index, (_, command) in enumerate(commands)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    assert all(result is not None for result in results)
    return [result for result in results if result is not None]


def moving(worker: RendezvousBoard, ident: UUID, to_status: str, stamp: Stamp) -> Race:
    """The worker's move of the checked-in appointment, from the version every worker saw."""
    return worker, lambda: worker.move_appointment(
        ident, to_status, expected_version=2, stamp=stamp
    )


def editing(worker: RendezvousBoard, ident: UUID, stamp: Stamp, **fields: Any) -> Race:
    """The worker's edit of the checked-in appointment, from the version every worker saw."""
    return worker, lambda: worker.edit_appointment(ident, expected_version=2, stamp=stamp, **fields)


def outcomes(results: list[Result]) -> list[Outcome[Any]]:
    return [result for result in results if isinstance(result, Outcome)]


def errors(results: list[Result]) -> list[Exception]:
    return [result for result in results if isinstance(result, Exception)]


@pytest.fixture
def workers(postgres_url: str) -> Iterator[list[RendezvousBoard]]:
    """Three workers on one fresh database, each with its own pool."""
    boards = [RendezvousBoard(store_env(postgres_url)) for _ in range(3)]
    yield boards
    for board in boards:
        board.close()


@pytest.fixture
def catalog(workers: list[RendezvousBoard]) -> None:
    """Haircuts, bookable by every worker."""
    add_haircut(workers[0], ADMIN)


@pytest.fixture
def checked_in(workers: list[RendezvousBoard], catalog: None) -> Appointment:
    """An appointment at version 2, checked in, that every worker has loaded."""
    first = workers[0]
    booked = first.book_appointment(**BOOKING, stamp=ADMIN).aggregate
    first.move_appointment(booked.id, "checked_in", expected_version=1, stamp=ADMIN)
    for worker in workers:
        assert worker.get_appointment(booked.id).version == 2
    return first.get_appointment(booked.id)


class TestSimultaneousChanges:
    def test_move_and_notes_edit_both_apply(
        self, workers: list[RendezvousBoard], checked_in: Appointment
    ) -> None:
        ann, bob = workers[0], workers[1]
        ident = checked_in.id

        results = race(
            [
                moving(ann, ident, "in_progress", ANN),
                editing(bob, ident, BOB, notes="Prefers Grace"),
            ]
        )

        assert errors(results) == []
        assert sorted(outcome.version for outcome in outcomes(results)) == [3, 4]
        assert all(outcome.applied for outcome in outcomes(results))
        final = ann.get_appointment(ident)
        assert (final.version, final.status, final.notes) == (4, "in_progress", "Prefers Grace")
        assert sorted(ann.lost + bob.lost) in (["edit"], ["move"])

    def test_three_workers_changing_different_things_all_apply(
        self, workers: list[RendezvousBoard], checked_in: Appointment
    ) -> None:
        ann, bob, cat = workers
        ident = checked_in.id
        grace = {"id": "s-1", "name": "Grace"}

        results = race(
            [
                moving(ann, ident, "in_progress", ANN),
                editing(bob, ident, BOB, notes="Prefers Grace"),
                editing(cat, ident, CAT, staff=grace),
            ]
        )

        assert errors(results) == []
        assert sorted(outcome.version for outcome in outcomes(results)) == [3, 4, 5]
        final = cat.get_appointment(ident)
        assert (final.version, final.status, final.notes, final.staff) == (
            5,
            "in_progress",
            "Prefers Grace",
            grace,
        )
        assert len(ann.lost + bob.lost + cat.lost) >= 2

    def test_two_different_moves_one_wins_and_the_other_conflicts(
        self, workers: list[RendezvousBoard], checked_in: Appointment
    ) -> None:
        ann, bob = workers[0], workers[1]
        ident = checked_in.id

        results = race(
            [
                moving(ann, ident, "in_progress", ANN),
                moving(bob, ident, "cancelled", BOB),
            ]
        )

        (won,) = outcomes(results)
        (lost,) = errors(results)
        assert isinstance(lost, ConflictError)
        winner = lost.conflicting
        assert winner.actor == ("ann" if won.aggregate.status == "in_progress" else "bob")
        assert (winner.version, winner.type) == (3, "Moved")
        assert winner.changes == {"status": ("checked_in", won.aggregate.status)}
        assert (lost.current.version, lost.current.status) == (3, won.aggregate.status)
        final = ann.get_appointment(ident)
        assert (final.version, final.status) == (3, won.aggregate.status)

    def test_two_identical_moves_apply_once(
        self, workers: list[RendezvousBoard], checked_in: Appointment
    ) -> None:
        ann, bob = workers[0], workers[1]
        ident = checked_in.id

        results = race(
            [
                moving(ann, ident, "in_progress", ANN),
                moving(bob, ident, "in_progress", BOB),
            ]
        )

        assert errors(results) == []
        assert sorted(outcome.applied for outcome in outcomes(results)) == [False, True]
        assert [outcome.version for outcome in outcomes(results)] == [3, 3]
        moves = [c for c in ann.appointment_history(ident) if c.type == "Moved"]
        assert [c.changes["status"][1] for c in moves] == ["checked_in", "in_progress"]

    def test_the_worker_that_lost_the_race_reports_it(
        self, workers: list[RendezvousBoard], checked_in: Appointment
    ) -> None:
        ann, bob = workers[0], workers[1]
        ident = checked_in.id

        results = race(
            [
                moving(ann, ident, "in_progress", ANN),
                moving(bob, ident, "cancelled", BOB),
            ]
        )

        (lost,) = errors(results)
        assert isinstance(lost, ConflictError)
        loser = bob if lost.conflicting.actor == "ann" else ann
        winner = ann if loser is bob else bob
        assert (loser.lost, winner.lost) == (["move"], [])

    def test_retried_booking_racing_itself_creates_one_appointment(
        self, workers: list[RendezvousBoard], catalog: None
    ) -> None:
        ann, bob = workers[0], workers[1]
        first_try = Stamp("ann", "req-1", "book-1")
        retry = Stamp("ann", "req-2", "book-1")

        results = race(
            [
                (ann, lambda: ann.book_appointment(**BOOKING, stamp=first_try)),
                (bob, lambda: bob.book_appointment(**BOOKING, stamp=retry)),
            ]
        )

        assert errors(results) == []
        assert len({outcome.aggregate.id for outcome in outcomes(results)}) == 1
        notifications = ann.recorder.select_notifications(start=1, limit=100)
        assert sum(n.topic.endswith("Appointment.Booked") for n in notifications) == 1
        assert len(ann.lost + bob.lost) == 1

    def test_two_admins_adding_the_same_code_add_it_once(
        self, workers: list[RendezvousBoard]
    ) -> None:
        ann, bob = workers[0], workers[1]

        def add(worker: StatusBoard, stamp: Stamp) -> Callable[[], Outcome[Any]]:
            return lambda: worker.add_service(
                code="COLOR",
                name="Colour",
                category="hair",
                price_cents=1,
                duration_minutes=60,
                stamp=stamp,
            )

        results = race([(ann, add(ann, ANN)), (bob, add(bob, BOB))])

        (added,) = outcomes(results)
        (refused,) = errors(results)
        assert isinstance(refused, DuplicateServiceError)
        assert added.version == 1
        assert len(ann.lost + bob.lost) == 1
