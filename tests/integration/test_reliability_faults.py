"""The database misbehaving under the web service: connections killed mid-load, a table locked.

PostgreSQL only. Clients get 503 with Retry-After when the database cannot take a request
(never a 500, never a hang), the service recovers without a restart, and nothing it
acknowledged is lost: every move answered ``applied: true`` is in the log, with its request id.
"""

from __future__ import annotations

import os
import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any
from uuid import UUID

import psycopg
import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from domain.status import TRANSITIONS, needs_reason
from tests.integration.http_support import API, problem, runtime, serving, settings_for
from tests.integration.test_reliability_stress import (
    api_client,
    assert_read_models_match_the_log,
    book_cards,
    issue,
)

pytestmark = [pytest.mark.postgres, pytest.mark.stress, pytest.mark.slow]

FACTOR = max(1, int(os.environ.get("STATUSBOARD_STRESS_FACTOR", "1")))
BLIPS = 4 * FACTOR
MOVERS = 4
CARDS = 10
# Each kill waits (up to 5 s) for its backend to end, as a server going away does: by the time
# the statement returns, every killed connection has been told and a pool's check can see it.
TERMINATE = (
    "SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity"
    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
)


def admin_connection(url: str) -> psycopg.Connection[Any]:
    return psycopg.connect(url, autocommit=True)


def blip(admin: psycopg.Connection[Any]) -> int:
    """Kills every other connection to the database once the service has some again."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        killed = admin.execute(TERMINATE).fetchone()
        if killed and killed[0]:
            return int(killed[0])
        time.sleep(0.01)
    raise AssertionError("the service opened no connection to kill")


def storage_unavailable(response: TestResponse) -> None:
    body = problem(response, 503)
    assert body["type"].endswith(":storage_unavailable"), body
    assert int(response.headers["Retry-After"]) > 0


def move_body(appointment: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    body: dict[str, Any] = {
        "to_status": rng.choice(TRANSITIONS[appointment["status"]]),
        "expected_version": appointment["version"],
    }
    if needs_reason(appointment["status"]):
        body["reason"] = "back again"
    return body


class Mover(threading.Thread):
    """Moves cards until stopped; retries a 503 with the same Idempotency-Key and request id."""

    def __init__(
        self, client: FlaskClient, name: str, cards: list[str], stopping: threading.Event
    ) -> None:
        super().__init__(name=name, daemon=True)
        self.client, self.cards, self.stopping = client, cards, stopping
        self.rng = random.Random(name)
        #: (card, version, request id) of every move answered applied.
        self.acknowledged: list[tuple[str, int, str]] = []
        self.statuses: Counter[int] = Counter()
        #: The longest any one answer took, in seconds.
        self.slowest = 0.0
        self.failure: BaseException | None = None

    def run(self) -> None:
        try:
            number = 0
            while not self.stopping.is_set():
                number += 1
                self.move(self.rng.choice(self.cards), f"{self.name}-{number}")
        except BaseException as error:  # reported by the test
            self.failure = error

    def answer(self, call: Callable[[], TestResponse]) -> TestResponse:
        """The first answer that is not a 503; every 503 on the way is checked."""
        while True:
            started = time.monotonic()
            response = call()
            self.slowest = max(self.slowest, time.monotonic() - started)
            self.statuses[response.status_code] += 1
            if response.status_code != 503:
                assert response.status_code < 500, response.get_data(as_text=True)
                return response
            storage_unavailable(response)
            time.sleep(0.02)

    def move(self, card: str, request_id: str) -> None:
        headers = {"X-Request-ID": request_id, "Idempotency-Key": request_id}
        seen = self.answer(lambda: self.client.get(f"{API}/appointments/{card}"))
        assert seen.status_code == 200
        body = move_body(seen.json or {}, self.rng)
        moved = self.answer(
            lambda: self.client.post(f"{API}/appointments/{card}/move", json=body, headers=headers)
        )
        assert moved.status_code in (200, 409), moved.get_data(as_text=True)
        if moved.status_code == 200 and (moved.json or {})["applied"]:
            version = (moved.json or {})["appointment"]["version"]
            self.acknowledged.append((card, version, request_id))


@pytest.fixture
def pg_app(postgres_url: str) -> Iterator[Flask]:
    """The service on a fresh PostgreSQL database, projections in process."""
    with serving(settings_for(postgres_url, log_level="CRITICAL")) as app:
        yield app


class TestConnectionsKilled:
    def test_requests_in_the_blip_are_503_and_every_acknowledged_move_is_kept(
        self, pg_app: Flask, postgres_url: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        cards = book_cards(api_client(pg_app, issue(pg_app, "admin", "admin")), CARDS)
        stopping = threading.Event()
        movers = [
            Mover(api_client(pg_app, issue(pg_app, name, "staff")), name, cards, stopping)
            for name in (f"mover-{n}" for n in range(MOVERS))
        ]
        for mover in movers:
            mover.start()
        killed = []
        with admin_connection(postgres_url) as admin:
            for _ in range(BLIPS):
                time.sleep(0.4)
                killed.append(blip(admin))
        time.sleep(0.4)
        stopping.set()
        for mover in movers:
            mover.join(timeout=60)

        assert not [mover.name for mover in movers if mover.is_alive()]
        assert not [mover.failure for mover in movers if mover.failure is not None]
        statuses = sum((mover.statuses for mover in movers), Counter[int]())
        assert set(statuses) <= {200, 409, 503}, statuses
        slowest = max(mover.slowest for mover in movers)
        assert slowest < 10, f"an answer took {slowest:.1f} s"  # a dropped pool is not a hang
        assert all(killed), killed
        board = runtime(pg_app).components.board
        acknowledged = [entry for mover in movers for entry in mover.acknowledged]
        history = {card: list(board.events.get(UUID(card))) for card in cards}
        for card, version, request_id in acknowledged:
            event = history[card][version - 1]
            assert (type(event).__name__, event.request_id) == ("Moved", request_id)
        moves = sum(len(events) - 1 for events in history.values())
        assert moves == len({request_id for *_, request_id in acknowledged})
        assert_read_models_match_the_log(pg_app)
        assert_serving_again(movers[0].client, cards)
        with capsys.disabled():
            print(
                f"\nfaults (factor {FACTOR}): {BLIPS} connection kills ({sum(killed)} backends)"
                f" under {MOVERS} movers: {statuses.total()} requests, {statuses[503]} answered"
                f" 503, {statuses.get(500, 0)} answered 500, slowest answer"
                f" {slowest:.2f} s; {len(acknowledged)} moves"
                f" acknowledged, {len(acknowledged) - moves} lost"
            )

    def test_a_write_whose_connection_dies_while_it_waits_applies_on_a_fresh_one(
        self, pg_app: Flask, postgres_url: str
    ) -> None:
        client = api_client(pg_app, issue(pg_app, "admin", "admin"))
        (card,) = book_cards(client, 1)
        url = f"{API}/appointments/{card}/move"
        answers: list[TestResponse] = []
        writer = threading.Thread(
            target=lambda: answers.append(
                client.post(url, json={"to_status": "checked_in", "expected_version": 1})
            )
        )
        with admin_connection(postgres_url) as admin:
            with admin.transaction():
                admin.execute("LOCK TABLE statusboard_events IN EXCLUSIVE MODE")
                writer.start()
                wait_until_waiting_for_a_lock(admin)
                admin.execute(TERMINATE)
            writer.join(timeout=10)

        assert len(answers) == 1
        assert answers[0].status_code == 200, answers[0].get_data(as_text=True)
        assert (answers[0].json or {})["appointment"]["version"] == 2
        moved = list(runtime(pg_app).components.board.events.get(UUID(card)))[1:]
        assert [type(event).__name__ for event in moved] == ["Moved"]

    def test_a_read_whose_connection_dies_while_it_waits_is_503_and_the_next_is_served(
        self, pg_app: Flask, postgres_url: str
    ) -> None:
        client = api_client(pg_app, issue(pg_app, "viewer", "viewer"))
        board = f"{API}/appointments/board?date=2030-03-04&location=downtown"
        assert client.get(board).status_code == 200
        answers: list[TestResponse] = []
        reader = threading.Thread(target=lambda: answers.append(client.get(board)))
        with admin_connection(postgres_url) as admin, admin.transaction():
            admin.execute("LOCK TABLE projection_state IN ACCESS EXCLUSIVE MODE")
            reader.start()
            wait_until_waiting_for_a_lock(admin)
            admin.execute(TERMINATE)
            reader.join(timeout=10)

        assert len(answers) == 1
        storage_unavailable(answers[0])
        assert client.get(board).status_code == 200


def assert_serving_again(client: FlaskClient, cards: list[str]) -> None:
    """Without a restart, every request is answered at the first try."""
    rng = random.Random(0)
    for card in cards:
        seen = client.get(f"{API}/appointments/{card}")
        assert seen.status_code == 200, seen.get_data(as_text=True)
        body = move_body(seen.json or {}, rng)
        moved = client.post(f"{API}/appointments/{card}/move", json=body)
        assert moved.status_code == 200, moved.get_data(as_text=True)
    assert client.get("/readyz").status_code == 200


def wait_until_waiting_for_a_lock(admin: psycopg.Connection[Any]) -> None:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        waiting = admin.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
        ).fetchone()
        if waiting and waiting[0]:
            return
        time.sleep(0.01)
    raise AssertionError("no request came to wait for the lock")


@pytest.fixture
def impatient_app(postgres_url: str) -> Iterator[Flask]:
    """The service with writes giving up after one second of waiting for a lock."""
    with serving(settings_for(postgres_url, lock_timeout_seconds=1, log_level="CRITICAL")) as app:
        yield app


class TestTableLocked:
    @pytest.mark.parametrize("command", ["move", "book"])
    def test_a_write_stuck_behind_the_lock_is_503_in_time_and_its_retry_applies(
        self, impatient_app: Flask, postgres_url: str, command: str
    ) -> None:
        client = api_client(impatient_app, issue(impatient_app, "admin", "admin"))
        (card,) = book_cards(client, 1)
        board = runtime(impatient_app).components.board
        url, body = {
            "move": (
                f"{API}/appointments/{card}/move",
                {"to_status": "checked_in", "expected_version": 1},
            ),
            "book": (
                f"{API}/appointments",
                {
                    "location_id": "downtown",
                    "starts_at": "2030-03-04T15:00:00+00:00",
                    "customer": {"name": "Grace Hopper"},
                    "services": [{"code": "CUT"}],
                },
            ),
        }[command]
        headers = {"Idempotency-Key": f"{command}-behind-a-lock"}
        before = board.head_position()
        with admin_connection(postgres_url) as admin, admin.transaction():
            admin.execute("LOCK TABLE statusboard_events IN EXCLUSIVE MODE")
            started = time.monotonic()
            stuck = client.post(url, json=body, headers=headers)
            waited = time.monotonic() - started
        storage_unavailable(stuck)
        assert 1 <= waited < 2.5, waited
        assert board.head_position() == before

        again = client.post(url, json=body, headers=headers)
        twice = client.post(url, json=body, headers=headers)

        assert again.status_code in (200, 201), again.get_data(as_text=True)
        assert board.head_position() == before + 2  # the event and the idempotency record
        assert (twice.status_code, twice.json) == (again.status_code, again.json)
