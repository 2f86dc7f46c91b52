"""A read-model store that counts the statements it is asked to run, by what they read."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from eventsourcing.persistence import IntegrityError

from storage.sql import Cursor, SqlStore


class CountingCursor:
    def __init__(self, cursor: Cursor, statements: list[str]) -> None:
        self.cursor = cursor
        self.statements = statements

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        self.statements.append(sql)
        return self.cursor.execute(sql, params)

    def executemany(self, sql: str, params: Sequence[Sequence[Any]]) -> Any:
        self.statements.append(sql)
        return self.cursor.executemany(sql, params)

    def fetchone(self) -> Any:
        return self.cursor.fetchone()

    def fetchall(self) -> list[Any]:
        return self.cursor.fetchall()


class CountingStore(SqlStore):
    """Runs everything on ``inner``; ``selects(stem)`` counts the reads of a table."""

    def __init__(self, inner: SqlStore) -> None:
        self.inner = inner
        self.dialect = inner.dialect
        self.statements: list[str] = []
        #: Transactions begun, each on a connection of the pool.
        self.transactions = 0

    @contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[Cursor]:
        self.transactions += 1
        with self.inner.transaction(write=write) as cursor:
            yield CountingCursor(cursor, self.statements)

    @contextmanager
    def reads(self) -> Iterator[Cursor]:
        self.transactions += 1
        with self.inner.reads() as cursor:
            yield CountingCursor(cursor, self.statements)

    def close(self) -> None:
        self.inner.close()

    def selects(self, stem: str, columns: str = "") -> int:
        """Statements that selected from a generation of table ``stem``, starting with
        ``columns`` when given."""
        table = re.compile(rf"\bFROM {re.escape(stem)}_g\d+\b")
        return sum(
            1
            for sql in self.statements
            if sql.startswith(f"SELECT {columns}") and table.search(sql)
        )


class RefusingStore(CountingStore):
    """Runs everything on ``inner`` but, while ``refusing``, refuses every write as the store
    does when another follower moved the position first."""

    refusing = False

    @contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[Cursor]:
        if write and self.refusing:
            raise IntegrityError("another follower moved the position")
        with super().transaction(write=write) as cursor:
            yield cursor
