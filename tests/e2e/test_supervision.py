"""`statusboard serve` keeps its projection runner running, whatever ends it."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
from collections.abc import Iterator

import pytest

from adapters.smoke import Client, Smoke
from tests.e2e.conftest import statusboard
from tests.e2e.serve_support import metric, projections, runner_pids, serve, wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

RESTARTS = "statusboard_runner_restarts_total"
#: How soon after its runner was killed the read models must be current again.
#: A bound on recovery that a busy machine meets; the time it takes is measured, not tested
#: (docs/BENCHMARKS.md, "The supervised runner").
RECOVERY_SECONDS = 30.0


@pytest.fixture
def serving(postgres_url: str) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """`statusboard serve` with two workers and its runner, on a fresh database."""
    with serve(postgres_url, "--workers", "2") as running:
        yield running


@pytest.fixture
def desk(serving: tuple[str, subprocess.Popen[str]], postgres_url: str) -> Smoke:
    """A front desk with an admin token, ready to book appointments."""
    created = statusboard(
        "tokens", "create", "--name", "desk", "--role", "admin", database_url=postgres_url
    )
    smoke = Smoke(Client(serving[0], created.stdout.strip().splitlines()[-1]))
    smoke.services()
    return smoke


def caught_up(url: str, position: int) -> bool:
    found = projections(url)
    return bool(found) and all(p["position"] >= position for p in found)


def kill_runner(server: subprocess.Popen[str]) -> int:
    [runner] = runner_pids(server)
    os.kill(runner, signal.SIGKILL)
    return runner


class Bookings(threading.Thread):
    """Books appointments one after another until stopped; remembers the last position."""

    def __init__(self, desk: Smoke) -> None:
        super().__init__(daemon=True)
        self.desk = Smoke(desk.client, dict(desk.state))
        self.stopping = threading.Event()
        self.booked = 0

    def run(self) -> None:
        while not self.stopping.is_set():
            self.desk.book()
            self.booked += 1

    def stop(self) -> int:
        self.stopping.set()
        self.join()
        return int(self.desk.state["position"])


class TestServeSupervisesItsRunner:
    def test_a_killed_runner_is_restarted_and_the_read_models_catch_up(
        self, serving: tuple[str, subprocess.Popen[str]], desk: Smoke
    ) -> None:
        url, server = serving

        killed = kill_runner(server)
        desk.book()  # while no runner runs
        waited = wait_for(lambda: caught_up(url, desk.state["position"]), RECOVERY_SECONDS)

        assert waited < RECOVERY_SECONDS
        assert runner_pids(server) not in ([], [killed])
        assert metric(url, RESTARTS) == 1.0

    def test_a_runner_killed_again_and_again_under_load_is_restarted_every_time(
        self, serving: tuple[str, subprocess.Popen[str]], desk: Smoke
    ) -> None:
        url, server = serving
        bookings = Bookings(desk)
        bookings.start()

        for _ in range(3):
            killed = kill_runner(server)
            wait_for(lambda: runner_pids(server) not in ([], [killed]), timeout=15)  # noqa: B023
            wait_for(lambda: caught_up(url, int(bookings.desk.state["position"])), timeout=15)
        last = bookings.stop()

        wait_for(lambda: caught_up(url, last), RECOVERY_SECONDS)
        assert bookings.booked > 3
        assert metric(url, RESTARTS) == 3.0

    def test_a_runner_that_stops_by_itself_is_restarted_too(
        self, serving: tuple[str, subprocess.Popen[str]], desk: Smoke
    ) -> None:
        url, server = serving
        [runner] = runner_pids(server)

        os.kill(runner, signal.SIGTERM)  # a clean exit, as an operator's mistake would cause
        # It first stops its projection threads, which may take a while on a busy machine.
        wait_for(lambda: runner_pids(server) not in ([], [runner]), timeout=30)
        desk.book()

        wait_for(lambda: caught_up(url, desk.state["position"]), timeout=15)
        assert metric(url, RESTARTS) == 1.0
