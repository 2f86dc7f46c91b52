"""Runners for the runner's tests: over a board and the stats and services read models, started
by a test and stopped after it, and a board that cannot fold one event."""

from __future__ import annotations

from typing import Any

from domain.appointment import Appointment
from projections.base import Projection, Row
from projections.board import BoardProjection
from projections.runner import Runner
from tests.integration.test_projection_harness import ReadModel


class PoisonedBoard(BoardProjection):
    """The board, unable to fold a notes edit that reads "poison"."""

    def fold(self, row: Row | None, event: Any) -> Row:
        if isinstance(event, Appointment.NotesEdited) and event.notes == "poison":
            raise ValueError("cannot fold this")
        return super().fold(row, event)


class Runners:
    """The runners a test started, each over a board (the model's, or the one given), the
    stats and the services; ``stop`` stops them all."""

    def __init__(self, poll_interval: float) -> None:
        self.poll_interval = poll_interval
        self.started: list[Runner] = []

    def start(self, model: ReadModel, board: Projection | None = None) -> Runner:
        projections = [
            board or model.projections["board"],
            model.projections["stats"],
            model.projections["services"],
        ]
        runner = Runner(
            model.app, model.store, projections, model.url, poll_interval=self.poll_interval
        )
        self.started.append(runner)
        runner.start()
        return runner

    def stop(self) -> None:
        for runner in self.started:
            runner.stop()
