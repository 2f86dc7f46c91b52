"""A projection's thread that dies is started again, and its read model catches up."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from adapters.app import create_app
from adapters.runtime import EXTENSION, Runtime
from projections.base import Row
from projections.board import BoardProjection
from projections.runner import Runner
from projections.supervision import Backoff, ThreadSupervisor
from tests.integration.test_projection_harness import DAY, LOCATION, ReadModel


class ThreadDeath(BaseException):
    """Nothing in the runner catches it: the thread that meets it ends."""


class DyingBoard(BoardProjection):
    """The board, whose thread dies the first ``deaths`` times it folds an event."""

    deaths = 0

    def fold(self, row: Row | None, event: Any) -> Row:
        if self.deaths:
            self.deaths -= 1
            raise ThreadDeath
        return super().fold(row, event)


@pytest.fixture
def model(sqlite_url: str) -> Iterator[ReadModel]:
    """Ada booked on SQLite; nothing projected yet."""
    model = ReadModel(sqlite_url)
    model.book("Ada")
    yield model
    model.close()


def customers(model: ReadModel) -> list[str]:
    return [card.customer_name for card in model.read_side.board(LOCATION, DAY).cards]


def eventually(check: Any, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "not within the time allowed"
        time.sleep(0.02)


class TestDeadProjectionThreads:
    # Each death is reported as an exception in a thread, as it would be in production.
    @pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
    def test_a_thread_that_dies_again_and_again_is_restarted_and_catches_up(
        self, model: ReadModel
    ) -> None:
        board = DyingBoard(model.projections["board"].timezone)
        board.deaths = 3
        runner = Runner(model.app, model.store, [board], model.url, poll_interval=0.05)
        restarted: list[str] = []
        supervisor = ThreadSupervisor(
            runner, [restarted.append], backoff=Backoff(first=0.01), interval=0.02
        )
        runner.start()
        supervisor.start()
        try:
            eventually(lambda: customers(model) == ["Ada"])
            model.book("Bea", starts_at=model.app.get_appointment(model.book("Cy")).starts_at)
            eventually(lambda: sorted(customers(model)) == ["Ada", "Bea", "Cy"])
        finally:
            runner.stop()
            supervisor.join()

        assert restarted == ["board"] * 3

    def test_a_projection_halted_on_an_event_it_cannot_fold_is_left_halted(
        self, model: ReadModel
    ) -> None:
        class Unfoldable(BoardProjection):
            def fold(self, row: Row | None, event: Any) -> Row:
                raise ValueError("cannot fold this")

        runner = Runner(model.app, model.store, [Unfoldable("UTC")], model.url)
        runner.start()
        runner.workers[0].join(10)

        assert runner.dead() == [] and runner.revive() == []
        runner.stop()


class TestRunRestartsItsThreads:
    @pytest.fixture
    def app(self, sqlite_url: str) -> Iterator[Flask]:
        """`statusboard run`'s app: SQLite, projections inside the process."""
        app = create_app({"database_url": sqlite_url, "embedded_projections": True})
        yield app
        app.extensions[EXTENSION].close()

    def test_each_restart_of_a_projection_thread_is_counted_in_the_metrics(
        self, app: Flask
    ) -> None:
        served: Runtime = app.extensions[EXTENSION]
        embedded = served.components.projections
        assert embedded is not None

        for listener in embedded.restart_listeners:
            listener("board")

        text = app.test_client().get("/metrics").get_data(as_text=True)
        assert "statusboard_runner_restarts_total 1.0" in text
