"""The read models' SQL store on PostgreSQL: a pool of autocommit connections, ``?`` turned into
psycopg's placeholders."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import psycopg
from psycopg_pool import ConnectionPool

from storage.eventstore import postgres_env
from storage.pools import SweepingCheck, check_idle
from storage.sql import Cursor, SqlStore


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
