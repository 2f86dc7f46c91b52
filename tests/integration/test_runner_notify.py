"""On PostgreSQL the runner wakes on NOTIFY, and a dead LISTEN connection never stalls it."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import closing

import psycopg
import pytest

import storage.notify
from application.statusboard import StatusBoard
from projections.runner import Runner
from storage.eventstore import store_env
from tests.integration.test_projection_harness import DESK, NINE, ReadModel, stock

pytestmark = pytest.mark.postgres

#: Longer than any wait below: a runner polling this slowly is only ever woken by NOTIFY.
NEVER = 60.0


@pytest.fixture
def model(postgres_url: str) -> Iterator[ReadModel]:
    """The runner's side: a read side and the application it follows, with no catalog yet."""
    model = ReadModel(postgres_url, stocked=False)
    yield model
    model.close()


@pytest.fixture
def writer(postgres_url: str) -> Iterator[StatusBoard]:
    """Another process's status board: its saves do not wake the runner directly."""
    with closing(StatusBoard(store_env(postgres_url))) as app:
        stock(app)
        yield app


def start_runner(model: ReadModel, poll_interval: float, channel: str | None = None) -> Runner:
    runner = model.runner(poll_interval=poll_interval)
    if channel is not None:
        assert runner.listener is not None
        runner.listener.channel = channel
    runner.start()
    return runner


def listening_backends(url: str) -> list[int]:
    with psycopg.connect(url, autocommit=True) as connection:
        rows = connection.execute(
            "SELECT pid FROM pg_stat_activity"
            " WHERE datname = current_database() AND query LIKE 'LISTEN%' AND state = 'idle'"
        ).fetchall()
    return [row[0] for row in rows]


def wait_for_listener(url: str, other_than: int | None = None, timeout: float = 5.0) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        fresh = [pid for pid in listening_backends(url) if pid != other_than]
        if fresh:
            return fresh[0]
        time.sleep(0.05)
    raise AssertionError("the runner is not listening")


def terminate(url: str, pid: int) -> None:
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("SELECT pg_terminate_backend(%s)", (pid,))


def book_elsewhere(writer: StatusBoard) -> int:
    outcome = writer.book_appointment(
        location_id="main-street",
        starts_at=NINE,
        customer={"name": "Ada"},
        services=[{"code": "CUT"}],
        stamp=DESK,
    )
    return outcome.position


def projected(model: ReadModel, position: int, timeout: float = 3.0) -> bool:
    return all(model.read_side.wait_for(name, position, timeout) for name in ("board", "stats"))


class TestNotify:
    def test_a_save_by_another_process_wakes_the_runner_at_once(
        self, model: ReadModel, writer: StatusBoard, runners: list[Runner]
    ) -> None:
        runners.append(start_runner(model, NEVER))
        wait_for_listener(model.url)

        assert projected(model, book_elsewhere(writer))

    def test_the_runner_listens_again_after_its_connection_is_terminated(
        self, model: ReadModel, writer: StatusBoard, runners: list[Runner]
    ) -> None:
        runners.append(start_runner(model, NEVER))
        first = wait_for_listener(model.url)

        terminate(model.url, first)
        wait_for_listener(model.url, other_than=first)

        assert projected(model, book_elsewhere(writer))

    def test_a_terminated_listen_connection_does_not_stall_the_runner(
        self, model: ReadModel, writer: StatusBoard, runners: list[Runner]
    ) -> None:
        runners.append(start_runner(model, poll_interval=0.5))
        terminate(model.url, wait_for_listener(model.url))

        positions = [book_elsewhere(writer) for _ in range(3)]

        assert projected(model, positions[-1])

    def test_a_stop_ends_the_wait_for_a_notification_at_once(
        self, model: ReadModel, runners: list[Runner], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(storage.notify, "RECHECK_SECONDS", NEVER)
        runner = start_runner(model, NEVER)
        wait_for_listener(model.url)

        assert runner.stop(timeout=3.0) == []
        assert listening_backends(model.url) == []


class TestPolling:
    def test_polling_alone_keeps_the_runner_current(
        self, model: ReadModel, writer: StatusBoard, runners: list[Runner]
    ) -> None:
        runners.append(start_runner(model, poll_interval=0.2, channel="nothing_is_sent_here"))
        wait_for_listener(model.url)

        assert projected(model, book_elsewhere(writer))
        assert projected(model, book_elsewhere(writer))
