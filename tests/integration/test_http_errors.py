"""The error envelope: every failure is problem+json with the members its kind promises."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from adapters.runtime import EXTENSION
from tests.integration.http_support import API, DAY, book, booking, head, move, problem, sqlite_only
from tests.support import HAIRCUT

BOARD = f"{API}/appointments/board?date={DAY}&location=downtown"


class TestValidation:
    @sqlite_only
    @pytest.mark.parametrize(
        ("body", "errors"),
        [
            (booking(customer={}), {"customer.name": ["Missing data for required field."]}),
            (booking(surprise=1), {"surprise": ["Unknown field."]}),
            (booking(services=[]), {"services": ["Shorter than minimum length 1."]}),
            (
                booking(starts_at="2030-03-04T09:00:00"),
                {"starts_at": ["Not a valid aware datetime."]},
            ),
            (
                booking(location_id="Down Town"),
                {"location_id": ["must be 1 to 64 of a-z, 0-9 and -"]},
            ),
            (
                booking(services=[{"code": "NOPE"}]),
                {"services.0.code": ["no service has code NOPE"]},
            ),
            (
                booking(customer={"name": "A\u0000B"}),
                {"customer.name": ["must not contain control characters"]},
            ),
            ([booking()], {"_schema": ["Invalid input type."]}),
        ],
        ids=[
            "missing",
            "unknown",
            "no-services",
            "naive-time",
            "bad-slug",
            "no-such-service",
            "nul-byte",
            "not-an-object",
        ],
    )
    def test_invalid_bookings_are_422_with_messages_by_field(
        self,
        app: Flask,
        client: FlaskClient,
        haircut: dict[str, Any],
        body: Any,
        errors: dict[str, list[str]],
    ) -> None:
        before = head(app)

        response = client.post(f"{API}/appointments", json=body)

        assert problem(response, 422)["errors"] == errors
        assert head(app) == before

    def test_a_move_without_expected_version_is_422(
        self, client: FlaskClient, haircut: dict[str, Any]
    ) -> None:
        booked = book(client)

        response = client.post(
            f"{API}/appointments/{booked['id']}/move", json={"to_status": "checked_in"}
        )

        assert problem(response, 422)["errors"] == {
            "expected_version": ["Missing data for required field."]
        }

    def test_a_move_the_rules_forbid_is_422_with_the_allowed_targets(
        self, client: FlaskClient, haircut: dict[str, Any]
    ) -> None:
        booked = book(client)

        body = problem(move(client, booked, "completed"), 422)

        assert body["type"].endswith("invalid_transition")
        assert body["allowed"] == ["checked_in", "cancelled", "no_show"]

    def test_an_expected_version_from_the_future_is_422(
        self, client: FlaskClient, haircut: dict[str, Any]
    ) -> None:
        booked = book(client)

        body = problem(move(client, booked, "checked_in", version=5), 422)

        assert body["type"].endswith("version_ahead")
        assert body["current_version"] == 1

    @sqlite_only
    def test_unknown_query_parameters_are_422(self, client: FlaskClient) -> None:
        assert problem(client.get(f"{BOARD}&colour=red"), 422)["errors"] == {
            "colour": ["Unknown field."]
        }


@sqlite_only
class TestMalformedRequests:
    @pytest.mark.parametrize(
        "data", [b"{not json", b'{"notes": "\xff\xfe"}', b""], ids=["syntax", "not-utf8", "empty"]
    )
    def test_a_body_that_is_not_json_is_400(
        self, client: FlaskClient, haircut: dict[str, Any], data: bytes
    ) -> None:
        response = client.post(f"{API}/appointments", data=data, content_type="application/json")

        assert problem(response, 400)["type"].endswith("malformed_json")

    def test_a_body_that_is_not_declared_json_is_415(self, client: FlaskClient) -> None:
        response = client.post(f"{API}/appointments", data="x=1", content_type="text/plain")

        assert problem(response, 415)

    def test_a_body_over_64_kib_is_413(self, client: FlaskClient) -> None:
        response = client.post(f"{API}/appointments", json=booking(notes="x" * 70_000))

        assert problem(response, 413)


class TestMissingThings:
    def test_an_unknown_appointment_is_404(self, client: FlaskClient) -> None:
        body = problem(client.get(f"{API}/appointments/{uuid.uuid4()}"), 404)

        assert body["type"].endswith("not_found")

    @sqlite_only
    def test_an_unknown_route_is_a_404_problem(self, client: FlaskClient) -> None:
        assert problem(client.get(f"{API}/nothing-here"), 404)

    @sqlite_only
    def test_a_wrong_method_is_405_naming_the_allowed_ones(self, client: FlaskClient) -> None:
        response = client.put(f"{API}/services")

        problem(response, 405)
        assert {"GET", "POST"} <= set(response.headers["Allow"].split(", "))


class TestConflicts:
    def test_a_stale_move_is_409_naming_the_winning_change(
        self, client: FlaskClient, haircut: dict[str, Any]
    ) -> None:
        booked = book(client)
        move(client, booked, "checked_in")

        body = problem(move(client, booked, "cancelled", version=1), 409)

        assert body["current"]["status"] == "checked_in"
        assert body["current"]["version"] == 2
        event = body["conflicting_event"]
        assert (event["version"], event["type"], event["actor"]) == (2, "Moved", "admin")
        assert event["changes"] == {"status": ["scheduled", "checked_in"]}
        assert event["at"].endswith("+00:00")

    def test_a_duplicate_service_code_is_409(
        self, client: FlaskClient, haircut: dict[str, Any]
    ) -> None:
        again = client.post(f"{API}/services", json=HAIRCUT)

        assert problem(again, 409)["type"].endswith("duplicate_service")

    def test_server_set_fields_cannot_be_sent(self, client: FlaskClient) -> None:
        response = client.post(f"{API}/services", json={**HAIRCUT, "version": 1})

        assert problem(response, 422)["errors"] == {"version": ["Unknown field."]}


class TestUnavailable:
    def test_a_position_the_read_model_does_not_reach_is_503_with_retry_after(
        self, app: Flask, client: FlaskClient, haircut: dict[str, Any]
    ) -> None:
        runtime = app.extensions[EXTENSION]
        runtime.settings = runtime.settings.replace(consistency_wait_ms=50)
        runtime.components.projections.stop()
        written = client.post(f"{API}/appointments", json=booking())

        response = client.get(f"{BOARD}&min_position={written.headers['X-Event-Position']}")

        body = problem(response, 503)
        assert body["type"].endswith("projection_lagging")
        assert response.headers["Retry-After"] == "1"

    def test_an_unexpected_failure_is_a_500_that_tells_nothing_of_the_internals(
        self, app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        def broken(*_args: Any, **_kwargs: Any) -> None:
            raise RuntimeError("secret internals at /srv/app.py line 12")

        board = app.extensions[EXTENSION].components.board
        monkeypatch.setattr(board, "get_appointment", broken)

        response = client.get(f"{API}/appointments/{uuid.uuid4()}")

        body = problem(response, 500)
        assert "secret" not in response.get_data(as_text=True)
        assert body["type"].endswith("internal_error")
