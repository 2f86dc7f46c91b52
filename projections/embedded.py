"""Projections inside the web process, for the embedded SQLite setup.

The runner is woken right after each save in this process; if several processes share the
database file, the file locks let exactly one of them follow each projection. A projection's
thread that dies on an unexpected error is started again, after a backoff.
"""

from __future__ import annotations

from collections.abc import Callable

from application.statusboard import StatusBoard
from projections.catalog import build_projections
from projections.readside import ReadSide
from projections.runner import Runner
from projections.supervision import ThreadSupervisor


class EmbeddedProjections:
    def __init__(
        self,
        app: StatusBoard,
        read_side: ReadSide,
        database_url: str,
        *,
        poll_interval: float = 0.5,
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
        self.supervisor = ThreadSupervisor(
            self.runner, self.restart_listeners, interval=poll_interval
        )

    def start(self) -> None:
        self.runner.start()
        self.supervisor.start()

    def stop(self) -> None:
        self.runner.stop()
        if self.supervisor.is_alive():
            self.supervisor.join()
