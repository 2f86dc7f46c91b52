"""The PostgreSQL event store's write: one query, one transaction, the library's guarantees."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from eventsourcing.persistence import IntegrityError, OperationalError, StoredEvent

from application.statusboard import StatusBoard
from storage.eventstore import PostgresRecorder, StoreOptions, store_env

pytestmark = pytest.mark.postgres


@pytest.fixture
def board(postgres_url: str) -> Iterator[StatusBoard]:
    app = StatusBoard(store_env(postgres_url, StoreOptions(lock_timeout_seconds=1)))
    yield app
    app.close()


def event(ident: uuid.UUID, version: int) -> StoredEvent:
    return StoredEvent(ident, version, "domain.x.Y", b'{"n": ' + str(version).encode() + b"}")


def test_events_of_one_save_get_consecutive_positions_in_their_order(board: StatusBoard) -> None:
    recorder = board.recorder
    assert isinstance(recorder, PostgresRecorder)
    first, second = uuid.uuid4(), uuid.uuid4()

    ids = recorder.insert_events([event(first, 1), event(first, 2), event(second, 1)])

    assert ids is not None and list(ids) == sorted(ids) and len(set(ids)) == 3
    stored = recorder.select_notifications(start=ids[0], limit=10)
    assert [(n.originator_id, n.originator_version) for n in stored] == [
        (first, 1),
        (first, 2),
        (second, 1),
    ]
    assert stored[1].state == b'{"n": 2}'


def test_a_taken_version_fails_the_whole_save_and_the_connection_is_fine_after(
    board: StatusBoard,
) -> None:
    recorder = board.recorder
    taken, fresh = uuid.uuid4(), uuid.uuid4()
    recorder.insert_events([event(taken, 1)])

    with pytest.raises(IntegrityError):
        recorder.insert_events([event(fresh, 1), event(taken, 1)])

    assert recorder.select_events(fresh) == []
    assert recorder.insert_events([event(fresh, 1)])


def test_a_save_behind_the_table_lock_gives_up_after_the_lock_timeout_without_retrying(
    board: StatusBoard, postgres_url: str
) -> None:
    with psycopg.connect(postgres_url) as holder:
        holder.execute(f"LOCK TABLE {board.recorder.events_table_name} IN EXCLUSIVE MODE")
        errors: list[Exception] = []

        def save() -> None:
            try:
                board.recorder.insert_events([event(uuid.uuid4(), 1)])
            except Exception as error:
                errors.append(error)

        writer = threading.Thread(target=save)
        writer.start()
        writer.join(timeout=5)
        holder.rollback()

    assert not writer.is_alive()
    assert len(errors) == 1 and isinstance(errors[0], OperationalError)
    assert isinstance(errors[0].__cause__, psycopg.errors.LockNotAvailable)


def test_a_save_wakes_listeners_of_the_events_channel(
    board: StatusBoard, postgres_url: str
) -> None:
    channel = board.recorder.channel_name
    with psycopg.connect(postgres_url, autocommit=True) as listener:
        listener.execute(f'LISTEN "{channel}"')

        board.recorder.insert_events([event(uuid.uuid4(), 1)])

        assert [n.channel for n in listener.notifies(timeout=2, stop_after=1)] == [channel]
