"""The gunicorn worker keeps each request's clock from the moment it hands the connection on."""

from __future__ import annotations

from typing import Any

import pytest
from gunicorn.workers.gthread import ThreadWorker

from adapters import request_clock
from adapters.worker import TimedThreadWorker


class Answering(ThreadWorker):  # type: ignore[misc]
    """Stands in for gunicorn's own part: queues connections, answers with the app's part."""

    def enqueue_req(self, conn: Any) -> None:
        self.queued.append(conn)

    def handle(self, conn: Any) -> bool:
        return bool(self.handle_request("request", conn))

    def handle_request(self, req: Any, conn: Any) -> bool:
        clock = request_clock.current()
        assert clock is not None
        self.clocks.append(clock)
        clock.when_sent.append(self.totals.append)
        return True


class Probe(TimedThreadWorker, Answering):
    pass


class Connection:
    taken: float


def worker() -> Probe:
    probe: Probe = Probe.__new__(Probe)  # gunicorn's arbiter is not needed for this
    probe.queued, probe.clocks, probe.totals = [], [], []
    return probe


class TestTimedThreadWorker:
    def test_a_connection_handed_to_the_threads_is_stamped(self) -> None:
        probe, conn = worker(), Connection()

        probe.enqueue_req(conn)

        assert probe.queued == [conn] and conn.taken > 0

    def test_the_request_is_timed_from_the_stamp_until_its_answer_is_written(self) -> None:
        probe, conn = worker(), Connection()
        probe.enqueue_req(conn)

        kept_alive = probe.handle_request("request", conn)

        assert kept_alive is True
        assert [clock.taken for clock in probe.clocks] == [conn.taken]
        assert len(probe.totals) == 1 and probe.totals[0] >= 0
        assert request_clock.current() is None

    def test_the_clock_knows_when_a_thread_took_the_connection_up(self) -> None:
        probe, conn = worker(), Connection()
        probe.enqueue_req(conn)

        probe.handle(conn)

        [clock] = probe.clocks
        assert clock.picked is not None and clock.picked >= clock.taken

    def test_a_failed_request_still_ends_its_clock(self) -> None:
        probe = worker()
        probe.clocks = None  # the stand-in fails when it records the clock

        with pytest.raises(AttributeError):
            probe.handle_request("request", Connection())

        assert request_clock.current() is None
