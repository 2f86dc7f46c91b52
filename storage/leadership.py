"""Exactly one active follower per projection, however many runners are started.

PostgreSQL: a session advisory lock, freed by the server when its holder's connection dies.
SQLite: an flock on a file beside the database, freed by the kernel when its holder exits.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
import time
from typing import IO, Any, Protocol

import psycopg

from storage.pools import check_idle
from storage.postgres import PostgresStore
from storage.sql import SqlStore
from storage.urls import MEMORY_URL, is_postgres, sqlite_path

LOCK_CLASS = 23306  # the first key of our advisory locks; the second is the projection's hash
#: The lock of a projection, for psycopg: the class and the projection's name hashed.
_KEY = "%s, hashtext(%s) & 2147483647"


class Leadership(Protocol):
    def acquire(self) -> bool: ...

    def held(self) -> bool: ...

    def release(self) -> None: ...


class PostgresLeadership:
    def __init__(self, store: PostgresStore, name: str, *, check_every: float = 1.0) -> None:
        self.store = store
        self.name = name
        self.check_every = check_every
        self.connection: psycopg.Connection[Any] | None = None
        self.holding = False
        self.checked = 0.0  # when the session last answered, on the monotonic clock

    def acquire(self) -> bool:
        if self.connection is None or self.connection.closed:
            self.connection = self.store.connect()
        row = self.connection.execute(
            f"SELECT pg_try_advisory_lock({_KEY})", (LOCK_CLASS, self.name)
        ).fetchone()
        self.holding = bool(row and row[0])
        self.checked = time.monotonic()
        return self.holding

    def held(self) -> bool:
        """A lock lives as long as its session; a dead session means someone else may lead.

        The session is asked at most once every ``check_every`` seconds, and at once when the
        server has written to the idle connection, which it does when it ends the session.
        Between two checks a lost session is still believed held: leadership only spares a
        second follower the work, each batch counts once by its tracking check whoever leads.
        """
        if self.connection is None or not self.holding:
            return False
        try:
            if time.monotonic() - self.checked < self.check_every:
                check_idle(self.connection)
            else:
                self.connection.execute("SELECT 1")
                self.checked = time.monotonic()
        except psycopg.Error:
            self.release()
            return False
        return True

    def release(self) -> None:
        """Unlocks before closing: the server frees a closed session's locks only once it has
        noticed the close, and until then another runner could not lead, nor status tell."""
        holding, self.holding = self.holding, False
        if self.connection is not None:
            with contextlib.suppress(psycopg.Error):
                if holding and not self.connection.closed:
                    self.connection.execute(
                        f"SELECT pg_advisory_unlock({_KEY})",
                        (LOCK_CLASS, self.name),
                    )
                self.connection.close()
            self.connection = None


class FileLeadership:
    def __init__(self, path: str) -> None:
        self.path = path
        self.file: IO[bytes] | None = None

    def acquire(self) -> bool:
        handle = open(self.path, "a+b")  # noqa: SIM115 - held open for as long as we lead
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        self.file = handle
        return True

    def held(self) -> bool:
        return self.file is not None

    def release(self) -> None:
        if self.file is not None:
            self.file.close()
            self.file = None


class LocalLeadership:
    """For an in-memory store, which only this process can see."""

    _locks: dict[str, threading.Lock] = {}

    def __init__(self, name: str) -> None:
        self.lock = self._locks.setdefault(name, threading.Lock())
        self.holding = False

    def acquire(self) -> bool:
        self.holding = self.holding or self.lock.acquire(blocking=False)
        return self.holding

    def held(self) -> bool:
        return self.holding

    def release(self) -> None:
        if self.holding:
            self.holding = False
            self.lock.release()


def lock_path(database_url: str, name: str) -> str:
    return f"{os.path.abspath(sqlite_path(database_url))}.{name}.lock"


def leadership_for(store: SqlStore, database_url: str, name: str) -> Leadership:
    if isinstance(store, PostgresStore):
        return PostgresLeadership(store, name)
    if database_url == MEMORY_URL:
        return LocalLeadership(f"{id(store)}:{name}")
    return FileLeadership(lock_path(database_url, name))


def is_led(store: SqlStore, database_url: str, name: str) -> bool:
    """Whether some follower, in any process, holds the projection's lock now."""
    if is_postgres(database_url):
        row = store.fetchone(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
            " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            " AND classid = ? AND objid = (hashtext(?) & 2147483647)::bigint::oid"
            " AND objsubid = 2",
            (LOCK_CLASS, name),
        )
        return bool(row[0])
    if database_url == MEMORY_URL:
        return any(k.endswith(f":{name}") and v.locked() for k, v in LocalLeadership._locks.items())
    probe = FileLeadership(lock_path(database_url, name))
    if probe.acquire():
        probe.release()
        return False
    return True


def led_names(store: SqlStore, database_url: str, names: list[str]) -> set[str]:
    """Which of the projections ``names`` some follower, in any process, leads now (on
    PostgreSQL in one statement for all of them)."""
    if not is_postgres(database_url) or not names:
        return {name for name in names if is_led(store, database_url, name)}
    rows = store.fetchall(
        "SELECT n.name FROM (VALUES " + ", ".join("(?::text)" for _ in names) + ") AS n (name)"
        " WHERE EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted"
        " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        " AND classid = ? AND objid = (hashtext(n.name) & 2147483647)::bigint::oid"
        " AND objsubid = 2)",
        (*names, LOCK_CLASS),
    )
    return {row[0] for row in rows}
