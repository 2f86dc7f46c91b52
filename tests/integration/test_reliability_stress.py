"""Eight desks hammer twenty cards through the HTTP layer on PostgreSQL, projections in process.

Each desk has its own token. It moves cards and edits their notes from versions it has just read
or from versions it saw a while ago, and now and then sends a request twice under one
Idempotency-Key. Afterwards the books must balance: every answer that says it applied is exactly
one event in the log (found by its request id) and no other answer left one; every stale change
that applied collided with nothing the desk had not seen; every 409 names a real change to the
same field that the desk had not seen; and the read models are what a rebuild makes of the log.

Sizes scale with ``STATUSBOARD_STRESS_FACTOR`` (``make stress`` sets 10); the run's figures are
printed. ``STATUSBOARD_STRESS_SEED`` replays a run.
"""

from __future__ import annotations

import logging
import os
import random
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import pytest
from flask import Flask
from flask.testing import FlaskClient

from application.statusboard import StatusBoard
from domain.status import STATUSES, TRANSITIONS, needs_reason
from projections.catalog import NAMES, build_projections
from projections.readside import ReadSide
from projections.rebuild import Rebuild
from projections.verify import verify_all
from tests.integration.http_support import API, DAY, booking, runtime, serving, settings_for
from tests.support import HAIRCUT

pytestmark = [pytest.mark.postgres, pytest.mark.stress, pytest.mark.slow]

FACTOR = max(1, int(os.environ.get("STATUSBOARD_STRESS_FACTOR", "1")))
SEED = int(os.environ.get("STATUSBOARD_STRESS_SEED") or random.randrange(1 << 32))
DESKS = 8
OPERATIONS = 250 * FACTOR
CARDS = 20
LOCATION = "downtown"


@dataclass
class Answer:
    """One request a desk sent and what came back."""

    desk: str
    kind: str  # "move" or "edit"
    card: str
    body: dict[str, Any]
    request_id: str
    status: int
    payload: dict[str, Any]
    #: The notes sent were the desk's own new text, not the text it had seen.
    new_text: bool = False
    #: A retry under the key of a request that had succeeded: the first outcome, replayed.
    replayed: bool = False

    @property
    def expected(self) -> int:
        return int(self.body["expected_version"])

    @property
    def version(self) -> int:
        return int(self.payload["appointment"]["version"])

    @property
    def applied(self) -> bool:
        """Whether the answer says an event was appended for this request."""
        if self.status != 200 or self.replayed:
            return False
        return bool(self.payload["applied"]) if self.kind == "move" else self.new_text


def api_client(app: Flask, token: str) -> FlaskClient:
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client


def book_cards(client: FlaskClient, count: int) -> list[str]:
    assert client.post(f"{API}/services", json=HAIRCUT).status_code == 201
    ids = []
    for number in range(count):
        body = booking(
            location_id=LOCATION,
            starts_at=f"{DAY}T{8 + number % 10:02d}:{number // 10 * 15:02d}:00+00:00",
            customer={"name": f"Customer {number:02d}"},
        )
        response = client.post(f"{API}/appointments", json=body)
        assert response.status_code == 201, response.json
        ids.append(str((response.json or {})["id"]))
    return ids


class Desk(threading.Thread):
    """A front desk: its own token, its own view of the cards, going stale as rivals write."""

    def __init__(
        self, app: Flask, token: str, name: str, cards: list[str], seed: int, operations: int
    ) -> None:
        super().__init__(name=name, daemon=True)
        self.client = api_client(app, token)
        self.desk, self.cards, self.operations = name, cards, operations
        self.rng = random.Random(seed)
        self.answers: list[Answer] = []
        self.seen: dict[str, dict[str, Any]] = {}
        self.failure: BaseException | None = None

    def run(self) -> None:
        try:
            for number in range(self.operations):
                self.step(number)
        except BaseException as error:  # reported by the test
            self.failure = error

    def step(self, number: int) -> None:
        card = self.rng.choice(self.cards)
        if card not in self.seen or self.rng.random() < 0.5:
            self.look(card)
        seen = self.seen[card]
        expected = seen["version"]
        if self.rng.random() < 0.1:
            expected = max(1, expected - self.rng.randint(1, 3))
        request_id = f"{self.desk}-{number}"
        if self.rng.random() < 0.7:
            kind, body, new_text = "move", self.move_body(seen, expected), False
        else:
            new_text = self.rng.random() < 0.8
            notes = f"{request_id} was here" if new_text else seen["notes"]
            kind, body = "edit", {"expected_version": expected, "notes": notes}
        key = f"key-{request_id}" if self.rng.random() < 0.25 else None
        first = self.send(kind, card, body, request_id, key, new_text)
        if key is not None and self.rng.random() < 0.6:
            again = self.send(kind, card, body, f"{request_id}-again", key, new_text)
            if first.status == 200:
                assert again.status == 200, again.payload
                assert again.version == first.version
                assert again.payload.get("applied") == first.payload.get("applied")
                again.replayed = True

    def move_body(self, seen: dict[str, Any], expected: int) -> dict[str, Any]:
        status = seen["status"]
        targets = TRANSITIONS[status] if self.rng.random() < 0.85 else STATUSES
        body: dict[str, Any] = {"to_status": self.rng.choice(targets), "expected_version": expected}
        if needs_reason(status) or self.rng.random() < 0.1:
            body["reason"] = "the customer asked"
        return body

    def look(self, card: str) -> None:
        response = self.client.get(f"{API}/appointments/{card}")
        assert response.status_code == 200, response.get_data(as_text=True)
        self.remember(response.json or {})

    def remember(self, appointment: dict[str, Any]) -> None:
        known = self.seen.get(str(appointment["id"]))
        if known is None or known["version"] < appointment["version"]:
            self.seen[str(appointment["id"])] = appointment

    def send(
        self,
        kind: str,
        card: str,
        body: dict[str, Any],
        request_id: str,
        key: str | None,
        new_text: bool,
    ) -> Answer:
        headers = {"X-Request-ID": request_id}
        if key is not None:
            headers["Idempotency-Key"] = key
        url = f"{API}/appointments/{card}"
        response = (
            self.client.post(f"{url}/move", json=body, headers=headers)
            if kind == "move"
            else self.client.patch(url, json=body, headers=headers)
        )
        payload = dict(response.json or {})
        answer = Answer(
            self.desk, kind, card, body, request_id, response.status_code, payload, new_text
        )
        self.answers.append(answer)
        if response.status_code == 200:
            self.remember(payload["appointment"])
        elif response.status_code == 409:
            self.remember(payload["current"])
        return answer


class ErrorRecords(logging.Handler):
    """Keeps the service's error log records: an unexpected exception is logged there."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def errors_logged() -> Iterator[list[logging.LogRecord]]:
    """Error records of the ``statusboard`` loggers during the test."""
    handler = ErrorRecords()
    logger = logging.getLogger("statusboard")
    logger.addHandler(handler)
    yield handler.records
    logger.removeHandler(handler)


@pytest.fixture
def pg_app(postgres_url: str) -> Iterator[Flask]:
    """The service on a fresh PostgreSQL database, projections in process, a pool per desk."""
    with serving(settings_for(postgres_url, pool_size=DESKS, log_level="WARNING")) as app:
        yield app


def issue(app: Flask, name: str, role: str) -> str:
    store = runtime(app).components.tokens
    assert store is not None
    return store.issue(name, role)[1]


def caught_up(read_side: ReadSide, board: StatusBoard) -> None:
    head = board.head_position()
    for name in NAMES:
        assert read_side.wait_for(name, head, 30), f"{name} did not reach {head}"


def assert_read_models_match_the_log(app: Flask) -> None:
    """Caught up, the stored read models equal a rebuild and a replay of the log."""
    services = runtime(app).components
    caught_up(services.read_side, services.board)
    projections = build_projections(services.read_side.timezone)
    for name in ("board", "stats"):
        report = Rebuild(services.board, services.read_side.store, projections[name]).run(
            dry_run=True
        )
        assert report.counts() == (0, 0, 0), report.diffs
    drifts = verify_all(services.board, services.read_side.store, projections.values()).drifts
    assert drifts == [], [drift.describe() for drift in drifts]


class TestDesksHammeringHotCards:
    def test_every_applied_answer_is_one_event_and_every_conflict_a_real_one(
        self,
        pg_app: Flask,
        errors_logged: list[logging.LogRecord],
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        cards = book_cards(api_client(pg_app, issue(pg_app, "admin", "admin")), CARDS)
        desks = [
            Desk(pg_app, issue(pg_app, name, "staff"), name, cards, SEED + n, OPERATIONS)
            for n, name in enumerate(f"desk-{n}" for n in range(DESKS))
        ]
        started = time.monotonic()

        for desk in desks:
            desk.start()
        for desk in desks:
            desk.join(timeout=600)

        seconds = time.monotonic() - started
        assert not [desk.desk for desk in desks if desk.is_alive()]
        assert not [desk.failure for desk in desks if desk.failure is not None]
        answers = [answer for desk in desks for answer in desk.answers]
        assert len(answers) >= DESKS * OPERATIONS
        statuses = Counter(answer.status for answer in answers)
        assert set(statuses) <= {200, 409, 422}, statuses
        assert errors_logged == []
        board = runtime(pg_app).components.board
        history = {card: list(board.events.get(UUID(card))) for card in cards}

        check_every_applied_answer_is_its_own_event(answers, history)
        check_stale_changes_applied_only_past_unrelated_events(answers, history)
        conflicts = check_every_conflict_names_an_unseen_change(answers, history)
        check_invalid_moves_were_refused_for_a_reason(answers)
        assert_read_models_match_the_log(pg_app)
        check_the_board_shows_every_card_as_it_is(pg_app, history)

        applied = sum(answer.applied for answer in answers)
        replayed = sum(answer.replayed for answer in answers)
        with capsys.disabled():
            print(
                f"\nstress (factor {FACTOR}, seed {SEED}): {DESKS} desks x {OPERATIONS}"
                f" operations on {CARDS} cards: {len(answers)} commands in {seconds:.1f} s;"
                f" applied {applied}, no-op {statuses[200] - applied - replayed},"
                f" conflicts {statuses[409]} (moves {conflicts['move']},"
                f" edits {conflicts['edit']}), refused {statuses[422]},"
                f" idempotent replays {replayed};"
                f" 5xx 0, lost 0, extra events 0"
            )


def check_every_applied_answer_is_its_own_event(
    answers: list[Answer], history: dict[str, list[Any]]
) -> None:
    """The log holds one event per applied answer, carrying its request id, and no other."""
    claimed = {answer.request_id: answer for answer in answers if answer.applied}
    appended = [event for events in history.values() for event in events[1:]]
    assert all(type(events[0]).__name__ == "Booked" for events in history.values())
    assert len(appended) == len(claimed)
    by_request = Counter(event.request_id for event in appended)
    assert set(by_request) == set(claimed)
    assert max(by_request.values(), default=1) == 1
    for answer in claimed.values():
        event = history[answer.card][answer.version - 1]
        assert event.request_id == answer.request_id
        assert type(event).__name__ == ("Moved" if answer.kind == "move" else "NotesEdited")


def check_stale_changes_applied_only_past_unrelated_events(
    answers: list[Answer], history: dict[str, list[Any]]
) -> None:
    """Between the version a desk saw and its own event, nobody touched the same field."""
    touches = {"move": "Moved", "edit": "NotesEdited"}
    for answer in answers:
        if answer.applied:
            unseen = history[answer.card][answer.expected : answer.version - 1]
            assert touches[answer.kind] not in {type(event).__name__ for event in unseen}
        elif answer.status == 200 and answer.kind == "move":
            assert answer.payload["appointment"]["status"] == answer.body["to_status"]


def check_every_conflict_names_an_unseen_change(
    answers: list[Answer], history: dict[str, list[Any]]
) -> Counter[str]:
    """A 409 names an event after the desk's version that changed the same field."""
    touches = {"move": ("Moved", "status"), "edit": ("NotesEdited", "notes")}
    conflicts: Counter[str] = Counter()
    for answer in (answer for answer in answers if answer.status == 409):
        named = answer.payload["conflicting_event"]
        event = history[answer.card][named["version"] - 1]
        kind, changed = touches[answer.kind]
        assert named["version"] > answer.expected, (named, answer.body)
        assert named["version"] <= answer.payload["current"]["version"]
        assert (type(event).__name__, named["type"]) == (kind, kind)
        assert named["actor"] == event.actor
        assert set(named["changes"]) == {changed}
        if answer.kind == "move":
            assert answer.payload["current"]["status"] != answer.body["to_status"]
        conflicts[answer.kind] += 1
    return conflicts


def check_invalid_moves_were_refused_for_a_reason(answers: list[Answer]) -> None:
    for answer in (answer for answer in answers if answer.status == 422):
        assert answer.kind == "move", answer.payload
        assert answer.payload["type"].rsplit(":", 1)[-1] in {
            "invalid_transition",
            "invalid_request",
        }, answer.payload


def check_the_board_shows_every_card_as_it_is(app: Flask, history: dict[str, list[Any]]) -> None:
    board = runtime(app).components.board
    client = api_client(app, issue(app, "auditor", "viewer"))
    response = client.get(
        f"{API}/appointments/board?date={DAY}&location={LOCATION}"
        f"&min_position={board.head_position()}"
    )
    assert response.status_code == 200, response.json
    cards = {
        card["id"]: (card["status"], card["version"])
        for column in (response.json or {})["columns"]
        for card in column["cards"]
    }
    expected = {}
    for card, events in history.items():
        appointment = board.get_appointment(UUID(card))
        assert appointment.version == len(events)
        expected[card] = (appointment.status, appointment.version)
    assert cards == expected
