"""SQL access for read models, the same statements on SQLite and PostgreSQL.

Statements are written once with ``?`` placeholders; the PostgreSQL store turns them into
psycopg's ``%s``. Every statement is parameterised.
"""

from __future__ import annotations

import tempfile
import uuid
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

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
        from storage.postgres import PostgresStore
        from storage.sqlite import SQLiteStore

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
