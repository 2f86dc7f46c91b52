"""Two desks at once: the event store's version key decides, and the loser learns who won."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from flask import Flask
from werkzeug.test import TestResponse

from tests.integration.http_support import API, as_role, book


def at_once(*calls: Callable[[], TestResponse]) -> list[TestResponse]:
    """Runs the calls in threads released together; answers in call order."""
    barrier = threading.Barrier(len(calls))
    answers: list[TestResponse | None] = [None] * len(calls)

    def run(index: int) -> None:
        barrier.wait()
        answers[index] = calls[index]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert all(answer is not None for answer in answers)
    return [answer for answer in answers if answer is not None]


class TestSimultaneousDesks:
    def test_two_moves_from_the_same_version_one_wins_one_is_told_who_won(
        self, app: Flask, tokens: dict[str, str], haircut: dict[str, Any]
    ) -> None:
        store = app.extensions["statusboard"].components.tokens
        desks = {name: store.issue(name, "staff")[1] for name in ("front-desk", "back-desk")}
        booked = book(as_role(app, desks, "front-desk"))
        url = f"{API}/appointments/{booked['id']}/move"

        answers = at_once(
            lambda: as_role(app, desks, "front-desk").post(
                url, json={"to_status": "checked_in", "expected_version": 1}
            ),
            lambda: as_role(app, desks, "back-desk").post(
                url, json={"to_status": "no_show", "expected_version": 1}
            ),
        )

        statuses = sorted(answer.status_code for answer in answers)
        assert statuses == [200, 409]
        winner = next(answer for answer in answers if answer.status_code == 200)
        loser = next(answer for answer in answers if answer.status_code == 409).json or {}
        winner_desk = "front-desk" if winner is answers[0] else "back-desk"
        assert loser["conflicting_event"]["actor"] == winner_desk
        assert loser["current"]["status"] == (winner.json or {})["appointment"]["status"]

    def test_a_notes_edit_and_a_move_from_the_same_version_both_apply(
        self, app: Flask, tokens: dict[str, str], haircut: dict[str, Any]
    ) -> None:
        staff = as_role(app, tokens, "staff")
        booked = book(staff)
        one = f"{API}/appointments/{booked['id']}"

        edit, moved = at_once(
            lambda: as_role(app, tokens, "staff").patch(
                one, json={"expected_version": 1, "notes": "Allergic to lavender"}
            ),
            lambda: as_role(app, tokens, "admin").post(
                f"{one}/move", json={"to_status": "checked_in", "expected_version": 1}
            ),
        )

        assert (edit.status_code, moved.status_code) == (200, 200)
        final = staff.get(one).json or {}
        assert final["notes"] == "Allergic to lavender"
        assert final["status"] == "checked_in"
        assert final["version"] == 3
