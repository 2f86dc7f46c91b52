"""A projection that meets an event it cannot fold stops there, says where, and skips nothing."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from typing import Any

import psycopg
import pytest

from projections.board import BoardProjection
from projections.runner import Runner
from tests.integration.runner_support import PoisonedBoard, Runners
from tests.integration.test_projection_harness import DAY, LOCATION, ReadModel

#: For behaviour no store changes: run on the embedded stores only, keeping PostgreSQL runs few.
WITHOUT_POSTGRES = pytest.mark.parametrize("database_url", ["memory", "sqlite"], indirect=True)


@pytest.fixture
def model(database_url: str) -> Iterator[ReadModel]:
    """Ada and Bea booked, Bea's notes poisoned, Cy booked after; nothing projected yet."""
    model = ReadModel(database_url)
    model.book("Ada")
    bea = model.book("Bea")
    model.edit(bea, notes="poison")
    model.book("Cy")
    yield model
    model.close()


@pytest.fixture
def run() -> Iterator[Any]:
    """Starts runners over given projections; stops them after the test."""
    runners = Runners(poll_interval=0.1)
    yield runners.start
    runners.stop()


@pytest.fixture
def run_poisoned(model: ReadModel, run: Any) -> Callable[[], Runner]:
    """Runs the poisoned board beside the other projections until it stops."""

    def start() -> Runner:
        runner = run(model, PoisonedBoard(model.projections["board"].timezone))
        stopped(runner)
        return runner

    return start


def poisoned_position(model: ReadModel) -> int:
    return model.app.head_position() - 1


def customers(model: ReadModel) -> list[str]:
    return [card.customer_name for card in model.read_side.board(LOCATION, DAY).cards]


def stopped(runner: Runner) -> None:
    board_worker = runner.workers[0]
    board_worker.join(10)
    assert not board_worker.is_alive()


def assert_folded_up_to_the_poison(model: ReadModel) -> None:
    """The board holds everything before the poisoned event and nothing from it on."""
    assert model.read_side.position("board") == poisoned_position(model) - 1
    assert customers(model) == ["Ada", "Bea"]


class TestUnprocessableEvent:
    def test_the_projection_stops_after_folding_everything_before_the_event(
        self, model: ReadModel, run_poisoned: Callable[[], Runner]
    ) -> None:
        run_poisoned()

        assert_folded_up_to_the_poison(model)

    def test_status_says_it_is_not_running_and_names_the_position_and_event_type(
        self, model: ReadModel, run_poisoned: Callable[[], Runner]
    ) -> None:
        run_poisoned()

        board, *others = model.read_side.status(model.app)

        assert (board.name, board.running) == ("board", False)
        assert board.reason is not None
        assert f"position {poisoned_position(model)}" in board.reason
        assert "NotesEdited" in board.reason
        assert board.lag_events == 2
        assert model.store.fetchone(
            "SELECT stopped_position FROM projection_state WHERE projection = 'board'"
        ) == (poisoned_position(model),)

    @WITHOUT_POSTGRES
    def test_the_stop_is_logged_with_position_and_event_type(
        self, model: ReadModel, run_poisoned: Callable[[], Runner], caplog: pytest.LogCaptureFixture
    ) -> None:
        with caplog.at_level(logging.ERROR, logger="statusboard.projections"):
            run_poisoned()

        (record,) = [r for r in caplog.records if r.levelno == logging.ERROR]
        assert str(poisoned_position(model)) in record.getMessage()
        assert "NotesEdited" in record.getMessage()

    @WITHOUT_POSTGRES
    def test_the_other_projections_keep_running(
        self, model: ReadModel, run_poisoned: Callable[[], Runner]
    ) -> None:
        runner = run_poisoned()

        assert model.read_side.wait_for("stats", model.app.head_position(), 5)
        assert model.read_side.stats(LOCATION, DAY).total == 3
        assert [worker.is_alive() for worker in runner.workers] == [False, True, True]

    @WITHOUT_POSTGRES
    def test_a_restart_stops_at_the_same_event_again(
        self, model: ReadModel, run_poisoned: Callable[[], Runner]
    ) -> None:
        run_poisoned()
        run_poisoned()

        assert_folded_up_to_the_poison(model)

    def test_a_fixed_projection_resumes_from_the_event_it_stopped_at(
        self, model: ReadModel, run: Any, run_poisoned: Callable[[], Runner]
    ) -> None:
        run_poisoned()

        run(model, model.projections["board"])

        assert model.read_side.wait_for("board", model.app.head_position(), 5)
        assert customers(model) == ["Ada", "Bea", "Cy"]
        assert model.rebuild("board", dry_run=True).counts() == (0, 0, 0)
        board = model.read_side.status(model.app)[0]
        assert (board.running, board.reason) == (True, None)


class DroppedConnectionBoard(BoardProjection):
    """The board, whose first batch meets a connection closed under it."""

    dropped = False

    def apply(self, cursor: Any, generation: int, events: Any) -> None:
        if not DroppedConnectionBoard.dropped:
            DroppedConnectionBoard.dropped = True
            raise psycopg.InterfaceError("the connection is closed")
        super().apply(cursor, generation, events)


class TestLostConnection:
    @WITHOUT_POSTGRES
    def test_a_connection_lost_mid_batch_is_retried_not_a_stop(
        self, model: ReadModel, run: Any
    ) -> None:
        model.edit(model.book("Dee"), notes="fine")
        board = DroppedConnectionBoard(model.projections["board"].timezone)
        DroppedConnectionBoard.dropped = False

        runner = run(model, board)

        deadline = time.monotonic() + 10
        while "Dee" not in customers(model) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert DroppedConnectionBoard.dropped
        assert runner.workers[0].failure is None and runner.workers[0].is_alive()
        assert "Dee" in customers(model)
