"""Projections inside the web process, for the embedded SQLite setup.

The runner is woken right after each save in this process; if several processes share the
database file, the file locks let exactly one of them follow each projection. A projection's
thread that dies on an unexpected error is started again, after a backoff.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from application.statusboard import StatusBoard
from projections.catalog import build_projections
from projections.readside import ReadSide
from projections.runner import Runner
from projections.supervision import Backoff

logger = logging.getLogger("statusboard.projections")


class EmbeddedProjections:
    def __init__(
        self,
        app: StatusBoard,
        read_side: ReadSide,
        database_url: str,
        *,
        poll_interval: float = 0.5,
        backoff: Backoff | None = None,
    ) -> None:
        self.runner = Runner(
            app,
            read_side.store,
            build_projections(read_side.timezone).values(),
            database_url,
            poll_interval=poll_interval,
        )
        #: Called with a projection's name each time its thread is started again.
        self.restart_listeners: list[Callable[[str], None]] = []
        self.backoff = backoff or Backoff()
        self.watch_interval = poll_interval
        self._watcher = threading.Thread(target=self._watch, name="projections-watch", daemon=True)

    def start(self) -> None:
        self.runner.start()
        self._watcher.start()

    def stop(self) -> None:
        self.runner.stop()
        if self._watcher.is_alive():
            self._watcher.join()

    def _watch(self) -> None:
        started = time.monotonic()
        while not self.runner.stopping.wait(self.watch_interval):
            dead = self.runner.dead()
            if not dead:
                continue
            delay = self.backoff.after_exit(time.monotonic() - started)
            logger.warning("projection thread of %s died; restarting it in %.1f s", dead, delay)
            if self.runner.stopping.wait(delay):
                return
            for name in self.runner.revive():
                for listener in self.restart_listeners:
                    listener(name)
            started = time.monotonic()
