"""From a database URL to the event store settings of the eventsourcing library."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import unquote, urlsplit

import psycopg
from eventsourcing.persistence import InterfaceError, Notification, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from eventsourcing.utils import get_topic
from psycopg import sql
from psycopg.errors import LockNotAvailable

from storage.pools import SweepingCheck
from storage.urls import MEMORY_URL, is_postgres, is_sqlite, sqlite_path
from storage.versions import MAPPER_TOPIC

#: How the library retries a statement that lost its connection: ten tries, 0.2 s apart.
_ATTEMPTS = 10
_PAUSE = 0.2
T = TypeVar("T")


class PostgresRecorder(PostgresApplicationRecorder):
    """The library's recorder, with three changes for the client waiting on a write.

    A write is one round trip: the library's statements — take the table lock, notify, insert,
    return the notification ids — sent as one query, which PostgreSQL runs as one transaction
    (the library pipelines them with BEGIN and COMMIT: the same writes for several times the
    client CPU; docs/BENCHMARKS.md has the figures). A write that timed out on the table lock
    is not retried: the library tries a failed write ten times, which behind a lock would mean
    ten lock timeouts before the 503 instead of one. And its pool sweeps out dead connections
    at once (see ``SweepingCheck``).
    """

    def __init__(
        self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events"
    ) -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        if datastore.pre_ping:
            check = SweepingCheck()
            check.pool = datastore.pool
            # The library builds its pool with the plain check and takes no other.
            datastore.pool._check = check
        lock_timeout, lock_table = self.lock_table_statements
        notify = sql.SQL("NOTIFY {0}").format(sql.Identifier(self.channel_name))
        self._write_head = sql.SQL("; ").join([lock_timeout, lock_table, notify])
        self._insert_into = sql.SQL(
            "; INSERT INTO {0}.{1} (originator_id, originator_version, topic, state) VALUES "
        ).format(sql.Identifier(datastore.schema), sql.Identifier(self.events_table_name))
        self._writes: dict[int, bytes] = {}

    def _write(self, count: int, connection: psycopg.Connection[Any]) -> bytes:
        """The write of ``count`` events, composed and rendered once per count (rendering a
        composed query on every execute was a large part of a save's client CPU)."""
        query = self._writes.get(count)
        if query is None:
            rows = sql.SQL(", ").join(sql.SQL("(%s, %s, %s, %s)") for _ in range(count))
            composed = (
                self._write_head + self._insert_into + rows + sql.SQL(" RETURNING notification_id")
            )
            query = self._writes[count] = composed.as_bytes(connection)
        return query

    def _insert_once(self, stored_events: Sequence[StoredEvent]) -> Sequence[int]:
        if not stored_events:
            return []
        params = [
            value
            for event in stored_events
            for value in (event.originator_id, event.originator_version, event.topic, event.state)
        ]
        with self.datastore.get_connection() as connection:
            cursor = psycopg.ClientCursor(connection)
            try:
                # Several statements in one query: one implicit transaction, one result each.
                cursor.execute(self._write(len(stored_events), connection), params)
                while cursor.description is None and cursor.nextset():
                    pass
                return [row["notification_id"] for row in cursor.fetchall()]
            finally:
                cursor.close()

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        return _retried(lambda: self._insert_once(stored_events))

    def select_notifications_to_head(
        self, start: int, limit: int, topics: Sequence[str] = ()
    ) -> tuple[list[Notification], int]:
        """What ``select_notifications(start, limit, stop=head, topics)`` returns, with the head
        (the greatest notification id, 0 for an empty log), read in one statement.

        One statement sees one snapshot, so the head and the rows agree: every id up to the
        head was committed or never will be (writes hold the table lock until they commit). A
        lost connection is retried as the library retries its reads.
        """
        params: list[Any] = [start, list(topics), limit] if topics else [start, limit]

        def read() -> list[Any]:
            with self.datastore.get_connection() as connection, connection.cursor() as cursor:
                cursor.execute(self._to_head[bool(topics)], params, prepare=True)
                return cursor.fetchall()

        rows = _retried(read)
        notifications = [
            Notification(
                id=row["notification_id"],
                originator_id=row["originator_id"],
                originator_version=row["originator_version"],
                topic=row["topic"],
                state=bytes(row["state"]),
            )
            for row in rows
            if row["notification_id"] is not None
        ]
        return notifications, rows[0]["head"] or 0

    @cached_property
    def _to_head(self) -> tuple[bytes, bytes]:
        """The statements of ``select_notifications_to_head``, for every topic and for some,
        rendered once.

        The head is read first and bounds the rows; a left join keeps it when no row is new.
        """
        table = sql.SQL("{0}.{1}").format(
            sql.Identifier(self.datastore.schema), sql.Identifier(self.events_table_name)
        )
        statements = []
        for topic_filter in (sql.SQL(""), sql.SQL(" AND topic = ANY(%s)")):
            statements.append(
                sql.SQL(
                    "WITH last AS (SELECT max(notification_id) AS head FROM {table})"
                    " SELECT last.head, e.notification_id, e.originator_id,"
                    " e.originator_version, e.topic, e.state FROM last LEFT JOIN LATERAL"
                    " (SELECT * FROM {table} WHERE notification_id >= %s"
                    " AND notification_id <= last.head{topic_filter}"
                    " ORDER BY notification_id LIMIT %s) e ON true"
                    " ORDER BY e.notification_id"
                )
                .format(table=table, topic_filter=topic_filter)
                .as_bytes()
            )
        return statements[0], statements[1]


def _retried(call: Callable[[], T]) -> T:
    """``call``, tried again as the library does when its connection was lost; a lock timeout
    is final (ten tries behind a lock would be ten lock timeouts before the answer)."""
    attempt = 1
    while True:
        try:
            return call()
        except (InterfaceError, OperationalError) as error:
            if attempt >= _ATTEMPTS or isinstance(error.__cause__, LockNotAvailable):
                raise
        attempt += 1
        time.sleep(_PAUSE)


@dataclass(frozen=True)
class StoreOptions:
    create_table: bool = True
    pool_size: int = 5
    max_overflow: int = 10
    lock_timeout_seconds: int = 5
    connect_timeout_seconds: int = 5
    cache_size: int = 2000


def store_env(database_url: str, options: StoreOptions = StoreOptions()) -> dict[str, str]:
    env = {
        "CREATE_TABLE": "y" if options.create_table else "n",
        "AGGREGATE_CACHE_MAXSIZE": str(options.cache_size),
        "MAPPER_TOPIC": MAPPER_TOPIC,
    }
    if database_url == MEMORY_URL:
        env["PERSISTENCE_MODULE"] = "eventsourcing.popo"
    elif is_sqlite(database_url):
        path = sqlite_path(database_url)
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        env.update(
            PERSISTENCE_MODULE="eventsourcing.sqlite",
            SQLITE_DBNAME=path,
            SQLITE_LOCK_TIMEOUT=str(options.lock_timeout_seconds),
        )
    elif is_postgres(database_url):
        env.update(postgres_env(database_url, options))
    else:
        msg = f"DATABASE_URL must start with sqlite:///, postgresql:// or be {MEMORY_URL}"
        raise ValueError(msg)
    return env


def postgres_env(database_url: str, options: StoreOptions = StoreOptions()) -> dict[str, str]:
    parts = urlsplit(database_url)
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "APPLICATION_RECORDER_TOPIC": get_topic(PostgresRecorder),
        "POSTGRES_DBNAME": unquote(parts.path.lstrip("/")) or "postgres",
        "POSTGRES_HOST": parts.hostname or "127.0.0.1",
        "POSTGRES_PORT": str(parts.port or 5432),
        "POSTGRES_USER": unquote(parts.username or "postgres"),
        "POSTGRES_PASSWORD": unquote(parts.password or ""),
        "POSTGRES_POOL_SIZE": str(options.pool_size),
        "POSTGRES_MAX_OVERFLOW": str(options.max_overflow),
        "POSTGRES_LOCK_TIMEOUT": str(options.lock_timeout_seconds),
        "POSTGRES_CONNECT_TIMEOUT": str(options.connect_timeout_seconds),
        "POSTGRES_PRE_PING": "y",
        "POSTGRES_ENABLE_DB_FUNCTIONS": "n",
    }
