"""Runners in one process: woken by saves, one leader per projection, and honest status."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from projections.embedded import EmbeddedProjections
from projections.runner import Runner
from storage.leadership import is_led
from tests.integration.test_projection_harness import DAY, LOCATION, ReadModel

#: Longer than any wait below: a runner polling this slowly must be woken some other way.
NEVER = 60.0


def start(runners: list[Any], model: ReadModel, poll_interval: float) -> Runner:
    runner = model.runner(poll_interval=poll_interval)
    runners.append(runner)
    runner.start()
    return runner


def projected(model: ReadModel, position: int, timeout: float = 5.0) -> bool:
    return all(model.read_side.wait_for(name, position, timeout) for name in model.projections)


def leaders(*runners: Runner) -> dict[str, int]:
    """How many of the runners hold each projection's leadership."""
    held: dict[str, int] = {}
    for runner in runners:
        for worker in runner.workers:
            held[worker.projection_name] = held.get(worker.projection_name, 0) + int(
                worker.leadership.held()
            )
    return held


class TestEmbeddedProjections:
    @pytest.mark.parametrize("database_url", ["memory", "sqlite"], indirect=True)
    def test_a_save_wakes_the_projections_at_once(
        self, model: ReadModel, runners: list[Any]
    ) -> None:
        embedded = EmbeddedProjections(model.app, model.read_side, model.url, poll_interval=NEVER)
        runners.append(embedded)
        embedded.start()
        assert projected(model, model.app.head_position())

        position = model.app.head_position() + 1
        model.book("Ada")

        assert projected(model, position, timeout=3)
        (card,) = model.read_side.board(LOCATION, DAY).cards
        assert (card.customer_name, card.version) == ("Ada", 1)


class TestLeadership:
    def test_two_runners_on_one_store_elect_one_leader_per_projection(
        self, store_url: str, runners: list[Any]
    ) -> None:
        first, second = ReadModel(store_url), ReadModel(store_url, stocked=False)
        try:
            one = start(runners, first, poll_interval=0.2)
            assert projected(first, first.app.head_position())
            other = start(runners, second, poll_interval=0.2)

            second.book("Ada")
            first.book("Bea")

            assert projected(first, first.app.head_position())
            assert leaders(one, other) == dict.fromkeys(first.projections, 1)
            assert leaders(other) == dict.fromkeys(first.projections, 0)

            one.stop()
            position = second.app.head_position() + 1
            second.book("Cy")

            assert projected(second, position)
            assert leaders(other) == dict.fromkeys(first.projections, 1)
            assert len(second.read_side.board(LOCATION, DAY).cards) == 3
        finally:
            for runner in runners:
                runner.stop()
            second.close()
            first.close()

    def test_a_projection_is_led_only_while_a_runner_runs(
        self, model: ReadModel, runners: list[Any]
    ) -> None:
        assert not is_led(model.store, model.url, "board")
        runner = start(runners, model, poll_interval=0.2)
        assert projected(model, model.app.head_position())

        assert all(is_led(model.store, model.url, name) for name in model.projections)
        runner.stop()
        assert not any(is_led(model.store, model.url, name) for name in model.projections)


class Stuck(threading.Thread):
    """A projection's thread that does not stop when asked (a query that never returns)."""

    def __init__(self) -> None:
        super().__init__(name="projection-stuck", daemon=True)
        self.wake, self.hurried = threading.Event(), threading.Event()
        self.unblock = threading.Event()
        self.member = None  # following on its own, not through the shared log

    def run(self) -> None:
        self.unblock.wait()


class TestStopping:
    def test_a_thread_that_does_not_stop_holds_the_stop_up_only_until_the_timeout(
        self, model: ReadModel, runners: list[Any]
    ) -> None:
        runner = start(runners, model, poll_interval=0.2)
        assert projected(model, model.app.head_position())
        stuck = Stuck()
        stuck.start()
        runner.workers.append(stuck)  # type: ignore[arg-type]

        try:
            assert runner.stop(timeout=0.5) == ["projection-stuck"]
            assert not any(is_led(model.store, model.url, name) for name in model.projections)
        finally:
            stuck.unblock.set()
            runner.workers.remove(stuck)  # type: ignore[arg-type]


class TestStatus:
    def test_without_a_runner_status_shows_the_lag_and_why_nothing_runs(
        self, model: ReadModel
    ) -> None:
        model.book("Ada", at=datetime.now(UTC) - timedelta(minutes=10))

        statuses = model.read_side.status(model.app)

        for status in statuses:
            assert (status.position, status.head) == (0, model.app.head_position())
            assert status.lag_events == status.head
            assert not status.running
            assert status.reason is not None and "runner" in status.reason
        by_name = {status.name: status for status in statuses}
        for status in (by_name["board"], by_name["stats"]):  # the oldest waiting event: Ada's
            assert status.lag_seconds is not None and 9 * 60 < status.lag_seconds < 11 * 60

    def test_with_a_runner_status_shows_it_running_and_caught_up(
        self, model: ReadModel, runners: list[Any]
    ) -> None:
        model.book("Ada", at=datetime.now(UTC) - timedelta(minutes=10))
        start(runners, model, poll_interval=0.2)
        assert projected(model, model.app.head_position())

        for status in model.read_side.status(model.app):
            assert (status.generation, status.position) == (1, model.app.head_position())
            assert (status.lag_events, status.lag_seconds) == (0, 0.0)
            assert (status.running, status.reason) == (True, None)
