"""Where a request's time at the server went: queued for a thread, waiting for a database
connection, in the handler, and in all until its answer was written.

The gunicorn worker (``adapters.worker``) starts a request's clock when it hands the connection to
a thread and stops it once the answer is written; the app reads the clock when its handler starts
and adds to it each wait for a pooled connection. A gthread worker answers a request in one
thread from start to end, so the clock is the thread's. Under a server that keeps no clock (the
development server, the test client) the app starts one itself when its handler starts.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

_local = threading.local()


@dataclass
class Clock:
    #: ``time.perf_counter()`` when the server handed the request to a thread.
    taken: float
    #: When a thread started on it (None: not known): before, it waited for a free thread.
    picked: float | None = None
    #: Seconds spent waiting for pooled database connections, and how many were taken.
    waited: float = 0.0
    checkouts: int = 0
    #: Called with the request's seconds at the server once its answer is written.
    when_sent: list[Callable[[float], None]] = field(default_factory=list)


def start(taken: float | None = None, picked: float | None = None) -> Clock:
    """A new clock for this thread's request, started at ``taken`` (default: now)."""
    clock = Clock(time.perf_counter() if taken is None else taken, picked)
    _local.clock = clock
    return clock


def current() -> Clock | None:
    found: Clock | None = getattr(_local, "clock", None)
    return found


def finish() -> None:
    """The answer is written: the request's callbacks learn its total, the thread's clock ends."""
    clock = current()
    _local.clock = None
    if clock is None:
        return
    total = time.perf_counter() - clock.taken
    for callback in clock.when_sent:
        callback(total)


@contextmanager
def waiting_for_connection() -> Iterator[None]:
    """Counts the time inside towards the current request's waits for a connection."""
    started = time.perf_counter()
    try:
        yield
    finally:
        clock = current()
        if clock is not None:
            clock.waited += time.perf_counter() - started
            clock.checkouts += 1


class Pool(Protocol):
    def getconn(self, timeout: float | None = None) -> Any: ...


def time_checkouts(pool: Pool) -> None:
    """Each checkout from ``pool`` counts as the current request's wait for a connection.

    psycopg_pool offers no hook around a checkout, and both of our pools (the event store's,
    built by the eventsourcing library, and the read models') lend every connection through
    ``getconn``, so that method of this one pool is wrapped.
    """
    if getattr(pool.getconn, "timed", False):
        return
    checkout = pool.getconn

    def getconn(timeout: float | None = None) -> Any:
        with waiting_for_connection():
            return checkout(timeout)

    getconn.timed = True  # type: ignore[attr-defined]
    setattr(pool, "getconn", getconn)  # noqa: B010 - mypy refuses assigning to a method
