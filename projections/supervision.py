"""How long to wait before restarting something that keeps the read models current."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from projections.runner import Runner

logger = logging.getLogger("statusboard.projections")


@dataclass
class Backoff:
    """Restart soon after a rare exit; wait longer each time it exits again soon after a start.

    A runner that ran for ``healthy_seconds`` before it exited is restarted after ``first``
    seconds; each exit sooner than that doubles the wait, up to ``longest``, so a runner that
    cannot start (a database it cannot read, a bug at start-up) does not spin.
    """

    first: float = 0.25
    longest: float = 30.0
    healthy_seconds: float = 30.0
    _next: float = 0.0

    def after_exit(self, ran_seconds: float) -> float:
        """The wait before the next start, for a run that lasted ``ran_seconds``."""
        if ran_seconds >= self.healthy_seconds or not self._next:
            self._next = self.first
        delay = self._next
        self._next = min(self._next * 2, self.longest)
        return delay


class ThreadSupervisor(threading.Thread):
    """Watches a runner's projection threads; one that died is started again after a backoff.

    ``listeners`` are called with the projection's name at each restart.
    """

    def __init__(
        self,
        runner: Runner,
        listeners: list[Callable[[str], None]],
        *,
        backoff: Backoff | None = None,
        interval: float = 0.5,
    ) -> None:
        super().__init__(name="projections-supervisor", daemon=True)
        self.runner = runner
        self.listeners = listeners
        self.backoff = backoff or Backoff()
        self.interval = interval

    def run(self) -> None:
        started = time.monotonic()
        stopping = self.runner.stopping
        while not stopping.wait(self.interval):
            dead = self.runner.dead()
            if not dead:
                continue
            delay = self.backoff.after_exit(time.monotonic() - started)
            logger.warning("projection threads %s died; restarting them in %.1f s", dead, delay)
            if stopping.wait(delay):
                return
            for name in self.runner.revive():
                for listener in self.listeners:
                    listener(name)
            started = time.monotonic()
