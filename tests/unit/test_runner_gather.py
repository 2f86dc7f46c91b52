"""A busy projection is caught up at most once per gathering time, counted from the start of
the catch-up before: a slow catch-up is followed at once, a quick one after the rest of it, and
one hurried by a reader waiting for it at once."""

from __future__ import annotations

import threading
import time
from types import SimpleNamespace
from typing import Any

from projections.runner import ProjectionWorker


class Leading:
    def acquire(self) -> bool:
        return True

    def held(self) -> bool:
        return True

    def release(self) -> None:
        pass


class BusyFollower:
    """Every catch-up finds something, takes ``duration`` seconds, and a save arrives while it
    runs; the worker stops after ``rounds`` of them."""

    def __init__(self, duration: float, rounds: int, hurry: bool = False) -> None:
        self.projection = SimpleNamespace(name="board")
        self.duration, self.rounds, self.hurry = duration, rounds, hurry
        self.spans: list[tuple[float, float]] = []
        self.worker: ProjectionWorker | None = None

    def catch_up(self) -> int:
        started = time.monotonic()
        time.sleep(self.duration)
        assert self.worker is not None
        self.worker.wake.set()
        if self.hurry:
            self.worker.hurried.set()
        self.spans.append((started, time.monotonic()))
        if len(self.spans) == self.rounds:
            self.worker.stopping.set()
        return 1

    def forget(self) -> None:
        pass


def follow(
    duration: float, gather: float, rounds: int = 4, hurry: bool = False
) -> list[tuple[float, float]]:
    follower = BusyFollower(duration, rounds, hurry)
    worker = ProjectionWorker(
        follower,  # type: ignore[arg-type]
        Leading(),
        threading.Event(),
        poll_interval=5.0,
        gather=gather,
    )
    follower.worker = worker
    worker._follow()
    return follower.spans


def gaps(spans: list[tuple[float, float]], pick: Any) -> list[float]:
    return [pick(after, before) for before, after in zip(spans, spans[1:], strict=False)]


def test_a_catch_up_slower_than_the_gathering_time_is_followed_at_once() -> None:
    spans = follow(duration=0.12, gather=0.08, rounds=3)
    # From one catch-up's end to the next one's start: no gathering time added (counted from
    # the end, it would be 0.08 s; half of that is left for a busy machine's scheduling).
    assert max(gaps(spans, lambda after, before: after[0] - before[1])) < 0.04


def test_quick_catch_ups_start_a_gathering_time_apart() -> None:
    spans = follow(duration=0.0, gather=0.05)
    assert min(gaps(spans, lambda after, before: after[0] - before[0])) >= 0.049


def test_a_hurry_ends_the_gathering_time() -> None:
    spans = follow(duration=0.0, gather=60.0, rounds=3, hurry=True)
    assert len(spans) == 3
