"""The activity trail over HTTP: support's view of who changed what, paged and filtered."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.integration.http_support import API, as_role, book, move, problem

ACTIVITY = f"{API}/activity"


def pages(client: FlaskClient, **query: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        params = {**query, **({"cursor": cursor} if cursor else {})}
        response = client.get(ACTIVITY, query_string=params)
        assert response.status_code == 200, response.json
        body = response.json or {}
        items += body["items"]
        cursor = body["next_cursor"]
        if cursor is None:
            return items


class TestActivityEndpoint:
    def test_lists_every_change_with_its_actor_in_order_across_pages(
        self, app: Flask, client: FlaskClient, tokens: dict[str, str], haircut: dict[str, Any]
    ) -> None:
        staff = as_role(app, tokens, "staff")
        first = book(client, location_id="north")
        moved = move(staff, first, "checked_in")
        position = int(moved.headers["X-Event-Position"])

        items = pages(client, limit=1, min_position=position)

        assert [(i["appointment_id"], i["version"], i["actor"]) for i in items] == [
            (first["id"], 1, "admin"),
            (first["id"], 2, "staff"),
        ]
        assert items[1]["from_status"] == "scheduled"
        assert items[1]["to_status"] == "checked_in"
        assert items[1]["location_id"] == "north"

    def test_filters_by_actor_location_and_type(
        self, app: Flask, client: FlaskClient, tokens: dict[str, str], haircut: dict[str, Any]
    ) -> None:
        staff = as_role(app, tokens, "staff")
        north = book(client, location_id="north")
        south = book(client, location_id="south")
        move(staff, north, "checked_in")
        last = move(staff, south, "cancelled")
        wait = int(last.headers["X-Event-Position"])

        by_staff = pages(client, actor="staff", min_position=wait)
        south_moves = pages(client, location="south", type="Moved", min_position=wait)

        assert [(i["appointment_id"], i["type"]) for i in by_staff] == [
            (north["id"], "Moved"),
            (south["id"], "Moved"),
        ]
        assert [i["to_status"] for i in south_moves] == ["cancelled"]

    def test_is_for_support_and_admin_only(
        self, app: Flask, client: FlaskClient, tokens: dict[str, str]
    ) -> None:
        assert as_role(app, tokens, "support").get(ACTIVITY).status_code == 200
        problem(as_role(app, tokens, "staff").get(ACTIVITY), 403)
        problem(app.test_client().get(ACTIVITY), 401)

    def test_a_bad_cursor_or_type_is_422(self, client: FlaskClient) -> None:
        problem(client.get(ACTIVITY, query_string={"cursor": "bm90LWEtY3Vyc29y"}), 422)
        problem(client.get(ACTIVITY, query_string={"type": "Deleted"}), 422)
