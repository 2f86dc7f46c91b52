from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.integration.http_support import API, DAY, book, booking, head, move, problem

APPOINTMENT_FIELDS = {
    "id",
    "location_id",
    "starts_at",
    "ends_at",
    "customer",
    "staff",
    "service_lines",
    "total_cents",
    "notes",
    "status",
    "status_since",
    "version",
    "created_at",
    "updated_at",
}


class TestBooking:
    def test_booking_answers_201_with_the_appointment_and_where_it_lives(
        self, client: FlaskClient, haircut: dict[str, Any]
    ) -> None:
        response = client.post(f"{API}/appointments", json=booking(notes="Window seat"))

        assert response.status_code == 201
        body = response.json or {}
        assert set(body) >= APPOINTMENT_FIELDS
        assert response.headers["Location"] == f"{API}/appointments/{body['id']}"
        assert int(response.headers["X-Event-Position"]) >= 2
        assert body["status"] == "scheduled" and body["version"] == 1
        assert body["ends_at"] == f"{DAY}T09:30:00+00:00"  # the service's 30 minutes
        assert body["total_cents"] == 2500 and body["notes"] == "Window seat"
        assert body["service_lines"][0] == {
            "service_id": haircut["id"],
            "code": "CUT",
            "name": "Haircut",
            "unit_price_cents": 2500,
            "duration_minutes": 30,
            "quantity": 1,
        }

    def test_times_are_returned_in_utc_whatever_offset_they_came_with(
        self, client: FlaskClient, haircut: dict[str, Any]
    ) -> None:
        body = book(client, starts_at=f"{DAY}T10:00:00+01:00")

        assert body["starts_at"] == f"{DAY}T09:00:00+00:00"
        assert body["created_at"].endswith("+00:00")

    def test_the_appointment_is_read_back_with_its_version_as_etag(
        self, client: FlaskClient, haircut: dict[str, Any]
    ) -> None:
        booked = book(client)

        response = client.get(f"{API}/appointments/{booked['id']}")

        assert response.status_code == 200
        assert response.headers["ETag"] == '"1"'
        assert response.json == booked


class TestMovesAndEdits:
    def test_a_move_answers_the_appointment_whether_it_applied_and_its_position(
        self, app: Flask, client: FlaskClient, haircut: dict[str, Any]
    ) -> None:
        booked = book(client)

        response = move(client, booked, "checked_in")

        assert response.status_code == 200
        body = response.json or {}
        assert body["applied"] is True
        assert body["appointment"]["status"] == "checked_in"
        assert body["appointment"]["version"] == 2
        assert body["position"] == int(response.headers["X-Event-Position"]) == head(app)

    def test_moving_to_the_status_it_has_is_a_noop_that_appends_nothing(
        self, app: Flask, client: FlaskClient, haircut: dict[str, Any]
    ) -> None:
        booked = book(client)
        before = head(app)

        response = move(client, booked, "scheduled")

        assert response.status_code == 200
        assert (response.json or {})["applied"] is False
        assert head(app) == before

    def test_an_edit_changes_only_the_fields_sent(
        self, client: FlaskClient, haircut: dict[str, Any]
    ) -> None:
        booked = book(client)

        response = client.patch(
            f"{API}/appointments/{booked['id']}",
            json={
                "expected_version": 1,
                "notes": "Prefers Sam",
                "staff": {"id": "sam", "name": "Sam"},
            },
        )

        assert response.status_code == 200
        body = response.json or {}
        assert body["appointment"]["notes"] == "Prefers Sam"
        assert body["appointment"]["staff"] == {"id": "sam", "name": "Sam"}
        assert body["appointment"]["starts_at"] == booked["starts_at"]
        assert body["position"] == int(response.headers["X-Event-Position"])

    def test_service_lines_are_added_and_removed(
        self, client: FlaskClient, haircut: dict[str, Any]
    ) -> None:
        client.post(f"{API}/services", json={**HAIR_WASH})
        booked = book(client)
        url = f"{API}/appointments/{booked['id']}/service-lines"

        added = client.post(url, json={"code": "WASH", "quantity": 2, "expected_version": 1})
        wash_id = added.json["appointment"]["service_lines"][1]["service_id"]  # type: ignore[index]
        removed = client.delete(f"{url}/{wash_id}?expected_version=2")

        assert added.status_code == 200
        assert added.json["appointment"]["total_cents"] == 2500 + 2 * 1000  # type: ignore[index]
        assert removed.status_code == 200
        assert removed.json["appointment"]["total_cents"] == 2500  # type: ignore[index]
        last = client.delete(f"{url}/{haircut['id']}?expected_version=3")
        assert problem(last, 422)["errors"] == {
            "service_id": ["is the last service line; cancel the appointment instead"]
        }


HAIR_WASH = {
    "code": "WASH",
    "name": "Hair wash",
    "category": "hair",
    "price_cents": 1000,
    "duration_minutes": 10,
}


class TestAudit:
    def test_history_tells_who_changed_what_under_which_request_id(
        self, client: FlaskClient, haircut: dict[str, Any]
    ) -> None:
        booked = book(client)
        move(client, booked, "checked_in")
        client.post(
            f"{API}/appointments/{booked['id']}/move",
            json={"to_status": "in_progress", "expected_version": 2},
            headers={"X-Request-ID": "desk-42"},
        )

        response = client.get(f"{API}/appointments/{booked['id']}/history")

        assert response.status_code == 200
        items = (response.json or {})["items"]
        assert [item["type"] for item in items] == ["Booked", "Moved", "Moved"]
        assert {item["actor"] for item in items} == {"admin"}
        assert items[2]["request_id"] == "desk-42"
        assert items[2]["changes"] == {"status": ["checked_in", "in_progress"]}
        assert items[0]["changes"]["starts_at"] == [None, f"{DAY}T09:00:00+00:00"]

    def test_a_reschedule_keeps_the_reason_the_desk_gave(
        self, client: FlaskClient, haircut: dict[str, Any]
    ) -> None:
        booked = book(client)
        later = f"{DAY}T11:00:00+00:00"

        edited = client.patch(
            f"{API}/appointments/{booked['id']}",
            json={"expected_version": 1, "starts_at": later, "reason": "customer called"},
        )
        items = (client.get(f"{API}/appointments/{booked['id']}/history").json or {})["items"]

        assert edited.status_code == 200, edited.json
        assert [(item["type"], item["reason"]) for item in items] == [
            ("Booked", None),
            ("Rescheduled", "customer called"),
        ]

    def test_support_sees_the_appointment_as_it_was_at_a_version_or_an_instant(
        self, client: FlaskClient, haircut: dict[str, Any]
    ) -> None:
        booked = book(client)
        moved = move(client, booked, "checked_in").json or {}
        url = f"{API}/appointments/{booked['id']}"

        by_version = client.get(f"{url}?version=1")
        at_booking = client.get(url, query_string={"at": booked["created_at"]})
        now = client.get(url, query_string={"at": moved["appointment"]["updated_at"]})

        assert by_version.json == booked
        assert at_booking.json == booked
        assert (now.json or {})["status"] == "checked_in"
        assert problem(client.get(f"{url}?version=9"), 404)
        assert problem(client.get(f"{url}?at=2000-01-01T00:00:00Z"), 404)
        assert problem(client.get(f"{url}?version=1&at={DAY}T00:00:00Z"), 422)["errors"] == {
            "at": ["give version or at, not both"]
        }


class TestIdempotency:
    def test_a_retried_booking_returns_the_first_answer_and_appends_nothing(
        self, app: Flask, client: FlaskClient, haircut: dict[str, Any]
    ) -> None:
        key = {"Idempotency-Key": "booking-7f3a"}
        first = client.post(f"{API}/appointments", json=booking(), headers=key)
        after_first = head(app)

        retry = client.post(f"{API}/appointments", json=booking(), headers=key)

        assert retry.status_code == first.status_code == 201
        assert retry.json == first.json
        assert head(app) == after_first

    def test_a_retried_move_returns_the_same_outcome_and_appends_nothing(
        self, app: Flask, client: FlaskClient, haircut: dict[str, Any]
    ) -> None:
        booked = book(client)
        key = {"Idempotency-Key": "move-1"}
        body = {"to_status": "checked_in", "expected_version": 1}
        url = f"{API}/appointments/{booked['id']}/move"
        first = client.post(url, json=body, headers=key)
        after_first = head(app)

        retry = client.post(url, json=body, headers=key)

        assert retry.status_code == 200
        assert (retry.json or {})["appointment"] == (first.json or {})["appointment"]
        assert (retry.json or {})["applied"] is True
        assert head(app) == after_first

    def test_the_same_key_with_another_body_is_refused(
        self, client: FlaskClient, haircut: dict[str, Any]
    ) -> None:
        key = {"Idempotency-Key": "booking-1"}
        client.post(f"{API}/appointments", json=booking(), headers=key)

        reused = client.post(
            f"{API}/appointments", json=booking(notes="something else"), headers=key
        )

        assert problem(reused, 422)["type"].endswith("idempotency_key_reused")

    def test_a_key_that_is_too_long_or_not_printable_is_refused(
        self, app: Flask, client: FlaskClient, haircut: dict[str, Any]
    ) -> None:
        before = head(app)
        for key in ("k" * 129, "tab\there"):
            response = client.post(
                f"{API}/appointments", json=booking(), headers={"Idempotency-Key": key}
            )
            assert "Idempotency-Key" in problem(response, 422)["errors"]
        assert head(app) == before
