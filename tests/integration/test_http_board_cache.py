"""The board's per-process cache answers exactly what a fresh read would, and its ETag holds."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from adapters.api.board import columns
from adapters.api.board_cache import BoardCache
from adapters.api.kept import install, kept
from adapters.schemas import BoardSchema
from projections.catalog import build_projections
from projections.readside import ReadSide
from projections.rebuild import Rebuild
from tests.integration.counting_store import CountingStore
from tests.integration.http_support import API, DAY, as_role, book, downtown, head, move, runtime

BOARD = f"{API}/appointments/board"
NEXT_DAY = "2030-03-05"


@dataclass
class Reads:
    """How often the read side went past the position check: fingerprints and card reads."""

    store: CountingStore

    @property
    def fingerprints(self) -> int:
        return self.store.selects("board", "id, version FROM")

    @property
    def cards(self) -> int:
        return self.store.selects("board", "id, version, status")

    @property
    def card_reads(self) -> list[str]:
        return [sql for sql in self.store.statements if "id, version, status" in sql]


@pytest.fixture
def reads(app: Flask) -> Reads:
    """Counts the read side's fingerprint and card queries, from now on."""
    side = read_side(app)
    side.store = CountingStore(side.store)
    return Reads(side.store)


def read_side(app: Flask) -> ReadSide:
    return runtime(app).components.read_side


def cache(app: Flask) -> BoardCache:
    with app.app_context():
        return kept().boards


def board(
    client: FlaskClient, day: str = DAY, after: TestResponse | None = None, **query: Any
) -> TestResponse:
    """The board, once the read model has what ``after`` wrote."""
    params = {"date": day, "location": "downtown", **query}
    if after is not None:
        params["min_position"] = after.headers["X-Event-Position"]
    response = client.get(BOARD, query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response


def uncached(app: Flask, response: TestResponse, day: str = DAY, **query: Any) -> bytes:
    """The body a read straight from the read model, dumped by the schema, gives at the
    position ``response`` states (nothing is written in between, so the cards are the same)."""
    found = read_side(app).board(
        query.get("location", "downtown"), date.fromisoformat(day), query.get("staff")
    )
    position = int(response.headers["X-Projection-Position"])
    assert found.position == position
    return app.json.dumps(BoardSchema().dump(columns(found))).encode()


def ids(response: TestResponse, status: str | None = None) -> set[str]:
    document = response.json or {}
    return {
        card["id"]
        for column in document["columns"]
        if status is None or column["status"] == status
        for card in column["cards"]
    }


@pytest.fixture
def day_booked(client: FlaskClient, haircut: dict[str, Any]) -> list[dict[str, Any]]:
    """Three cards on the day at downtown, one of them Sam's, and the board read once."""
    booked = [
        book(client, starts_at=f"{DAY}T09:00:00+00:00", customer={"name": "Ada"}),
        book(client, starts_at=f"{DAY}T10:00:00+00:00", staff={"id": "sam", "name": "Sam"}),
        book(client, starts_at=f"{DAY}T11:30:00+00:00", customer={"name": "Zoë"}),
    ]
    last = move(client, booked[0], "checked_in")
    assert last.status_code == 200
    board(client, after=last)
    return booked


class TestExact:
    def test_a_repeated_read_is_answered_from_the_cache_as_a_fresh_read_would(
        self, app: Flask, client: FlaskClient, day_booked: list[dict[str, Any]], reads: Reads
    ) -> None:
        first = board(client)
        again = board(client)

        assert (reads.fingerprints, reads.cards) == (0, 0)
        assert first.get_data() == again.get_data() == uncached(app, again)
        assert again.mimetype == "application/json"
        assert len(cache(app)) == 1

    def test_a_move_on_the_day_shows_on_the_next_read_which_reads_only_that_card_in_full(
        self, app: Flask, client: FlaskClient, day_booked: list[dict[str, Any]], reads: Reads
    ) -> None:
        moved = move(client, day_booked[1], "checked_in")

        after = board(client, after=moved)

        assert reads.cards == 1
        assert reads.card_reads[0].count("?") == 3  # the location, the day, the card moved
        assert day_booked[1]["id"] in ids(after, "checked_in")
        assert after.get_data() == uncached(app, after)

    def test_a_read_with_no_position_to_wait_for_takes_one_transaction(
        self, client: FlaskClient, day_booked: list[dict[str, Any]], reads: Reads
    ) -> None:
        move(client, day_booked[1], "checked_in")
        board(client)
        board(client)

        assert reads.store.transactions == 2

    def test_a_process_that_kept_no_card_reads_the_whole_day(
        self, app: Flask, client: FlaskClient, day_booked: list[dict[str, Any]], reads: Reads
    ) -> None:
        install(app)  # as a new process has it: nothing kept
        moved = move(client, day_booked[1], "checked_in")

        after = board(client, after=moved)

        assert reads.cards == 1 and " IN (" not in reads.card_reads[0]
        assert after.get_data() == uncached(app, after)
        assert len(ids(after)) == 3

    def test_a_change_on_another_day_or_location_keeps_the_board_and_moves_its_position(
        self, app: Flask, client: FlaskClient, day_booked: list[dict[str, Any]], reads: Reads
    ) -> None:
        before = board(client)
        elsewhere = book(client, location_id="harbour")
        move(client, elsewhere, "checked_in")
        tomorrow = book(client, starts_at=f"{NEXT_DAY}T09:00:00+00:00")
        last = move(client, tomorrow, "cancelled")

        after = board(client, after=last)

        assert (reads.fingerprints, reads.cards) == (1, 0)
        position = int(after.headers["X-Projection-Position"])
        assert position > int(before.headers["X-Projection-Position"])
        assert (after.json or {})["position"] == position
        assert after.get_data() == uncached(app, after)
        assert ids(after) == ids(before)

    def test_a_card_rescheduled_to_another_day_leaves_the_board(
        self, app: Flask, client: FlaskClient, day_booked: list[dict[str, Any]]
    ) -> None:
        card = day_booked[2]
        edited = client.patch(
            f"{API}/appointments/{card['id']}",
            json={"expected_version": card["version"], "starts_at": f"{NEXT_DAY}T11:30:00Z"},
        )
        assert edited.status_code == 200, edited.json

        today, tomorrow = board(client, after=edited), board(client, NEXT_DAY)

        assert card["id"] not in ids(today)
        assert ids(tomorrow) == {card["id"]}
        assert today.get_data() == uncached(app, today)
        assert tomorrow.get_data() == uncached(app, tomorrow, NEXT_DAY)

    def test_a_staff_filter_is_kept_apart_from_the_whole_day(
        self, app: Flask, client: FlaskClient, day_booked: list[dict[str, Any]]
    ) -> None:
        sams = board(client, staff="sam")
        everyone = board(client)
        sams_again = board(client, staff="sam")

        assert ids(sams) == ids(sams_again) == {day_booked[1]["id"]}
        assert len(ids(everyone)) == 3
        assert sams_again.get_data() == uncached(app, sams_again, staff="sam")
        assert sams.headers["ETag"] != everyone.headers["ETag"]
        assert len(cache(app)) == 2

    def test_a_move_of_a_staff_card_shows_in_the_filtered_board(
        self, app: Flask, client: FlaskClient, day_booked: list[dict[str, Any]]
    ) -> None:
        board(client, staff="sam")
        moved = move(client, day_booked[1], "cancelled")

        sams = board(client, after=moved, staff="sam")

        assert ids(sams, "cancelled") == {day_booked[1]["id"]}
        assert sams.get_data() == uncached(app, sams, staff="sam")

    def test_an_empty_day_is_cached_and_fills_when_booked(
        self, app: Flask, client: FlaskClient, haircut: dict[str, Any]
    ) -> None:
        assert read_side(app).wait_for("board", head(app), 5)
        empty = board(client)
        assert ids(empty) == set() and empty.get_data() == uncached(app, empty)

        booked = client.post(
            f"{API}/appointments",
            json={
                "location_id": "downtown",
                "starts_at": f"{DAY}T09:00:00+00:00",
                "customer": {"name": "Ada"},
                "services": [{"code": "CUT"}],
            },
        )

        filled = board(client, after=booked)
        assert ids(filled) == {(booked.json or {})["id"]}
        assert filled.headers["ETag"] != empty.headers["ETag"]
        assert board(client, location="harbour").headers["ETag"] != empty.headers["ETag"]


class TestConditional:
    def test_the_etag_answers_304_with_the_position_until_the_cards_change(
        self, app: Flask, client: FlaskClient, day_booked: list[dict[str, Any]]
    ) -> None:
        first = board(client)
        etag = first.headers["ETag"]
        assert etag.startswith('W/"')

        same = client.get(
            BOARD,
            query_string={"date": DAY, "location": "downtown"},
            headers={"If-None-Match": etag},
        )
        assert same.status_code == 304
        assert same.get_data() == b""
        assert same.headers["X-Projection-Position"] == first.headers["X-Projection-Position"]
        assert same.headers["ETag"] == etag

        elsewhere = move(client, book(client, location_id="harbour"), "checked_in")
        unchanged = client.get(
            BOARD,
            query_string=downtown(elsewhere),
            headers={"If-None-Match": etag},
        )
        assert unchanged.status_code == 304
        position = int(unchanged.headers["X-Projection-Position"])
        assert position >= int(elsewhere.headers["X-Event-Position"])

        moved = move(client, day_booked[2], "no_show")
        changed = client.get(
            BOARD,
            query_string=downtown(moved),
            headers={"If-None-Match": etag},
        )
        assert changed.status_code == 200
        assert changed.headers["ETag"] != etag
        assert day_booked[2]["id"] in ids(changed, "no_show")

    def test_any_of_several_tags_or_a_strong_form_matches(
        self, client: FlaskClient, day_booked: list[dict[str, Any]]
    ) -> None:
        etag = board(client).headers["ETag"]
        strong = etag.removeprefix("W/")

        for given in (f'"other", {etag}', strong, "*"):
            response = client.get(
                BOARD,
                query_string={"date": DAY, "location": "downtown"},
                headers={"If-None-Match": given},
            )
            assert response.status_code == 304, given
        stale = client.get(
            BOARD,
            query_string={"date": DAY, "location": "downtown"},
            headers={"If-None-Match": 'W/"other"'},
        )
        assert stale.status_code == 200


class TestReadSide:
    def test_the_fingerprint_follows_the_days_ids_and_versions(
        self, app: Flask, client: FlaskClient, day_booked: list[dict[str, Any]]
    ) -> None:
        side, day = read_side(app), date.fromisoformat(DAY)
        before = side.board_if_changed("downtown", day, None).mark
        assert before.position == side.position("board")
        elsewhere = move(client, book(client, location_id="harbour"), "checked_in")
        assert side.wait_for("board", int(elsewhere.headers["X-Event-Position"]), 5)

        same = side.board_if_changed("downtown", day, before).mark
        moved = move(client, day_booked[1], "checked_in")
        assert side.wait_for("board", int(moved.headers["X-Event-Position"]), 5)
        after = side.board_if_changed("downtown", day, same).mark

        assert same.fingerprint == before.fingerprint and same.position > before.position
        assert after.fingerprint != before.fingerprint

    @pytest.mark.parametrize("rebuilds", [1, 2], ids=["rebuilt", "rebuilt-and-dropped"])
    def test_a_board_kept_from_a_retired_generation_is_read_from_the_live_one(
        self, app: Flask, client: FlaskClient, day_booked: list[dict[str, Any]], rebuilds: int
    ) -> None:
        side, day = read_side(app), date.fromisoformat(DAY)
        seen = side.board_if_changed("downtown", day, None)
        assert seen.pairs is not None
        board_model = build_projections("UTC")["board"]
        for _ in range(rebuilds):  # the second drops the tables ``seen`` was read from
            Rebuild(runtime(app).components.board, side.store, board_model).run()

        again = side.board_if_changed("downtown", day, seen.mark)

        assert again.mark.generation == seen.mark.generation + rebuilds
        assert again.pairs == seen.pairs
        assert again.cards == side.board("downtown", day).cards


class TestConcurrent:
    def test_readers_racing_moves_always_see_a_whole_board_at_their_position(
        self,
        app: Flask,
        client: FlaskClient,
        tokens: dict[str, str],
        day_booked: list[dict[str, Any]],
    ) -> None:
        def read(_: int) -> tuple[int, dict[str, Any]]:
            reader = as_role(app, tokens, "viewer")
            response = reader.get(BOARD, query_string={"date": DAY, "location": "downtown"})
            assert response.status_code == 200
            return int(response.headers["X-Projection-Position"]), dict(response.json or {})

        card, last = day_booked[1], None
        with ThreadPoolExecutor(4) as pool:
            readers = pool.map(read, range(40))
            for status in ("checked_in", "in_progress", "ready"):
                last = move(client, card, status)
                assert last.status_code == 200
                card = (last.json or {})["appointment"]
            seen = list(readers)

        for position, document in seen:
            assert document["position"] == position
            assert sum(column["count"] for column in document["columns"]) == 3
        final = board(client, after=last)
        assert card["id"] in ids(final, "ready")
        assert final.get_data() == uncached(app, final)
