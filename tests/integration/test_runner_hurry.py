"""A read waiting for its own write hurries the runner: the pause in which a busy runner gathers
saves ends, and the write is folded at once. On PostgreSQL the hurry is a NOTIFY that the
runner's listener hears; on SQLite a call to the runner in the same process."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from adapters.runtime import runner_hurry
from projections.readside import ReadSide
from projections.runner import Runner
from tests.integration.test_projection_harness import DAY, LOCATION, ReadModel
from tests.integration.test_runner_notify import wait_for_listener
from tests.integration.test_runner_shared_log import eventually, shared

#: Longer than any wait below: a runner gathering or polling for this long is only ever
#: brought to fold a save by a hurry.
NEVER = 60.0


@pytest.fixture
def runner(model: ReadModel) -> Iterator[Runner]:
    """A runner that gathers saves for a minute after each fold, not yet started."""
    runner = model.runner(poll_interval=NEVER, gather=NEVER)
    yield runner
    runner.stop()


def nobody_to_hurry(_position: int) -> None:
    pass


def booked(model: ReadModel, customer: str) -> int:
    """Books for ``customer``; the position of the booking."""
    model.book(customer)
    return model.app.head_position()


def test_a_read_waiting_for_its_write_is_not_held_by_the_gathering(
    model: ReadModel, runner: Runner
) -> None:
    model.book("Ada")
    runner.start()
    if runner.listener is not None:
        wait_for_listener(model.url)
    eventually(lambda: shared(runner, *model.projections))
    side: ReadSide = model.read_side
    hurry = runner_hurry(model.app, side, runner)
    side.hurry = hurry
    # Folded at once (nothing was folded in the last minute), and the gathering starts.
    assert side.reached("board", booked(model, "Bea"), timeout=5) is not None

    side.hurry = nobody_to_hurry
    waiting = booked(model, "Cy")
    assert side.reached("board", waiting, timeout=0.3) is None

    side.hurry = hurry
    assert side.reached("board", waiting, timeout=5) is not None
    assert "Cy" in {card.customer_name for card in side.board(LOCATION, DAY).cards}
