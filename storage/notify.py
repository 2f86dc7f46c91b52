"""Waking on PostgreSQL NOTIFY, with a connection of its own that comes back when it dies."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

import psycopg

from storage.postgres import PostgresStore

logger = logging.getLogger("statusboard.projections")


class NotifyListener(threading.Thread):
    """Calls ``wake`` on PostgreSQL NOTIFY; reconnects when its connection dies."""

    def __init__(
        self,
        store: PostgresStore,
        channel: str,
        wake: Callable[[], None],
        stopping: threading.Event,
    ) -> None:
        super().__init__(name="projection-listener", daemon=True)
        self.store, self.channel, self.wake, self.stopping = store, channel, wake, stopping
        self.connection: psycopg.Connection[Any] | None = None

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                self._listen()
            except psycopg.Error as error:
                logger.warning("LISTEN connection lost (%s); polling until it is back", error)
                self.stopping.wait(1.0)

    def _listen(self) -> None:
        with self.store.connect() as connection:
            self.connection = connection
            connection.execute(f'LISTEN "{self.channel}"')
            self.wake()  # anything saved while we were not listening
            while not self.stopping.is_set():
                for _ in connection.notifies(timeout=0.2, stop_after=1):
                    self.wake()
