"""A read waiting for its own write looks where the projection stands often while the wait is as
long as a runner's usual lag (a doubling pause would see the fold late by as much as it had
waited), then less and less often, and gives up at its deadline."""

from __future__ import annotations

import pytest

from projections import readside
from projections.positions import Live
from projections.readside import LONGEST_PAUSE, LOOK_EVERY, STEADY_LOOKS_FOR, ReadSide


class Clock:
    """``time.monotonic`` and ``time.sleep`` for the wait, with each look taking no time."""

    def __init__(self) -> None:
        self.now = 100.0
        self.pauses: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.pauses.append(seconds)
        self.now += seconds


class Folding(ReadSide):
    """A projection that reaches ``at`` seconds after the wait starts."""

    def __init__(self, clock: Clock, at: float) -> None:
        self.clock, self.reached_at = clock, clock.now + at
        self.looks = self.hurries = 0

    def hurry(self, position: int) -> None:
        assert position == 10
        self.hurries += 1

    def live(self, name: str) -> Live:
        self.looks += 1
        return (1, 10 if self.clock.now >= self.reached_at else 9)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(readside, "time", fake)
    return fake


def test_a_fold_within_the_usual_lag_is_seen_within_one_look(clock: Clock) -> None:
    side = Folding(clock, at=0.0125)

    found = side.reached("board", 10, timeout=2.0)

    assert found == (1, 10)
    assert clock.now - 100.0 <= 0.0125 + LOOK_EVERY + 1e-9
    assert set(clock.pauses) == {LOOK_EVERY}


def test_a_longer_wait_looks_less_and_less_often(clock: Clock) -> None:
    side = Folding(clock, at=1.0)

    assert side.reached("board", 10, timeout=2.0) == (1, 10)

    steady = round(STEADY_LOOKS_FOR / LOOK_EVERY)
    assert clock.pauses[: steady - 1] == [LOOK_EVERY] * (steady - 1)
    later = clock.pauses[steady:]
    assert later == sorted(later) and max(later) == LONGEST_PAUSE
    assert side.looks < steady + 1.0 / LONGEST_PAUSE + 10


def test_a_projection_that_does_not_get_there_is_given_up_at_the_deadline(
    clock: Clock,
) -> None:
    side = Folding(clock, at=5.0)

    assert side.reached("board", 10, timeout=0.3) is None
    assert clock.now - 100.0 == pytest.approx(0.3)
    assert side.wait_for("board", 10, 0.1) is False


def test_a_position_already_reached_is_read_once_without_waiting(clock: Clock) -> None:
    side = Folding(clock, at=0.0)

    assert side.reached("board", 10, timeout=2.0) == (1, 10)
    assert side.looks == 1 and clock.pauses == []
    assert side.hurries == 0


def test_a_wait_hurries_the_runner_once(clock: Clock) -> None:
    side = Folding(clock, at=0.5)

    assert side.reached("board", 10, timeout=2.0) == (1, 10)
    assert side.looks > 2 and side.hurries == 1
