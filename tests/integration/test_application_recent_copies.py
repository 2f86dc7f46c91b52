"""A first attempt starts from this process's copy of what it last saved (no read first).

Two StatusBoards on one database stand for two web workers: one's copy falls behind whenever
the other appends, and every answer must still be the one SPEC §4 gives from the store.
"""

from __future__ import annotations

import pytest

from application.errors import ConflictError, IdempotencyKeyReusedError
from application.statusboard import StatusBoard
from domain.appointment import Appointment
from domain.stamp import Stamp
from tests.integration.app_support import ANN, BOB, BOOKING, CountingBoard

Workers = tuple[CountingBoard, CountingBoard]
KEYED = Stamp(actor="ann", request_id="req-1", idempotency_key="drag-1")


def booked(worker: StatusBoard) -> Appointment:
    return worker.book_appointment(**BOOKING, stamp=ANN).aggregate


def kinds(worker: StatusBoard, appointment: Appointment) -> list[str]:
    return [type(event).__name__ for event in worker.events.get(appointment.id)]


class TestMoveFromTheRecentCopy:
    def test_a_change_from_the_version_this_process_saved_reads_nothing_first(
        self, app_workers: Workers
    ) -> None:
        ann, _ = app_workers
        card = booked(ann)
        ann.events.reads.clear()

        outcome = ann.move_appointment(card.id, "checked_in", expected_version=1, stamp=ANN)

        assert (outcome.applied, outcome.version, ann.events.reads) == (True, 2, [])

    def test_a_stale_move_on_a_copy_behind_the_store_is_decided_by_the_store(
        self, app_workers: Workers
    ) -> None:
        ann, bob = app_workers
        card = booked(ann)
        bob.move_appointment(card.id, "checked_in", expected_version=1, stamp=BOB)

        with pytest.raises(ConflictError) as conflict:
            ann.move_appointment(card.id, "cancelled", expected_version=1, stamp=ANN)

        assert conflict.value.conflicting.actor == "bob"
        assert kinds(ann, card) == ["Booked", "Moved"]

    def test_a_move_to_where_the_copy_already_is_is_not_a_no_op_when_the_store_moved_on(
        self, app_workers: Workers
    ) -> None:
        ann, bob = app_workers
        card = booked(ann)
        bob.move_appointment(card.id, "cancelled", expected_version=1, stamp=BOB)

        with pytest.raises(ConflictError):
            ann.move_appointment(card.id, "scheduled", expected_version=1, stamp=ANN)

    def test_the_same_move_made_elsewhere_is_answered_not_applied_at_the_stores_version(
        self, app_workers: Workers
    ) -> None:
        ann, bob = app_workers
        card = booked(ann)
        bob.move_appointment(card.id, "checked_in", expected_version=1, stamp=BOB)

        outcome = ann.move_appointment(card.id, "checked_in", expected_version=1, stamp=ANN)

        assert (outcome.applied, outcome.version) == (False, 2)
        assert kinds(ann, card) == ["Booked", "Moved"]


class TestRetriedKeysOnTwoWorkers:
    def test_a_retried_key_gets_its_first_answer_from_either_worker(
        self, app_workers: Workers
    ) -> None:
        ann, bob = app_workers
        card = booked(ann)
        first = ann.move_appointment(card.id, "checked_in", expected_version=1, stamp=KEYED)

        again = ann.move_appointment(card.id, "checked_in", expected_version=1, stamp=KEYED)
        elsewhere = bob.move_appointment(card.id, "checked_in", expected_version=1, stamp=KEYED)

        assert (first.version, again.version, elsewhere.version) == (2, 2, 2)
        assert first.applied and again.applied and elsewhere.applied
        assert kinds(ann, card) == ["Booked", "Moved"]

    def test_a_key_used_for_another_request_is_refused_even_when_the_copy_would_fail_first(
        self, app_workers: Workers
    ) -> None:
        ann, _ = app_workers
        card = booked(ann)
        ann.move_appointment(card.id, "checked_in", expected_version=1, stamp=KEYED)

        # From checked_in, completed is not allowed: the key's earlier use must answer first.
        with pytest.raises(IdempotencyKeyReusedError):
            ann.move_appointment(card.id, "completed", expected_version=2, stamp=KEYED)
