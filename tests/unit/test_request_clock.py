"""A request's clock: what the server and the app write on it, and what the pools add."""

from __future__ import annotations

from adapters import request_clock


class FakePool:
    def __init__(self) -> None:
        self.lent: list[float | None] = []

    def getconn(self, timeout: float | None = None) -> str:
        self.lent.append(timeout)
        return "connection"


class TestTheClock:
    def test_finishing_tells_each_callback_the_total_since_the_request_was_taken(self) -> None:
        clock = request_clock.start(taken=10.0)
        totals: list[float] = []
        clock.when_sent.append(totals.append)

        request_clock.finish()

        assert len(totals) == 1 and totals[0] > 0
        assert request_clock.current() is None

    def test_a_thread_without_a_request_has_no_clock_and_finishing_it_does_nothing(self) -> None:
        request_clock.finish()

        assert request_clock.current() is None


class TestTimedCheckouts:
    def test_each_checkout_counts_towards_the_current_request(self) -> None:
        pool = FakePool()
        request_clock.time_checkouts(pool)
        clock = request_clock.start()

        connections = [pool.getconn(), pool.getconn(timeout=2.0)]
        request_clock.finish()

        assert connections == ["connection", "connection"]
        assert pool.lent == [None, 2.0]
        assert clock.checkouts == 2 and clock.waited >= 0

    def test_a_checkout_outside_a_request_is_lent_and_counted_nowhere(self) -> None:
        pool = FakePool()
        request_clock.time_checkouts(pool)

        assert pool.getconn() == "connection"

    def test_a_pool_is_wrapped_once_however_often_it_is_watched(self) -> None:
        pool = FakePool()
        request_clock.time_checkouts(pool)
        request_clock.time_checkouts(pool)
        clock = request_clock.start()

        pool.getconn()
        request_clock.finish()

        assert clock.checkouts == 1
