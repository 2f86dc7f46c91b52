"""A view records a batch's position once: from the position it was read at, into a live
generation only."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from eventsourcing.persistence import IntegrityError

from projections.positions import live_position
from projections.view import ProjectionView
from tests.integration.test_projection_harness import ReadModel

APP = "StatusBoard"


@pytest.fixture
def model(database_url: str) -> Iterator[ReadModel]:
    model = ReadModel(database_url, stocked=False)
    yield model
    model.close()


def live_view(model: ReadModel) -> tuple[ProjectionView, int | None]:
    with model.store.transaction(write=False) as cursor:
        generation, tracked = live_position(cursor, "stats", APP)
    view = ProjectionView(model.store, model.projections["stats"], generation, live_only=True)
    return view, tracked


def test_positions_follow_one_another_and_a_stale_start_is_refused(model: ReadModel) -> None:
    view, tracked = live_view(model)
    view.process([], APP, tracked, 10)
    view.process([], APP, 10, 12)

    with pytest.raises(IntegrityError):
        view.process([], APP, 10, 14)  # a second follower that also read 10
    with pytest.raises(IntegrityError):
        view.process([], APP, 12, 12)  # not after the position

    assert live_view(model)[1] == 12


def test_a_view_of_a_generation_no_longer_live_records_nothing(model: ReadModel) -> None:
    view, tracked = live_view(model)
    view.process([], APP, tracked, 10)
    with model.store.transaction() as cursor:
        cursor.execute(
            "UPDATE projection_state SET live_generation = live_generation + 1"
            " WHERE projection = 'stats'"
        )

    with pytest.raises(IntegrityError):
        view.process([], APP, 10, 20)

    with model.store.transaction(write=False) as cursor:
        cursor.execute(
            "SELECT notification_id FROM projection_tracking"
            " WHERE projection = 'stats' AND generation = ?",
            (view.generation,),
        )
        assert cursor.fetchone()[0] == 10
