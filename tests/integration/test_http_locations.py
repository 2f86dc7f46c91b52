"""The front desk's pickers over HTTP: the locations with today's bookings, a location's staff."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.integration.http_support import API, DAY, as_role, book, head, problem

LOCATIONS = f"{API}/locations"
STAFF = f"{API}/staff"


def today_at(hour: int) -> str:
    """A time today in the service's timezone (UTC in these tests)."""
    return datetime.now(UTC).replace(hour=hour, minute=0, second=0, microsecond=0).isoformat()


def caught_up(client: FlaskClient, app: Flask, path: str, **query: Any) -> Any:
    response = client.get(path, query_string={"min_position": head(app), **query})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert int(response.headers["X-Projection-Position"]) >= head(app)
    return response


class TestLocations:
    def test_a_viewer_sees_every_location_with_its_appointments_today(
        self, app: Flask, tokens: dict[str, str], client: FlaskClient, haircut: dict[str, Any]
    ) -> None:
        book(client, starts_at=today_at(9))
        book(client, starts_at=today_at(10))
        book(client, starts_at=f"{DAY}T09:00:00+00:00")
        book(client, location_id="harbour", starts_at=f"{DAY}T09:00:00+00:00")

        viewer = as_role(app, tokens, "viewer")
        body = caught_up(viewer, app, LOCATIONS).json

        assert body["items"] == [
            {"id": "downtown", "appointments_today": 2},
            {"id": "harbour", "appointments_today": 0},
        ]
        assert body["position"] >= head(app)

    def test_a_read_at_the_same_position_is_the_same_answer(
        self, app: Flask, client: FlaskClient, haircut: dict[str, Any]
    ) -> None:
        book(client, starts_at=today_at(9))
        first = caught_up(client, app, LOCATIONS)
        again = client.get(LOCATIONS)
        book(client, starts_at=today_at(11))
        later = caught_up(client, app, LOCATIONS)

        assert again.get_data() == first.get_data()
        assert later.json["items"] == [{"id": "downtown", "appointments_today": 2}]


class TestStaff:
    def test_the_staff_seen_at_a_location_by_name_under_their_latest_name(
        self, app: Flask, client: FlaskClient, haircut: dict[str, Any]
    ) -> None:
        book(client, staff={"id": "sam", "name": "Sam"})
        book(client, staff={"id": "amy", "name": "Amy"})
        book(client, staff={"id": "sam", "name": "Samuel"}, starts_at=f"{DAY}T11:00:00+00:00")
        book(client, location_id="harbour", staff={"id": "zed", "name": "Zed"})

        body = caught_up(client, app, STAFF, location="downtown").json

        assert body["items"] == [{"id": "amy", "name": "Amy"}, {"id": "sam", "name": "Samuel"}]
        assert body["location"] == "downtown"

    def test_the_location_is_required(self, client: FlaskClient) -> None:
        assert "location" in problem(client.get(STAFF), 422)["errors"]


class TestDocumented:
    def test_both_reads_are_in_the_openapi_document_for_viewers(self, client: FlaskClient) -> None:
        paths = (client.get("/api/openapi.json").json or {})["paths"]

        for path in (LOCATIONS, STAFF):
            responses = paths[path]["get"]["responses"]
            assert "X-Projection-Position" in responses["200"]["headers"]
