"""Reads from the read models: the board, the dashboard, the catalog, and read-your-writes."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from domain.status import STATUSES, TITLES
from tests.integration.http_support import API, DAY, book, booking, downtown, head, move, problem

BOARD = f"{API}/appointments/board"
STATS = f"{API}/dashboard/stats"


def service(code: str, name: str, category: str = "hair") -> dict[str, Any]:
    return {
        "code": code,
        "name": name,
        "category": category,
        "price_cents": 1000,
        "duration_minutes": 15,
    }


class TestBoard:
    def test_the_board_has_all_seven_columns_in_order_with_cards_in_time_order(
        self, client: FlaskClient, haircut: dict[str, Any]
    ) -> None:
        late = book(client, starts_at=f"{DAY}T15:00:00+00:00", customer={"name": "Zoe"})
        early = book(client, starts_at=f"{DAY}T08:00:00+00:00", customer={"name": "Ann"})
        moved = move(client, late, "checked_in")

        response = client.get(BOARD, query_string=downtown(moved))

        assert response.status_code == 200
        board = response.json or {}
        assert (board["date"], board["location"]) == (DAY, "downtown")
        assert int(response.headers["X-Projection-Position"]) == board["position"]
        assert [c["status"] for c in board["columns"]] == list(STATUSES)
        assert [c["title"] for c in board["columns"]] == [TITLES[s] for s in STATUSES]
        scheduled, checked_in = board["columns"][0], board["columns"][1]
        assert [card["id"] for card in scheduled["cards"]] == [early["id"]]
        assert [card["id"] for card in checked_in["cards"]] == [late["id"]]
        assert (scheduled["count"], checked_in["count"]) == (1, 1)
        card = checked_in["cards"][0]
        assert card["version"] == 2 and card["customer_name"] == "Zoe"
        assert card["services"] == ["Haircut"] and card["total_cents"] == 2500

    def test_a_staff_filter_shows_only_that_persons_cards(
        self, client: FlaskClient, haircut: dict[str, Any]
    ) -> None:
        book(client, staff={"id": "sam", "name": "Sam"})
        last = client.post(f"{API}/appointments", json=booking())

        board = client.get(BOARD, query_string=downtown(last, staff="sam")).json or {}

        cards = [card for column in board["columns"] for card in column["cards"]]
        assert [card["staff_name"] for card in cards] == ["Sam"]


class TestStats:
    def test_the_dashboard_counts_the_day(
        self, client: FlaskClient, haircut: dict[str, Any]
    ) -> None:
        book(client)
        cancelled = book(client)
        last = move(client, cancelled, "cancelled")

        response = client.get(STATS, query_string=downtown(last))

        assert response.status_code == 200
        stats = response.json or {}
        assert stats["total"] == 2
        assert set(stats["by_status"]) == set(STATUSES)
        assert stats["by_status"]["cancelled"] == 1
        assert stats["booked_revenue_cents"] == 2500
        assert stats["completion_rate"] == 0.0 and stats["no_show_rate"] == 0.0
        assert set(stats["avg_minutes_in_status"]) == {"checked_in", "in_progress", "ready"}
        assert int(response.headers["X-Projection-Position"]) == stats["position"]

    def test_a_day_without_appointments_has_zeroes_and_no_rates(self, client: FlaskClient) -> None:
        stats = client.get(STATS, query_string={"date": DAY, "location": "empty"}).json or {}

        assert stats["total"] == 0
        assert stats["completion_rate"] is None and stats["no_show_rate"] is None


class TestReadYourWrites:
    def test_a_read_with_min_position_sees_the_write_that_returned_it(
        self, client: FlaskClient, haircut: dict[str, Any]
    ) -> None:
        for _ in range(5):
            booked = client.post(f"{API}/appointments", json=booking())
            position = int(booked.headers["X-Event-Position"])

            board = client.get(
                BOARD,
                query_string={
                    "date": DAY,
                    "location": "downtown",
                    "min_position": position,
                },
            )

            assert int(board.headers["X-Projection-Position"]) >= position
            ids = {c["id"] for col in (board.json or {})["columns"] for c in col["cards"]}
            assert (booked.json or {})["id"] in ids

    def test_a_min_position_the_log_has_not_reached_is_422_at_once(
        self, app: Flask, client: FlaskClient, haircut: dict[str, Any]
    ) -> None:
        ahead = head(app) + 1_000
        reads = (
            (BOARD, {"location": "downtown"}),
            (STATS, {"location": "downtown"}),
            (f"{API}/services", {}),
            (f"{API}/activity", {}),
            (f"{API}/locations", {}),
            (f"{API}/staff", {"location": "downtown"}),
        )
        for path, query in reads:
            response = client.get(path, query_string={**query, "min_position": ahead})

            assert "min_position" in problem(response, 422)["errors"], path


class TestServices:
    def test_the_catalog_pages_by_key_past_100_items_while_items_are_added(
        self, app: Flask, client: FlaskClient
    ) -> None:
        for number in range(120):
            created = client.post(
                f"{API}/services", json=service(f"S{number:03d}", f"Style {number:03d}")
            )
            assert created.status_code == 201
        client.post(f"{API}/services", json=service("NAIL", "Manicure", "nails"))
        position = int(created.headers["X-Event-Position"]) + 1

        first = (
            client.get(
                f"{API}/services",
                query_string={
                    "search": "style",
                    "limit": 100,
                    "min_position": position,
                },
            ).json
            or {}
        )
        # Added between the pages: one sorts before the cursor, one after.
        client.post(f"{API}/services", json=service("A000", "Style 000a"))
        added = client.post(f"{API}/services", json=service("Z999", "Style 999"))
        second = (
            client.get(
                f"{API}/services",
                query_string={
                    "search": "style",
                    "limit": 100,
                    "cursor": first["next_cursor"],
                    "min_position": added.headers["X-Event-Position"],
                },
            ).json
            or {}
        )

        assert first["total"] == 120 and len(first["items"]) == 100
        names = [item["name"] for item in first["items"] + second["items"]]
        assert names[:100] == [f"Style {n:03d}" for n in range(100)]
        assert names[100:] == [f"Style {n:03d}" for n in range(100, 120)] + ["Style 999"]
        assert len(names) == len(set(names))
        assert second["next_cursor"] is None

    def test_empty_search_lists_all_and_filters_combine(
        self, client: FlaskClient, haircut: dict[str, Any]
    ) -> None:
        client.post(f"{API}/services", json=service("NAIL", "Manicure", "nails"))
        retired = client.post(f"{API}/services", json=service("OLD", "Old style")).json or {}
        last = client.patch(
            f"{API}/services/{retired['id']}", json={"expected_version": 1, "active": False}
        )

        def codes(**query: Any) -> list[str]:
            page = (
                client.get(
                    f"{API}/services",
                    query_string={
                        "min_position": last.headers["X-Event-Position"],
                        **query,
                    },
                ).json
                or {}
            )
            return [item["code"] for item in page["items"]]

        assert codes(search="") == ["CUT", "NAIL", "OLD"]
        assert codes(category="hair", active="true") == ["CUT"]
        assert codes(active="false") == ["OLD"]
        assert codes(search="MANI") == ["NAIL"]

    def test_a_service_is_changed_and_retired_by_patch(
        self, client: FlaskClient, haircut: dict[str, Any]
    ) -> None:
        url = f"{API}/services/{haircut['id']}"

        changed = client.patch(url, json={"expected_version": 1, "price_cents": 3000})
        stale = client.patch(url, json={"expected_version": 1, "price_cents": 2800})

        assert changed.status_code == 200
        assert (changed.json or {})["price_cents"] == 3000 and (changed.json or {})["version"] == 2
        assert problem(stale, 409)["current"]["price_cents"] == 3000
        assert client.get(url).json == changed.json

    def test_a_cursor_the_service_did_not_issue_is_422(self, client: FlaskClient) -> None:
        response = client.get(f"{API}/services?cursor=not-a-cursor")

        assert "cursor" in problem(response, 422)["errors"]
