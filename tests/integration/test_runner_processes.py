"""Runner processes that die: killed mid-batch, or killed while a replica waits to take over.

Run as a script, this module is a projection runner process: DATABASE_URL names the store,
STATUSBOARD_TEST_BATCH its batch size, STATUSBOARD_TEST_SLOW_MS how long each batch
lingers inside its transaction after folding its rows, so a kill lands mid-batch.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from domain import status as st
from projections.catalog import NAMES
from tests.integration.test_projection_harness import NINE, ReadModel, minutes

ROOT = Path(__file__).resolve().parents[2]
ACTIVE = "this runner is now active"


class RunnerProcess:
    """A runner in a process of its own, whose log lines the test can wait for."""

    def __init__(self, url: str, *, batch: int = 1000, slow_ms: int = 0) -> None:
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "DATABASE_URL": url,
            "STATUSBOARD_TEST_BATCH": str(batch),
            "STATUSBOARD_TEST_SLOW_MS": str(slow_ms),
        }
        self.process = subprocess.Popen(
            [sys.executable, __file__],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[tuple[float, str]] = []
        self.changed = threading.Condition()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            with self.changed:
                self.lines.append((time.monotonic(), line.rstrip()))
                self.changed.notify_all()

    def seen(self, text: str) -> list[float]:
        with self.changed:
            return [at for at, line in self.lines if text in line]

    def wait_for_line(self, text: str, timeout: float = 15.0) -> float:
        """When a line containing ``text`` was printed; fails after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while not (found := [at for at, line in self.lines if text in line]):
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self.process.poll() is not None and not self.reader.is_alive():
                    output = "\n".join(line for _, line in self.lines)
                    raise AssertionError(f"no line with {text!r} within {timeout}s:\n{output}")
                self.changed.wait(min(remaining, 0.2))
        return found[0]

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)
        self.reader.join(5)


@pytest.fixture
def start_runner() -> Iterator[Any]:
    """Starts runner processes, and kills whichever are still alive after the test."""
    started: list[RunnerProcess] = []

    def start(url: str, **options: int) -> RunnerProcess:
        started.append(RunnerProcess(url, **options))
        return started[-1]

    yield start
    for runner in started:
        runner.kill()


@pytest.fixture
def database_url(store_url: str) -> str:
    """A store that several processes can share: a SQLite file, or a PostgreSQL database."""
    return store_url


def backlog(model: ReadModel, count: int) -> list[Any]:
    """``count`` bookings, each checked in and most of them started."""
    idents = [model.book(f"Customer {n:03d}", starts_at=NINE + minutes(n)) for n in range(count)]
    for n, ident in enumerate(idents):
        model.walk(ident, (st.CHECKED_IN, NINE + minutes(n)))
        if n % 3:
            model.walk(ident, (st.IN_PROGRESS, NINE + minutes(n + 7)))
    return idents


def caught_up(model: ReadModel, names: Sequence[str] = NAMES, timeout: float = 20.0) -> bool:
    head = model.app.head_position()
    return all(model.read_side.wait_for(name, head, timeout) for name in names)


def assert_exactly_once(model: ReadModel, bookings: int) -> None:
    """A full rebuild agrees with what the runners built, and the sums count each booking once."""
    for name in NAMES:
        assert model.rebuild(name, dry_run=True).counts() == (0, 0, 0), name
    assert len(model.rows("board")["board"]) == bookings
    assert sum(row[2] for row in model.rows("stats")["stats"].values()) == bookings
    assert model.read_side.stats("main-street", NINE.date()).total == bookings


class TestKilledMidBatch:
    def test_a_restarted_runner_neither_loses_nor_repeats_an_event(
        self, model: ReadModel, start_runner: Any
    ) -> None:
        backlog(model, 30)
        head = model.app.head_position()
        slow = start_runner(model.url, batch=3, slow_ms=30)
        assert model.read_side.wait_for("stats", head // 4, 20)

        slow.kill()

        assert 0 < model.read_side.position("stats") < head
        start_runner(model.url)
        assert caught_up(model)
        assert_exactly_once(model, 30)


class TestReplicas:
    def test_exactly_one_replica_is_active_and_another_takes_over_when_it_dies(
        self, model: ReadModel, start_runner: Any
    ) -> None:
        first = start_runner(model.url)
        for name in NAMES:
            first.wait_for_line(f"projection {name}: {ACTIVE}")
        second = start_runner(model.url)
        second.wait_for_line("runner started")
        backlog(model, 5)
        assert caught_up(model)
        assert second.seen(ACTIVE) == []
        assert all(status.running for status in model.read_side.status(model.app))

        killed_at = time.monotonic()
        first.kill()
        took_over = [second.wait_for_line(f"projection {name}: {ACTIVE}") for name in NAMES]

        assert max(took_over) - killed_at < 5.0
        assert all(status.running for status in model.read_side.status(model.app))
        model.book("After the failover")
        assert caught_up(model, timeout=5)
        assert_exactly_once(model, 6)


def slowed(projection: Any, delay: float) -> Any:
    """The projection, lingering in each batch's transaction after folding its rows."""

    class Slowed(type(projection)):  # type: ignore[misc]
        def apply(self, cursor: Any, generation: int, events: Any) -> None:
            super().apply(cursor, generation, events)
            time.sleep(delay)

    return Slowed(projection.timezone)


def main() -> None:
    """A runner process, as the tests above start it."""
    from application.statusboard import StatusBoard
    from projections.catalog import build_projections
    from projections.readside import ReadSide
    from projections.runner import Runner
    from storage.eventstore import store_env

    logging.basicConfig(level=logging.INFO, stream=sys.stdout, format="%(message)s")
    url = os.environ["DATABASE_URL"]
    delay = int(os.environ.get("STATUSBOARD_TEST_SLOW_MS", "0")) / 1000
    app = StatusBoard(store_env(url))
    read_side = ReadSide.open(url)
    projections = [slowed(p, delay) for p in build_projections("UTC").values()]
    runner = Runner(
        app,
        read_side.store,
        projections,
        url,
        batch_size=int(os.environ.get("STATUSBOARD_TEST_BATCH", "1000")),
    )
    signal.signal(signal.SIGTERM, lambda *_: runner.stopping.set())
    runner.start()
    print("runner started", flush=True)
    runner.wait()
    runner.stop()


if __name__ == "__main__":
    main()
