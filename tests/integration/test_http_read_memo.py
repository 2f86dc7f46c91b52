"""Stats and service pages are reused while their projection stands still, and only then."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from projections.catalog import build_projections
from projections.rebuild import Rebuild
from projections.services.query import ITEM_COLUMNS
from tests.integration.counting_store import CountingStore
from tests.integration.http_support import API, DAY, book, head, move, runtime

STATS = f"{API}/dashboard/stats?location=downtown&date={DAY}"
SERVICES = f"{API}/services"


class Reads:
    """How often the stats row and the service pages were read from their tables."""

    def __init__(self, store: CountingStore) -> None:
        self.store = store

    def __getitem__(self, name: str) -> int:
        columns = {
            "stats": "location_id, day",
            # A page, not the projection's own reads of every column
            "services": f"{', '.join(ITEM_COLUMNS)} FROM",
        }[name]
        return self.store.selects(name, columns)


@pytest.fixture
def reads(app: Flask) -> Reads:
    """Counts the read side's queries of the stats and services tables, from now on."""
    side = runtime(app).components.read_side
    side.store = CountingStore(side.store)
    return Reads(side.store)


def caught_up_read(client: FlaskClient, app: Flask, path: str) -> dict[str, Any]:
    joiner = "&" if "?" in path else "?"
    response = client.get(f"{path}{joiner}min_position={head(app)}")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert int(response.headers["X-Projection-Position"]) >= 0
    return dict(response.json or {})


class TestStats:
    def test_a_second_read_at_the_same_position_is_the_same_answer_unread(
        self, app: Flask, client: FlaskClient, haircut: dict[str, Any], reads: Reads
    ) -> None:
        book(client)
        first = caught_up_read(client, app, STATS)
        again = client.get(STATS)

        assert again.json == first and reads["stats"] == 1
        assert again.headers["X-Projection-Position"] == str(first["position"])

    def test_a_move_shows_in_the_next_read(
        self, app: Flask, client: FlaskClient, haircut: dict[str, Any]
    ) -> None:
        card = book(client)
        before = caught_up_read(client, app, STATS)
        assert move(client, card, "checked_in").status_code == 200

        after = caught_up_read(client, app, STATS)

        assert before["by_status"]["scheduled"] == 1 and before["by_status"]["checked_in"] == 0
        assert after["by_status"]["scheduled"] == 0 and after["by_status"]["checked_in"] == 1
        assert after["position"] > before["position"]


class TestServices:
    def test_pages_are_reused_across_appointment_moves_and_renewed_by_catalog_changes(
        self, app: Flask, client: FlaskClient, haircut: dict[str, Any], reads: Reads
    ) -> None:
        card = book(client)
        first = caught_up_read(client, app, SERVICES)
        assert move(client, card, "checked_in").status_code == 200
        after_move = client.get(f"{SERVICES}?min_position={head(app)}")

        # The projection has passed the move (min_position), and the catalog is unchanged:
        # the same page, at the position this read found.
        body = dict(after_move.json or {})
        assert body["position"] == int(after_move.headers["X-Projection-Position"]) >= head(app)
        assert {**body, "position": first["position"]} == first
        assert reads["services"] == 1

        added = client.post(
            SERVICES,
            json={
                "code": "BEARD",
                "name": "Beard trim",
                "category": "hair",
                "price_cents": 1500,
                "duration_minutes": 15,
            },
        )
        assert added.status_code == 201, added.json
        renewed = caught_up_read(client, app, SERVICES)

        assert [item["code"] for item in renewed["items"]] == ["BEARD", "CUT"]
        assert renewed["total"] == 2 and reads["services"] == 2

    def test_each_query_has_its_own_answer(
        self, app: Flask, client: FlaskClient, haircut: dict[str, Any]
    ) -> None:
        everything = caught_up_read(client, app, SERVICES)
        nothing = client.get(f"{SERVICES}?search=zzz").json or {}
        again = client.get(SERVICES).json

        assert everything["total"] == 1 and nothing["total"] == 0 and again == everything

    def test_a_rebuilt_projection_is_read_afresh(
        self,
        app: Flask,
        client: FlaskClient,
        haircut: dict[str, Any],
        reads: Reads,
    ) -> None:
        first = caught_up_read(client, app, SERVICES)

        services = runtime(app).components
        projection = build_projections("UTC")["services"]
        Rebuild(services.board, services.read_side.store, projection).run()
        again = client.get(SERVICES)

        assert again.json == first and reads["services"] == 2
