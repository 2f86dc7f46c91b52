"""How long to wait before restarting something that keeps the read models current."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Backoff:
    """Restart soon after a rare exit; wait longer each time it exits again soon after a start.

    A runner that ran for ``healthy_seconds`` before it exited is restarted after ``first``
    seconds; each exit sooner than that doubles the wait, up to ``longest``, so a runner that
    cannot start (a database it cannot read, a bug at start-up) does not spin.
    """

    first: float = 0.5
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
