"""A command on an aggregate loaded from the store reads its events in one query while it is
younger than its first snapshot, and through the snapshot once it has one.

Two StatusBoards on one database stand for two web workers, so the second always loads from
the store what the first saved.
"""

from __future__ import annotations

from typing import Any

import pytest

from application.errors import ConflictError
from application.statusboard import StatusBoard
from domain.appointment import Appointment
from tests.integration.app_support import ANN, BOB, BOOKING

#: Back and forth between two columns: two events a lap.
LAP = (("checked_in", 1), ("scheduled", 2))


@pytest.fixture
def snapshot_reads(
    app_workers: tuple[StatusBoard, StatusBoard], monkeypatch: pytest.MonkeyPatch
) -> list[Any]:
    """Every snapshot lookup the second worker makes."""
    _, bob = app_workers
    assert bob.snapshots is not None
    reads: list[Any] = []
    original = bob.snapshots.get

    def get(*args: Any, **kwargs: Any) -> Any:
        reads.append(kwargs)
        return original(*args, **kwargs)

    monkeypatch.setattr(bob.snapshots, "get", get)
    return reads


def laps(worker: StatusBoard, card: Appointment, count: int) -> int:
    """Moves the card ``count`` laps; returns its version."""
    version = card.version
    for _ in range(count):
        for target, _ in LAP:
            version = worker.move_appointment(
                card.id, target, expected_version=version, stamp=ANN
            ).version
    return version


def test_a_young_appointment_is_read_without_looking_for_a_snapshot(
    app_workers: tuple[StatusBoard, StatusBoard], snapshot_reads: list[Any]
) -> None:
    ann, bob = app_workers
    card = ann.book_appointment(**BOOKING, stamp=ANN).aggregate
    version = laps(ann, card, 3)

    outcome = bob.move_appointment(card.id, "checked_in", expected_version=version, stamp=BOB)

    assert (outcome.applied, outcome.version, outcome.aggregate.status) == (
        True,
        version + 1,
        "checked_in",
    )
    assert snapshot_reads == []


def test_an_appointment_past_its_first_snapshot_is_read_from_it(
    app_workers: tuple[StatusBoard, StatusBoard], snapshot_reads: list[Any]
) -> None:
    ann, bob = app_workers
    card = ann.book_appointment(**BOOKING, stamp=ANN).aggregate
    version = laps(ann, card, 30)  # 61 events: a snapshot at 50
    assert version == 61
    assert [s.originator_version for s in ann.snapshots.get(card.id)] == [50]

    outcome = bob.move_appointment(card.id, "checked_in", expected_version=version, stamp=BOB)

    assert (outcome.applied, outcome.version) == (True, 62)
    assert len(snapshot_reads) == 1


def test_a_client_far_behind_a_snapshot_gets_the_same_answer_either_way(
    app_workers: tuple[StatusBoard, StatusBoard], snapshot_reads: list[Any]
) -> None:
    ann, bob = app_workers
    card = ann.book_appointment(**BOOKING, stamp=ANN).aggregate
    laps(ann, card, 30)

    with pytest.raises(ConflictError) as stale:
        bob.move_appointment(card.id, "checked_in", expected_version=3, stamp=BOB)

    # Now is read from the events alone; only the version the client saw is looked up.
    assert [read["lte"] for read in snapshot_reads] == [3]
    assert stale.value.current.version == 61
    assert stale.value.current.status == "scheduled"
    assert bob.get_appointment(card.id).version == 61


def test_saving_what_is_not_an_aggregate_is_left_to_the_library(
    app_workers: tuple[StatusBoard, StatusBoard],
) -> None:
    ann, bob = app_workers
    card = ann.book_appointment(**BOOKING, stamp=ANN).aggregate
    card.move("checked_in", None, ANN)
    (event,) = card.collect_events()

    recordings = ann.save(None, event)

    assert [r.domain_event.originator_version for r in recordings] == [2]
    assert bob.get_appointment(card.id).status == "checked_in"
