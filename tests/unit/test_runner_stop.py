"""A stop that comes while a runner's thread pauses to gather more events ends that thread.

The pause ends on a hurry, which a stop also gives, and the wake the stop sets too is cleared
right after it; the thread must then see the stop before it waits for the next wake (as long as
the poll).
"""

from __future__ import annotations

import threading
from types import SimpleNamespace
from typing import Any

import pytest

import projections.runner
from projections.runner import ProjectionWorker
from projections.shared import SharedLog
from tests.unit.test_runner_gather import Leading

#: Longer than the test waits: a thread waiting this long has missed the stop.
NEVER = 60.0


class Stopping(threading.Event):
    """The stop event, telling the test when a thread has read."""

    def __init__(self) -> None:
        super().__init__()
        self.read = threading.Event()

    def reads(self) -> int:
        """A read that moved something (none once stopping)."""
        self.read.set()
        return 0 if self.is_set() else 1


class Hurried(threading.Event):
    """A thread's hurry, telling the test when the thread pauses on it."""

    def __init__(self) -> None:
        super().__init__()
        self.paused = threading.Event()

    def wait(self, timeout: float | None = None) -> bool:
        self.paused.set()
        return super().wait(timeout)


class Reading(SharedLog):
    """A shared log whose every read moves something, so each is followed by a gather."""

    def catch_up(self) -> int:
        assert isinstance(self.stopping, Stopping)
        return self.stopping.reads()


def stop_while_paused(thread: Any, stopping: Stopping) -> None:
    thread.hurried = hurried = Hurried()
    thread.start()
    assert stopping.read.wait(5.0)  # read once: a wake set now ends the wait that follows
    thread.wake.set()  # read again: the last read moved something, so gather first
    assert hurried.paused.wait(5.0)
    stopping.set()  # as Runner.stop does: the stop, the wake, then the hurry
    thread.wake.set()
    hurried.set()
    thread.join(5.0)
    assert not thread.is_alive()


def test_the_shared_log_stops_while_it_gathers() -> None:
    stopping = Stopping()
    log = Reading(
        None,  # type: ignore[arg-type]  # not read: catch_up is the test's
        None,  # type: ignore[arg-type]
        stopping,
        poll_interval=NEVER,
        gather=NEVER,
        batch_size=10,
    )
    stop_while_paused(log, stopping)


def test_a_projection_following_on_its_own_stops_while_it_gathers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(projections.runner, "record_stop", lambda *args: None)
    stopping = Stopping()
    follower = SimpleNamespace(
        projection=SimpleNamespace(name="board"),
        store=None,
        catch_up=lambda: bool(stopping.reads()),
        forget=lambda: None,
        known=None,  # never joins a shared log
    )
    worker = ProjectionWorker(
        follower,  # type: ignore[arg-type]
        Leading(),
        stopping,
        poll_interval=NEVER,
        gather=NEVER,
    )
    stop_while_paused(worker, stopping)
