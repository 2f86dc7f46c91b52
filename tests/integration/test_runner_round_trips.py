"""What a wake of a projection costs, and what it may skip without losing a guarantee.

A leader asks its session whether it still holds the lock once per interval, not on every
wake; on PostgreSQL the head and the batch are read in one statement; a follower remembers
the position it recorded instead of reading it again, and a memory gone stale is refused by
the batch's own transaction, then read again.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
import pytest
from eventsourcing.persistence import IntegrityError
from psycopg._connection_base import BaseConnection

from projections.base import Event
from projections.follower import Follower
from projections.stats import StatsProjection
from projections.view import ProjectionView
from storage.eventstore import PostgresRecorder
from storage.leadership import PostgresLeadership
from storage.postgres import PostgresStore
from storage.sql import Cursor
from tests.integration.counting_store import CountingStore, RefusingStore
from tests.integration.test_projection_harness import DAY, LOCATION, ReadModel


class Statements:
    """The statements this thread sends to PostgreSQL, BEGIN and COMMIT included (an
    ``executemany`` counts once)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.sent: list[tuple[Any, str]] = []
        self.thread = threading.get_ident()
        execute, executemany = psycopg.Cursor.execute, psycopg.Cursor.executemany
        command = BaseConnection._exec_command

        def counted_execute(cursor: Any, query: Any, *args: Any, **kwargs: Any) -> Any:
            self._count(cursor.connection, query)
            return execute(cursor, query, *args, **kwargs)

        def counted_executemany(cursor: Any, query: Any, *args: Any, **kwargs: Any) -> Any:
            self._count(cursor.connection, query)
            return executemany(cursor, query, *args, **kwargs)

        def counted_command(connection: Any, query: Any, *args: Any, **kwargs: Any) -> Any:
            self._count(connection, query)
            return command(connection, query, *args, **kwargs)

        monkeypatch.setattr(psycopg.Cursor, "execute", counted_execute)
        monkeypatch.setattr(psycopg.Cursor, "executemany", counted_executemany)
        monkeypatch.setattr(BaseConnection, "_exec_command", counted_command)

    def _count(self, connection: Any, query: Any) -> None:
        if threading.get_ident() == self.thread:
            text = query if isinstance(query, str | bytes) else query.as_string(connection)
            text = text.decode() if isinstance(text, bytes) else text
            self.sent.append((connection, " ".join(text.split())))

    def during(self, action: Callable[[], Any]) -> list[str]:
        """The statements ``action`` sends, by their first words."""
        start = len(self.sent)
        action()
        return [" ".join(text.split()[:2]) for _, text in self.sent[start:]]

    def on(self, connection: Any) -> int:
        return sum(1 for sent, _ in self.sent if sent is connection)


class NotedStats(StatsProjection):
    """The stats projection, noting the statements its folds send."""

    def __init__(self, statements: Statements) -> None:
        super().__init__(ZoneInfo("UTC"))
        self.statements = statements
        self.folding: list[str] = []

    def apply(self, cursor: Cursor, generation: int, events: Sequence[Event]) -> None:
        apply = super().apply
        self.folding.extend(self.statements.during(lambda: apply(cursor, generation, events)))


@pytest.fixture
def statements(monkeypatch: pytest.MonkeyPatch) -> Statements:
    return Statements(monkeypatch)


class OnPostgres:
    """On PostgreSQL only: what the tests of these classes show is particular to it."""

    @pytest.fixture
    def database_url(self, postgres_url: str) -> str:
        return postgres_url


def position(model: ReadModel, name: str, generation: int) -> int | None:
    row = model.store.fetchone(
        "SELECT notification_id FROM projection_tracking WHERE projection = ? AND generation = ?",
        (name, generation),
    )
    return None if row is None else int(row[0])


class TestLeadershipCheck:
    @pytest.fixture
    def store(self, postgres_url: str) -> Iterator[PostgresStore]:
        store = PostgresStore(postgres_url)
        yield store
        store.close()

    @pytest.fixture
    def leadership(self, store: PostgresStore) -> Iterator[PostgresLeadership]:
        leadership = PostgresLeadership(store, "board")  # asked once a second
        assert leadership.acquire()
        yield leadership
        leadership.release()

    def test_the_session_is_asked_once_per_interval_not_on_every_wake(
        self, leadership: PostgresLeadership, statements: Statements
    ) -> None:
        connection = leadership.connection

        assert all(leadership.held() for _ in range(200))
        assert statements.on(connection) == 0

        time.sleep(leadership.check_every)
        assert all(leadership.held() for _ in range(200))
        assert statements.on(connection) == 1

    def test_a_session_ended_by_the_server_is_noticed_within_the_interval(
        self, store: PostgresStore, leadership: PostgresLeadership
    ) -> None:
        assert leadership.connection is not None
        store.fetchone("SELECT pg_terminate_backend(?)", (leadership.connection.info.backend_pid,))
        ended = time.monotonic()

        while leadership.held() and time.monotonic() - ended < 5:
            time.sleep(0.01)

        assert time.monotonic() - ended < leadership.check_every + 0.25
        assert not leadership.held() and leadership.connection is None
        other = PostgresLeadership(store, "board")
        assert other.acquire()  # the server freed the lock with the session
        other.release()

    def test_a_connection_closed_under_it_is_noticed_at_once(
        self, leadership: PostgresLeadership
    ) -> None:
        assert leadership.connection is not None
        leadership.connection.close()

        assert not leadership.held()


class TestHeadAndBatchInOneStatement(OnPostgres):
    def test_the_same_notifications_and_head_as_the_two_reads(self, model: ReadModel) -> None:
        for name in ("Ada", "Bea", "Cy"):
            model.book(name)
        recorder = model.app.recorder
        assert isinstance(recorder, PostgresRecorder)
        head = recorder.max_notification_id()
        assert head is not None
        topic_sets = [(), model.projections["stats"].topics, model.projections["services"].topics]

        for topics in topic_sets:
            for start in (1, 2, head, head + 1):
                for limit in (1, 2, 1000):
                    expected = recorder.select_notifications(
                        start=start, limit=limit, stop=head, topics=topics
                    )
                    notifications, read_head = recorder.select_notifications_to_head(
                        start, limit, topics
                    )
                    assert (notifications, read_head) == (expected, head)

    def test_an_empty_log_has_head_0(self, postgres_url: str) -> None:
        model = ReadModel(postgres_url, stocked=False)
        try:
            recorder = model.app.recorder
            assert isinstance(recorder, PostgresRecorder)
            assert recorder.select_notifications_to_head(1, 10, ()) == ([], 0)
            topics = model.projections["board"].topics
            assert recorder.select_notifications_to_head(1, 10, topics) == ([], 0)
        finally:
            model.close()


class TestStatementsPerWake(OnPostgres):
    """A wake as the runner makes it: is it still the leader, then a catch-up."""

    @pytest.fixture
    def wake(self, model: ReadModel) -> Iterator[Callable[[Follower], None]]:
        assert isinstance(model.store, PostgresStore)
        leadership = PostgresLeadership(model.store, "wakes", check_every=60)
        assert leadership.acquire()

        def wake(follower: Follower) -> None:
            assert leadership.held()
            follower.catch_up()

        yield wake
        leadership.release()

    def test_a_wake_with_nothing_new_is_one_statement(
        self, model: ReadModel, statements: Statements, wake: Callable[[Follower], None]
    ) -> None:
        follower = Follower(model.app, model.store, model.projections["stats"])
        wake(follower)

        assert len(statements.during(lambda: wake(follower))) == 1  # three before

    def test_a_wake_that_records_a_batch_is_four_statements_and_the_folding(
        self,
        model: ReadModel,
        statements: Statements,
        wake: Callable[[Follower], None],
    ) -> None:
        noted = NotedStats(statements)
        stats = Follower(model.app, model.store, noted)
        services = Follower(model.app, model.store, model.projections["services"])
        wake(stats)
        wake(services)
        folding = noted.folding
        model.book("Ada")

        sent = statements.during(lambda: wake(stats))
        assert folding
        assert len(sent) - len(folding) == 4  # nine before
        assert sent[:3] + sent[-1:] == [
            "WITH last",
            "BEGIN",
            "UPDATE projection_tracking",
            "COMMIT",
        ]
        # A batch with no event of the projection's topics only moves its position, in one
        # statement with no transaction around it (four statements before).
        assert statements.during(lambda: wake(services)) == [
            "WITH last",
            "UPDATE projection_tracking",
        ]
        assert position(model, "services", model.live_generation("services")) == (
            model.app.head_position()
        )
        assert model.read_side.stats(LOCATION, DAY).total == 1


class TestRememberedPosition:
    def test_the_position_is_not_read_again_after_a_recorded_batch(self, model: ReadModel) -> None:
        store = CountingStore(model.store)
        follower = Follower(model.app, store, model.projections["stats"])
        for name in ("Ada", "Bea", "Cy"):
            model.book(name)
            assert follower.catch_up() > 0

        where = [sql for sql in store.statements if sql.startswith("SELECT s.live_generation")]
        assert len(where) == 1
        assert model.read_side.stats(LOCATION, DAY).total == 3

    def test_a_position_moved_by_another_follower_is_read_again_and_nothing_counts_twice(
        self, model: ReadModel
    ) -> None:
        stats = model.projections["stats"]
        one = Follower(model.app, model.store, stats)
        other = Follower(model.app, model.store, stats)
        model.book("Ada")
        one.catch_up()
        model.book("Bea")
        other.catch_up()  # one's memory of the position is now stale
        moved = model.app.head_position()
        model.book("Cy")

        assert one.catch_up() == model.app.head_position() - moved
        assert model.read_side.position("stats") == model.app.head_position()
        assert model.read_side.stats(LOCATION, DAY).total == 3
        assert model.rebuild("stats", dry_run=True).counts() == (0, 0, 0)

    def test_a_refused_batch_forgets_the_position_and_the_next_reads_it(
        self, model: ReadModel
    ) -> None:
        store = RefusingStore(model.store)
        follower = Follower(model.app, store, model.projections["stats"])
        model.book("Ada")
        follower.catch_up()
        model.book("Bea")

        store.refusing = True
        assert follower.catch_up() == 0
        assert follower._known is None
        store.refusing = False

        assert follower.catch_up() == 1
        assert model.read_side.stats(LOCATION, DAY).total == 2

    def test_a_switch_of_generation_is_refused_then_followed_in_the_new_generation(
        self, model: ReadModel
    ) -> None:
        follower = Follower(model.app, model.store, model.projections["stats"])
        model.book("Ada")
        follower.catch_up()
        old = model.live_generation("stats")
        report = model.rebuild("stats")  # the follower still remembers the old generation
        assert report.switched and report.generation != old
        switched_at = model.app.head_position()
        model.book("Bea")

        assert follower.catch_up() == model.app.head_position() - switched_at

        assert position(model, "stats", old) == switched_at  # nothing more went there
        assert position(model, "stats", report.generation) == model.app.head_position()
        assert model.read_side.stats(LOCATION, DAY).total == 2
        assert model.rebuild("stats", dry_run=True).counts() == (0, 0, 0)


class TestOneStatementRecordsTheBatch(OnPostgres):
    """On PostgreSQL the checks and the move are one statement; what it refuses, and why,
    is what the separate statements refused."""

    def view(self, model: ReadModel) -> ProjectionView:
        generation = model.live_generation("stats")
        return ProjectionView(model.store, model.projections["stats"], generation, live_only=True)

    def test_a_stale_start_is_refused_with_where_the_position_is(self, model: ReadModel) -> None:
        view = self.view(model)
        view.process([], "StatusBoard", None, 10)
        view.process([], "StatusBoard", 10, 12)

        with pytest.raises(IntegrityError, match="stats generation 1 is at 12, not 10; refusing"):
            view.process([], "StatusBoard", 10, 14)
        with pytest.raises(IntegrityError, match="is at 12, not 12; refusing to record 12"):
            view.process([], "StatusBoard", 12, 12)
        assert position(model, "stats", 1) == 12

    def test_a_generation_no_longer_live_is_refused_as_such(self, model: ReadModel) -> None:
        view = self.view(model)
        view.process([], "StatusBoard", None, 10)
        model.store.fetchone(
            "UPDATE projection_state SET live_generation = 2 WHERE projection = 'stats'"
            " RETURNING live_generation"
        )

        with pytest.raises(IntegrityError, match="generation 1 of stats is no longer live"):
            view.process([], "StatusBoard", 10, 12)
        assert position(model, "stats", 1) == 10
