"""Waking on PostgreSQL NOTIFY, with a connection of its own that comes back when it dies."""

from __future__ import annotations

import contextlib
import logging
import selectors
import socket
import threading
from collections.abc import Callable
from typing import Any

import psycopg

from storage.postgres import PostgresStore

logger = logging.getLogger("statusboard.projections")

#: The longest a wait for a notification lasts before the stop is looked at again, should an
#: interruption ever be missed; ``interrupt`` ends the wait at once.
RECHECK_SECONDS = 1.0

#: The payload of a reader's NOTIFY on the events' channel when it waits for the fold of its
#: own write (``hurry``), followed by a space and the write's position; a save's NOTIFY has
#: none. A runner that does not know it takes it for a save, and only looks at the log again.
HURRY = "hurry"


def hurry(store: PostgresStore, channel: str, position: int) -> None:
    """Asks every runner listening on ``channel`` to fold up to ``position`` at once, rather
    than after gathering more saves."""
    store.fetchone("SELECT pg_notify(?, ?)", (channel, f"{HURRY} {position}"))


def hurried_to(payloads: set[str]) -> int | None:
    """The furthest position the hurries among ``payloads`` wait for; None when one of them
    names none. Only called when there is a hurry among them."""
    positions = [payload.partition(" ")[2] for payload in payloads if _is_hurry(payload)]
    if not all(position.isdigit() for position in positions):
        return None
    return max(int(position) for position in positions)


def _is_hurry(payload: str) -> bool:
    return payload == HURRY or payload.startswith(HURRY + " ")


class NotifyListener(threading.Thread):
    """Calls ``wake`` on a save's PostgreSQL NOTIFY and ``hurry`` on a reader's (``HURRY``);
    reconnects when its connection dies.

    It waits on its connection's socket and on a socket pair of its own, so ``interrupt`` (after
    ``stopping`` is set) ends the wait at once rather than at the next timeout.
    """

    def __init__(
        self,
        store: PostgresStore,
        channel: str,
        wake: Callable[[], None],
        stopping: threading.Event,
        *,
        hurry: Callable[[int | None], None] = lambda _position: None,
    ) -> None:
        super().__init__(name="projection-listener", daemon=True)
        self.store, self.channel, self.wake, self.stopping = store, channel, wake, stopping
        self.hurry = hurry
        self.connection: psycopg.Connection[Any] | None = None
        # Sockets rather than a pipe's bare descriptors: writing to one closed with the thread
        # fails, where a descriptor number may already belong to another file.
        self._interrupted, self._interrupt = socket.socketpair()
        self._interrupt.setblocking(False)

    def interrupt(self) -> None:
        """Ends the current wait, so that a stop is seen at once."""
        with contextlib.suppress(OSError):  # already interrupted, or closed with the thread
            self._interrupt.send(b"!")

    def run(self) -> None:
        try:
            while not self.stopping.is_set():
                try:
                    self._listen()
                except psycopg.Error as error:
                    logger.warning("LISTEN connection lost (%s); polling until it is back", error)
                    self.stopping.wait(1.0)
        finally:
            self._interrupted.close()
            self._interrupt.close()

    def _listen(self) -> None:
        with self.store.connect() as connection, selectors.DefaultSelector() as selector:
            self.connection = connection
            connection.execute(f'LISTEN "{self.channel}"')
            self.wake()  # anything saved while we were not listening
            selector.register(connection.fileno(), selectors.EVENT_READ)
            selector.register(self._interrupted, selectors.EVENT_READ)
            while not self.stopping.is_set():
                if not selector.select(RECHECK_SECONDS):
                    continue
                # Whatever has arrived, at once; a connection that died raises here. A hurry
                # comes after the save it waits for, so the wake is given first.
                payloads = {n.payload for n in connection.notifies(timeout=0.0)}
                hurries = {payload for payload in payloads if _is_hurry(payload)}
                if payloads - hurries:
                    self.wake()
                if hurries:
                    self.hurry(hurried_to(hurries))
