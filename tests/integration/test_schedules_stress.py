"""Sixteen desks booking the same staff member's slot at the same moment, on PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from adapters.app import create_app
from domain.schedule import Schedule, schedule_id_for
from tests.integration.http_support import API, DAY, HAIRCUT, booking, runtime, settings_for

pytestmark = pytest.mark.postgres

DESKS = 16


@pytest.fixture
def pg_app(postgres_url: str) -> Iterator[Flask]:
    """The service on a fresh PostgreSQL database, a connection for every desk."""
    app = create_app(settings_for(postgres_url, pool_size=DESKS, auth=False, log_level="WARNING"))
    app.config["TESTING"] = True
    app.test_client().post(f"{API}/services", json=HAIRCUT)
    yield app
    runtime(app).close()


def race(app: Flask, bodies: list[dict[str, Any]]) -> list[tuple[int, dict[str, Any]]]:
    """Each body posted by its own desk; all of them wait until every desk is ready."""
    barrier = threading.Barrier(len(bodies))
    answers: list[tuple[int, dict[str, Any]] | None] = [None] * len(bodies)

    def desk(index: int) -> None:
        client = app.test_client()
        barrier.wait(timeout=10)
        response = client.post(f"{API}/appointments", json=bodies[index])
        answers[index] = (response.status_code, dict(response.json or {}))

    threads = [threading.Thread(target=desk, args=(index,)) for index in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return [answer for answer in answers if answer is not None]


class TestDesksRacingForOneSlot:
    def test_exactly_one_booking_wins_and_the_others_name_it(self, pg_app: Flask) -> None:
        sam = {"id": "s1", "name": "Sam"}
        bodies = [booking(staff=sam, customer={"name": f"C{n}"}) for n in range(DESKS)]

        answers = race(pg_app, bodies)

        statuses = sorted(status for status, _ in answers)
        assert statuses == [201] + [409] * (DESKS - 1), answers
        (winner,) = [body for status, body in answers if status == 201]
        for status, body in answers:
            if status == 409:
                assert body["type"].endswith(":staff_double_booked")
                assert body["conflicting_appointment"]["id"] == winner["id"]
        board = runtime(pg_app).components.board
        schedule = board.repository.get(schedule_id_for("s1", DAY))
        assert isinstance(schedule, Schedule)
        assert list(schedule.holds) == [winner["id"]]

    def test_desks_booking_different_staff_all_win(self, pg_app: Flask) -> None:
        bodies = [booking(staff={"id": f"s{n}", "name": f"S{n}"}) for n in range(DESKS)]

        answers = race(pg_app, bodies)

        assert [status for status, _ in answers] == [201] * DESKS
