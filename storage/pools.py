"""Connection checks for psycopg pools: a dead connection is found before it is lent."""

from __future__ import annotations

import select
from collections.abc import Callable
from typing import Any

import psycopg
from psycopg_pool import ConnectionPool


def check_idle(connection: psycopg.Connection[Any]) -> None:
    """Checks a pooled connection with a round trip only when the server has written to it
    while it sat idle, which is what it does when it ends the session (a restart, a terminated
    backend): a healthy connection is handed out without paying a round trip per transaction."""
    if connection.closed:
        ConnectionPool.check_connection(connection)
        return
    poller = select.poll()
    poller.register(connection.fileno(), select.POLLIN | select.POLLERR | select.POLLHUP)
    if poller.poll(0):
        ConnectionPool.check_connection(connection)


class SweepingCheck:
    """A pool's check of a connection before it lends it, which on a dead one checks them all.

    One dead connection means the server has most likely dropped the others too (a restart, a
    failover, killed sessions). Left to the pool, each borrower would meet them one at a time
    behind its back-off of 1, 2, 4... seconds, and a request could wait twenty.
    """

    def __init__(self, check: Callable[[psycopg.Connection[Any]], None] = check_idle) -> None:
        self.check = check
        self.pool: ConnectionPool[Any] | None = None

    def __call__(self, connection: psycopg.Connection[Any]) -> None:
        try:
            self.check(connection)
        except psycopg.Error:
            if self.pool is not None:
                self.pool.check()  # drops every dead idle connection and opens new ones
            raise
