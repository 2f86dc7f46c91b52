"""Writers racing on PostgreSQL while a runner follows: no event slips through a gap.

Several threads, each with a status board of its own (its own connections, as separate web
processes would have), book and move appointments at once while a runner follows the log
in small batches. Afterwards every booking has exactly one card, at its latest version.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from uuid import UUID

import pytest

from application.statusboard import StatusBoard
from domain import status as st
from storage.eventstore import store_env
from tests.integration.test_projection_harness import DAY, DESK, LOCATION, NINE, ReadModel, minutes

pytestmark = pytest.mark.postgres

WRITERS = 4
BOOKINGS_EACH = 12


@pytest.fixture
def database_url(postgres_url: str) -> str:
    """PostgreSQL only: the writers race on its rows."""
    return postgres_url


def write(app: StatusBoard, writer: int, booked: list[UUID], errors: list[BaseException]) -> None:
    """Books appointments and moves every other one, as one web process would."""
    try:
        for n in range(BOOKINGS_EACH):
            outcome = app.book_appointment(
                location_id=LOCATION,
                starts_at=NINE + minutes(writer * 60 + n),
                customer={"name": f"Writer {writer} customer {n}"},
                services=[{"code": "CUT"}],
                stamp=DESK,
            )
            booked.append(outcome.aggregate.id)
            if n % 2:
                app.move_appointment(
                    outcome.aggregate.id, st.CHECKED_IN, expected_version=1, stamp=DESK
                )
    except BaseException as error:  # the test reports it; a thread would swallow it
        errors.append(error)


@pytest.fixture
def writers(postgres_url: str, model: ReadModel) -> Iterator[list[StatusBoard]]:
    """Status boards of their own for the writers, opened one after another.

    Their tables exist already (as after `db init`): creating them at once would race.
    """
    apps = [StatusBoard(store_env(postgres_url)) for _ in range(WRITERS)]
    yield apps
    for app in apps:
        app.close()


class TestConcurrentWriters:
    def test_every_booking_has_one_card_at_its_latest_version(
        self, model: ReadModel, writers: list[StatusBoard]
    ) -> None:
        runner = model.runner(poll_interval=0.1, batch_size=5)
        runner.start()
        booked: list[UUID] = []
        errors: list[BaseException] = []
        try:
            threads = [
                threading.Thread(target=write, args=(app, n, booked, errors))
                for n, app in enumerate(writers)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(60)
            assert errors == []
            head = model.app.head_position()
            assert all(model.read_side.wait_for(name, head, 15) for name in model.projections)
        finally:
            runner.stop()

        cards = model.read_side.board(LOCATION, DAY).cards
        assert len(booked) == WRITERS * BOOKINGS_EACH
        assert sorted(card.id for card in cards) == sorted(booked)
        assert {card.id: card.version for card in cards} == {
            ident: model.app.get_appointment(ident).version for ident in booked
        }
        stats = model.read_side.stats(LOCATION, DAY)
        assert stats.total == len(booked)
        assert stats.by_status[st.CHECKED_IN] == WRITERS * (BOOKINGS_EACH // 2)
        for name in model.projections:
            assert model.rebuild(name, dry_run=True).counts() == (0, 0, 0), name
