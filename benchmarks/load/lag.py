"""How far behind the log the read models are, sampled while the load runs.

Two measures:

- **Read-your-writes lag of each move**: the time from the client receiving a move's answer
  (with its `X-Event-Position`) until the projection's stored position reaches it; 0 when the
  projection was already there. Positions are polled directly from `projection_tracking`
  (every 5 ms) when the database is known, else from `/metrics` (every 50 ms); a move counts as
  seen at the first poll that *started* after the position was stored, so the figure errs high
  by at most one interval plus one query.
- **Lag as operators see it**: `lag_seconds` / `lag_events` from `/metrics` every 5 s, the
  same numbers `statusboard projections status` prints. Not more often: each scrape merges
  every process's metrics and reads the projections' status in a web worker, a load of its own
  on what is measured (docs/BENCHMARKS.md, "The operator gauges"); Prometheus scrapes every
  15 s or so.
"""

from __future__ import annotations

import bisect
import re
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from typing import Any

import psycopg

PROJECTIONS = ("board", "stats", "activity")
_LIVE = (
    "SELECT t.projection, t.notification_id FROM projection_tracking t"
    " JOIN projection_state s ON s.projection = t.projection"
    " AND s.live_generation = t.generation"
)
#: Seconds between two scrapes of the operator gauges.
GAUGE_INTERVAL = 5.0
_GAUGE = re.compile(r'^statusboard_projection_(\w+)\{projection="(\w+)"\} ([0-9.eE+-]+)$')


@dataclass
class Positions:
    """When each projection first reached each stored position (only changes are kept)."""

    times: dict[str, list[float]] = field(default_factory=dict)
    values: dict[str, list[int]] = field(default_factory=dict)

    def add(self, when: float, name: str, position: int) -> None:
        values = self.values.setdefault(name, [])
        if not values or position > values[-1]:
            values.append(position)
            self.times.setdefault(name, []).append(when)

    def reached(self, name: str, position: int) -> float | None:
        values = self.values.get(name, [])
        index = bisect.bisect_left(values, position)
        return self.times[name][index] if index < len(values) else None


class Sampler(threading.Thread):
    """Polls projection positions (and operator gauges) until stopped."""

    def __init__(self, base_url: str | None, database_url: str | None) -> None:
        """``base_url`` None: positions from the database only, no operator gauges."""
        super().__init__(name="lag-sampler", daemon=True)
        self.base_url, self.database_url = base_url, database_url
        self.interval = 0.005 if database_url else 0.05
        self.positions = Positions()
        self.gauges: list[dict[str, Any]] = []
        self.stopping = threading.Event()
        self.errors = 0
        #: The database backend that answers the polls: its work is the measurement's, not
        #: the service's (``CpuMeter`` leaves it out).
        self.backend_pid: int | None = None
        self._connected = threading.Event()

    def start(self) -> None:
        """Starts polling, once connected (so a meter read after it can leave the polls out)."""
        super().start()
        self._connected.wait(10)

    def run(self) -> None:
        connection = None
        try:
            if self.database_url:
                connection = psycopg.connect(self.database_url, autocommit=True)
                self.backend_pid = connection.info.backend_pid
        finally:
            self._connected.set()
        next_gauge = 0.0
        try:
            while not self.stopping.is_set():
                started = time.time()
                try:
                    for name, position in self._poll(connection):
                        self.positions.add(started, name, position)
                    if self.base_url is not None and started >= next_gauge:
                        self.gauges.append({"t": started, **self._gauges()})
                        next_gauge = started + GAUGE_INTERVAL
                except (OSError, psycopg.Error):
                    self.errors += 1
                self.stopping.wait(self.interval)
        finally:
            if connection is not None:
                connection.close()

    def backends(self) -> set[int]:
        """The database backend the polls use, if any."""
        return set() if self.backend_pid is None else {self.backend_pid}

    def stop(self) -> None:
        self.stopping.set()
        self.join(10)

    def _poll(self, connection: psycopg.Connection[Any] | None) -> list[tuple[str, int]]:
        if connection is not None:
            return [(name, int(position)) for name, position in connection.execute(_LIVE)]
        return [
            (projection, int(value))
            for kind, projection, value in self._scrape()
            if kind == "position"
        ]

    def _gauges(self) -> dict[str, float]:
        return {
            f"{kind}:{projection}": value
            for kind, projection, value in self._scrape()
            if kind in ("lag_seconds", "lag_events")
        }

    def _scrape(self) -> list[tuple[str, str, float]]:
        with urllib.request.urlopen(f"{self.base_url}/metrics", timeout=5) as response:
            text = response.read().decode()
        found = []
        for line in text.splitlines():
            match = _GAUGE.match(line)
            if match:
                found.append((match[1], match[2], float(match[3])))
        return found


def move_lags(samples: list[list[Any]], positions: Positions, name: str) -> list[float]:
    """Milliseconds from each applied move's answer until ``name`` had processed it."""
    lags = []
    for started, _endpoint, elapsed_ms, status, position, *_worker in samples:
        if status != 200 or not position:
            continue
        answered = started + elapsed_ms / 1000
        reached = positions.reached(name, position)
        if reached is not None:
            lags.append(max(0.0, (reached - answered) * 1000))
    return lags
