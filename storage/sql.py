"""SQL access for read models, the same statements on SQLite and PostgreSQL.

Statements are written once with ``?`` placeholders; the PostgreSQL store turns them into
psycopg's ``%s``. Every statement is parameterised.
"""

from __future__ import annotations

import sqlite3
import tempfile
import threading
import uuid
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import psycopg
from psycopg_pool import ConnectionPool

from storage.eventstore import postgres_env
from storage.pools import SweepingCheck, check_idle
from storage.urls import MEMORY_URL, is_postgres, is_sqlite, sqlite_path


class Cursor(Protocol):
    def execute(self, sql: str, params: Sequence[Any] = ...) -> Any: ...

    def executemany(self, sql: str, params: Sequence[Sequence[Any]]) -> Any: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...


class SqlStore(ABC):
    """A connection source that hands out one transaction at a time per caller."""

    dialect: str

    @abstractmethod
    @contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[Cursor]:
        """A transaction that commits when the block ends and rolls back on error."""

    @abstractmethod
    def close(self) -> None: ...

    @abstractmethod
    @contextmanager
    def reads(self) -> Iterator[Cursor]:
        """A cursor whose statements each see the latest committed data, with no transaction
        around them: one round trip per statement. Read what bounds the rest first (a
        position, then the rows at least that new)."""

    @contextmanager
    def snapshot(self) -> Iterator[Cursor]:
        """A read-only transaction whose reads all see one moment."""
        with self.transaction(write=False) as cursor:
            if self.dialect == "postgres":
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield cursor

    def fetchone(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """One statement's first row, in a transaction of its own."""
        with self.transaction(write=False) as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()

    def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        with self.transaction(write=False) as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    @staticmethod
    def open(
        database_url: str,
        *,
        pool_size: int = 5,
        lock_timeout_seconds: int = 5,
        durable_commits: bool = True,
    ) -> SqlStore:
        """``durable_commits=False``: on PostgreSQL a commit returns before its WAL reaches the
        disk (``synchronous_commit = off``). For derived data only — the runner's folds, whose
        position commits with their rows: a crash can lose the last such transactions whole,
        never part of one, and the runner folds their events again from the position that
        survived. SQLite is unchanged."""
        if is_postgres(database_url):
            return PostgresStore(
                database_url,
                pool_size=pool_size,
                lock_timeout_seconds=lock_timeout_seconds,
                durable_commits=durable_commits,
            )
        if database_url == MEMORY_URL:
            # Shared-cache memory databases lock whole tables instead of waiting; a scratch
            # file behaves like the real thing and is removed on close.
            scratch = Path(tempfile.gettempdir()) / f"statusboard-{uuid.uuid4().hex}.sqlite3"
            return SQLiteStore(str(scratch), scratch=True)
        if is_sqlite(database_url):
            return SQLiteStore(sqlite_path(database_url), lock_timeout_seconds=lock_timeout_seconds)
        msg = f"unsupported database URL: {database_url.split(':', 1)[0]}"
        raise ValueError(msg)


class SQLiteStore(SqlStore):
    dialect = "sqlite"

    def __init__(self, path: str, *, lock_timeout_seconds: int = 5, scratch: bool = False) -> None:
        self.path = path
        self.scratch = scratch
        self.timeout = float(lock_timeout_seconds)
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()

    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(
            self.path,
            timeout=self.timeout,
            isolation_level=None,
            check_same_thread=False,
            uri=self.path.startswith("file:"),
        )
        if not self.path.startswith("file:"):
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
        with self._lock:
            self._connections.append(connection)
        return connection

    def _connection(self) -> sqlite3.Connection:
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            connection = self._local.connection = self._connect()
        return connection

    @contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[Cursor]:
        connection = self._connection()
        cursor = connection.cursor()
        cursor.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        try:
            yield cursor
        except BaseException:
            connection.rollback()
            raise
        else:
            connection.commit()
        finally:
            cursor.close()

    @contextmanager
    def reads(self) -> Iterator[Cursor]:
        cursor = self._connection().cursor()
        try:
            yield cursor
        finally:
            cursor.close()

    def close(self) -> None:
        with self._lock:
            for connection in self._connections:
                connection.close()
            self._connections.clear()
        self._local = threading.local()
        if self.scratch:
            for suffix in ("", "-wal", "-shm"):
                Path(self.path + suffix).unlink(missing_ok=True)


@lru_cache(maxsize=512)
def to_psycopg(sql: str) -> str:
    return sql.replace("%", "%%").replace("?", "%s")


class _PostgresCursor:
    def __init__(self, cursor: psycopg.Cursor[Any]) -> None:
        self._cursor = cursor

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self._cursor.execute(to_psycopg(sql), params)

    def executemany(self, sql: str, params: Sequence[Sequence[Any]]) -> Any:
        return self._cursor.executemany(to_psycopg(sql), params)

    def fetchone(self) -> Any:
        return self._cursor.fetchone()

    def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()


def conninfo(database_url: str, *, connect_timeout: int = 5) -> str:
    env = postgres_env(database_url)
    return psycopg.conninfo.make_conninfo(
        dbname=env["POSTGRES_DBNAME"],
        host=env["POSTGRES_HOST"],
        port=env["POSTGRES_PORT"],
        user=env["POSTGRES_USER"],
        password=env["POSTGRES_PASSWORD"] or None,
        connect_timeout=connect_timeout,
        application_name="statusboard",
    )


class PostgresStore(SqlStore):
    dialect = "postgres"

    def __init__(
        self,
        database_url: str,
        *,
        pool_size: int = 5,
        lock_timeout_seconds: int = 5,
        durable_commits: bool = True,
    ):
        self.conninfo = conninfo(database_url)
        options = f"-c lock_timeout={lock_timeout_seconds * 1000}"
        if not durable_commits:
            options += " -c synchronous_commit=off"
        check = SweepingCheck(check_idle)
        self.pool = check.pool = ConnectionPool(
            self.conninfo,
            min_size=1,
            max_size=max(pool_size, 1),
            open=True,
            # Transactions are opened explicitly; a lone read is one round trip, not three.
            kwargs={
                "options": options,
                "autocommit": True,
            },
            check=check,
            name="statusboard-read",
        )

    @contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[Cursor]:
        with (
            self.pool.connection() as connection,
            connection.transaction(),
            connection.cursor() as cursor,
        ):
            yield _PostgresCursor(cursor)

    @contextmanager
    def reads(self) -> Iterator[Cursor]:
        with self.pool.connection() as connection, connection.cursor() as cursor:
            yield _PostgresCursor(cursor)

    def fetchone(self, sql: str, params: Sequence[Any] = ()) -> Any:
        with self.pool.connection() as connection:
            return connection.execute(to_psycopg(sql), params).fetchone()

    def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        with self.pool.connection() as connection:
            rows: list[Any] = connection.execute(to_psycopg(sql), params).fetchall()
            return rows

    def connect(self, *, autocommit: bool = True) -> psycopg.Connection[Any]:
        """A connection of its own, outside the pool: for locks and LISTEN."""
        return psycopg.connect(self.conninfo, autocommit=autocommit)

    def close(self) -> None:
        self.pool.close()
