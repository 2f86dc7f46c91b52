"""How commands behave when the event store refuses a save: retried, then a clean storage error."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from eventsourcing.persistence import IntegrityError, InterfaceError, OperationalError

from application.errors import StorageUnavailableError
from application.statusboard import StatusBoard
from domain.appointment import Appointment
from domain.stamp import Stamp
from storage.eventstore import store_env
from storage.urls import MEMORY_URL
from tests.support import add_haircut

ANN = Stamp(actor="ann", request_id="req-ann")


class RefusingBoard(StatusBoard):
    """A board whose store, once told to, refuses every save with the given error."""

    refusal: Exception | None = None

    def save(self, *objs: Any, **kwargs: Any) -> Any:
        if self.refusal is not None:
            raise self.refusal
        return super().save(*objs, **kwargs)


@pytest.fixture
def board() -> Iterator[RefusingBoard]:
    """An in-memory board with one service, saving normally until told otherwise."""
    app = RefusingBoard(store_env(MEMORY_URL))
    add_haircut(app, ANN)
    yield app
    app.close()


@pytest.fixture
def appointment(board: RefusingBoard) -> Appointment:
    """A booked appointment at version 1."""
    return board.book_appointment(
        location_id="main",
        starts_at=datetime(2030, 3, 4, 9, tzinfo=UTC),
        customer={"name": "Ada"},
        services=[{"code": "CUT"}],
        stamp=ANN,
    ).aggregate


class TestLostRaces:
    def test_a_command_that_never_wins_gives_up_with_a_storage_error(
        self, board: RefusingBoard, appointment: Appointment
    ) -> None:
        lost: list[str] = []
        board.conflict_listeners.append(lost.append)
        board.refusal = IntegrityError("duplicate key value violates unique constraint")

        with pytest.raises(StorageUnavailableError):
            board.move_appointment(appointment.id, "checked_in", expected_version=1, stamp=ANN)

        assert lost == ["move"] * board.max_attempts

    def test_a_command_that_appends_nothing_does_not_touch_the_store(
        self, board: RefusingBoard, appointment: Appointment
    ) -> None:
        board.refusal = IntegrityError("never reached")

        outcome = board.move_appointment(appointment.id, "scheduled", expected_version=1, stamp=ANN)

        assert (outcome.applied, outcome.version) == (False, 1)


class TestStorageUnavailable:
    @pytest.mark.parametrize(
        "refusal",
        [
            OperationalError("server closed the connection unexpectedly\nThis probably means"),
            InterfaceError("the connection is closed"),
        ],
        ids=["operational", "interface"],
    )
    def test_a_store_that_cannot_answer_is_a_storage_error(
        self, board: RefusingBoard, appointment: Appointment, refusal: Exception
    ) -> None:
        board.refusal = refusal

        with pytest.raises(StorageUnavailableError) as unavailable:
            board.edit_appointment(appointment.id, expected_version=1, notes="x", stamp=ANN)

        assert str(unavailable.value) == str(refusal).splitlines()[0]
        assert unavailable.value.__cause__ is refusal

    def test_a_storage_error_without_a_message_still_says_what_happened(
        self, board: RefusingBoard, appointment: Appointment
    ) -> None:
        board.refusal = OperationalError()

        with pytest.raises(StorageUnavailableError, match="storage unavailable"):
            board.move_appointment(appointment.id, "checked_in", expected_version=1, stamp=ANN)
