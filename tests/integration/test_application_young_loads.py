"""A command on an aggregate loaded from the store reads its events in one query while it is
younger than its first snapshot, and through the snapshot once it has one.

Two StatusBoards on one database stand for two web workers, so the second always loads from
the store what the first saved.
"""

from __future__ import annotations

import pytest

from application.errors import ConflictError
from domain.appointment import Appointment
from tests.integration.app_support import ANN, BOB, BOOKING, CountingBoard

Workers = tuple[CountingBoard, CountingBoard]
#: Back and forth between two columns: two events a lap.
LAP = ("checked_in", "scheduled")


def laps(worker: CountingBoard, card: Appointment, count: int) -> int:
    """Moves the card ``count`` laps; returns its version."""
    version = card.version
    for _ in range(count):
        for target in LAP:
            moved = worker.move_appointment(card.id, target, expected_version=version, stamp=ANN)
            version = moved.version
    return version


def booked_and_moved(worker: CountingBoard, count: int) -> tuple[Appointment, int]:
    card = worker.book_appointment(**BOOKING, stamp=ANN).aggregate
    return card, laps(worker, card, count)


class TestLoadsFromTheStore:
    def test_a_young_appointment_is_read_in_one_query_without_looking_for_a_snapshot(
        self, app_workers: Workers
    ) -> None:
        ann, bob = app_workers
        card, version = booked_and_moved(ann, 3)

        outcome = bob.move_appointment(card.id, "checked_in", expected_version=version, stamp=BOB)

        assert (outcome.applied, outcome.version, outcome.aggregate.status) == (
            True,
            version + 1,
            "checked_in",
        )
        assert [(read["gt"], read["lte"]) for read in bob.events.reads] == [(None, None)]
        assert bob.snapshots.reads == []

    def test_an_appointment_past_its_first_snapshot_is_read_from_it(
        self, app_workers: Workers
    ) -> None:
        ann, bob = app_workers
        card, version = booked_and_moved(ann, 30)  # 61 events: a snapshot at 50
        assert version == 61
        assert [s.originator_version for s in ann.snapshots.get(card.id)] == [50]

        outcome = bob.move_appointment(card.id, "checked_in", expected_version=version, stamp=BOB)

        assert (outcome.applied, outcome.version) == (True, 62)
        assert len(bob.snapshots.reads) == 1
        assert [read["gt"] for read in bob.events.reads] == [50]

    def test_a_client_far_behind_a_snapshot_gets_the_same_answer_either_way(
        self, app_workers: Workers
    ) -> None:
        ann, bob = app_workers
        card, _ = booked_and_moved(ann, 30)

        with pytest.raises(ConflictError) as stale:
            bob.move_appointment(card.id, "checked_in", expected_version=3, stamp=BOB)

        # Now is read from the events alone; only the version the client saw is looked up.
        assert [read["lte"] for read in bob.snapshots.reads] == [3]
        assert stale.value.current.version == 61
        assert stale.value.current.status == "scheduled"
        assert bob.get_appointment(card.id).version == 61


class TestSavingWhatIsNotAnAggregate:
    def test_it_is_left_to_the_library(self, app_workers: Workers) -> None:
        ann, bob = app_workers
        card = ann.book_appointment(**BOOKING, stamp=ANN).aggregate
        card.move("checked_in", None, ANN)
        (event,) = card.collect_events()

        recordings = ann.save(None, event)

        assert [r.domain_event.originator_version for r in recordings] == [2]
        assert bob.get_appointment(card.id).status == "checked_in"
