"""The runner's shared log: the projections caught up are read and folded together, and each
still stops, leads and catches up on its own."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import pytest

from projections.follower import Follower
from projections.runner import Runner
from projections.shared import Member, SharedLog
from storage.leadership import leadership_for
from tests.integration.runner_support import PoisonedBoard, Runners
from tests.integration.test_projection_harness import DAY, LOCATION, ReadModel
from tests.integration.test_runner_round_trips import Statements


def eventually(check: Callable[[], bool], timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "not within the time allowed"
        time.sleep(0.01)


def shared(runner: Runner, *names: str) -> bool:
    """Whether the shared log folds (exactly) the named projections."""
    return {w.projection_name for w in runner.workers if w.member is not None} == set(names)


def customers(model: ReadModel) -> list[str]:
    return sorted(card.customer_name for card in model.read_side.board(LOCATION, DAY).cards)


def at_head(model: ReadModel, *names: str) -> bool:
    head = model.app.head_position()
    return all(model.read_side.wait_for(name, head, 5) for name in names)


@pytest.fixture
def start(model: ReadModel) -> Iterator[Callable[..., Runner]]:
    """Starts a runner over the board (or the one given), stats and services."""
    runners = Runners(poll_interval=0.05)
    yield lambda board=None: runners.start(model, board)
    runners.stop()


class TestProjectionsCaughtUp:
    def test_are_folded_by_the_shared_log_event_by_event_exactly_once(
        self, model: ReadModel, start: Callable[..., Runner]
    ) -> None:
        ada = model.book("Ada")
        runner = start()
        eventually(lambda: shared(runner, "board", "stats", "services"))

        model.edit(ada, notes="window seat")
        model.book("Bea")

        assert at_head(model, "board", "stats", "services")
        assert shared(runner, "board", "stats", "services")
        assert customers(model) == ["Ada", "Bea"]
        ada_card = next(c for c in model.read_side.board(LOCATION, DAY).cards if c.id == ada)
        assert ada_card.version == model.version(ada)
        assert model.read_side.stats(LOCATION, DAY).total == 2


class TestAProjectionThatCannotFoldAnEvent:
    def test_halts_alone_there_and_the_others_go_on_together(
        self, model: ReadModel, start: Callable[..., Runner]
    ) -> None:
        model.book("Ada")
        runner = start(PoisonedBoard(model.projections["board"].timezone))
        eventually(lambda: shared(runner, "board", "stats", "services"))

        bea = model.book("Bea")
        model.edit(bea, notes="poison")
        poisoned = model.app.head_position()
        model.book("Cy")
        board_worker = runner.workers[0]
        board_worker.join(10)

        assert not board_worker.is_alive() and board_worker.failure is not None
        assert board_worker.failure.position == poisoned
        assert model.read_side.position("board") == poisoned - 1
        assert customers(model) == ["Ada", "Bea"]
        assert at_head(model, "stats", "services")
        eventually(lambda: shared(runner, "stats", "services"))
        model.book("Di")
        assert at_head(model, "stats", "services")
        assert model.read_side.stats(LOCATION, DAY).total == 4


class TestAProjectionLedElsewhere:
    def test_is_not_fed_and_catches_up_from_behind_once_it_leads(
        self, model: ReadModel, start: Callable[..., Runner]
    ) -> None:
        model.book("Ada")
        elsewhere = leadership_for(model.store, model.url, "board")
        assert elsewhere.acquire()
        try:
            runner = start()
            eventually(lambda: shared(runner, "stats", "services"))
            board_before = model.read_side.position("board")
            model.book("Bea")
            assert at_head(model, "stats", "services")
            time.sleep(0.2)  # nothing to wait for: the board must not move at all
            assert model.read_side.position("board") == board_before
        finally:
            elsewhere.release()

        eventually(lambda: shared(runner, "board", "stats", "services"))
        assert customers(model) == ["Ada", "Bea"]
        model.book("Cy")
        assert at_head(model, "board", "stats", "services")
        assert customers(model) == ["Ada", "Bea", "Cy"]


class TestOneRoundForEveryProjection:
    @pytest.fixture
    def database_url(self, postgres_url: str) -> str:
        """On PostgreSQL, where the statements are counted."""
        return postgres_url

    def test_reads_the_log_once_and_moves_every_position_in_one_statement(
        self, model: ReadModel, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        log = SharedLog(
            model.app, model.store, threading.Event(), poll_interval=1, gather=0, batch_size=100
        )
        for projection in model.projections.values():
            follower = Follower(model.app, model.store, projection)
            follower.catch_up()
            assert follower.known is not None
            view, position = follower.known
            log.join_member(Member(projection, view, position or 0, lambda: None))
        model.book("Ada")
        statements = Statements(monkeypatch)

        sent = statements.during(log.catch_up)

        assert sent.count("WITH last") == 1
        assert sent[:3] == ["WITH last", "BEGIN", "UPDATE projection_tracking"]
        assert sent.count("UPDATE projection_tracking") == 1
        assert sent[-1] == "COMMIT" and sent.count("BEGIN") == 1
        head = model.app.head_position()
        assert all(model.read_side.position(name) == head for name in model.projections)
        assert customers(model) == ["Ada"]
