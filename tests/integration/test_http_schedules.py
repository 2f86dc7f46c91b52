# ruff: noqa: F811 - pytest fixtures arrive as arguments named like their imports
"""No double-booked staff, and opening hours (SPEC §12), on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from domain.schedule import Schedule, schedule_id_for
from tests.integration.http_support import (  # noqa: F401 - fixtures by name
    API,
    DAY,
    app,
    as_role,
    book,
    booking,
    client,
    haircut,
    head,
    move,
    problem,
    runtime,
    store_url,
    tokens,
)

SAM = {"id": "s1", "name": "Sam"}
KIM = {"id": "s2", "name": "Kim"}
HOURS = f"{API}/locations/downtown/hours"
WEEKLY = {
    day: [{"opens": "09:00", "closes": "17:00"}]
    for day in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
}


def at(clock: str) -> str:
    return f"{DAY}T{clock}:00+00:00"


def schedule(app: Flask, staff_id: str = "s1") -> Schedule:
    board = runtime(app).components.board
    found = board.repository.get(schedule_id_for(staff_id, DAY))
    assert isinstance(found, Schedule)
    return found


def held(app: Flask, staff_id: str = "s1") -> set[str]:
    return {hold["appointment_id"].hex for hold in schedule(app, staff_id).held()}


def ids(*appointments: dict[str, Any]) -> set[str]:
    return {appointment["id"].replace("-", "") for appointment in appointments}


def edit(client: FlaskClient, appointment: dict[str, Any], **changes: Any) -> Any:
    body = {"expected_version": appointment["version"], **changes}
    return client.patch(f"{API}/appointments/{appointment['id']}", json=body)


class TestDoubleBooking:
    def test_a_taken_slot_is_refused_naming_the_appointment_that_holds_it(
        self, app: Flask, client: FlaskClient, haircut: dict[str, Any]
    ) -> None:
        first = book(client, staff=SAM)
        position = head(app)

        response = client.post(
            f"{API}/appointments", json=booking(staff=SAM, starts_at=at("09:15"))
        )

        body = problem(response, 409)
        assert body["type"].endswith(":staff_double_booked")
        assert body["conflicting_appointment"] == {
            "id": first["id"],
            "starts_at": first["starts_at"],
            "ends_at": first["ends_at"],
            "customer_name": "Ada Lovelace",
        }
        assert head(app) == position

    def test_another_staff_member_or_the_next_slot_is_free(
        self, app: Flask, client: FlaskClient, haircut: dict[str, Any]
    ) -> None:
        first = book(client, staff=SAM)
        second = book(client, staff=KIM)
        third = book(client, staff=SAM, starts_at=at("09:30"))

        assert held(app) == ids(first, third)
        assert held(app, "s2") == ids(second)

    def test_an_overlap_booked_on_purpose_is_recorded(
        self, app: Flask, client: FlaskClient, haircut: dict[str, Any]
    ) -> None:
        book(client, staff=SAM)
        second = book(client, staff=SAM, allow_overlap=True)

        hold = schedule(app).holds[second["id"]]
        assert hold["overlap_allowed"] is True
        assert len(schedule(app).overlaps()) == 1


class TestFreeing:
    def test_cancelling_or_a_no_show_frees_the_slot(
        self, app: Flask, client: FlaskClient, haircut: dict[str, Any]
    ) -> None:
        first = book(client, staff=SAM)
        assert move(client, first, "cancelled").status_code == 200
        second = book(client, staff=SAM)
        assert move(client, second, "no_show").status_code == 200

        assert held(app) == set()
        book(client, staff=SAM)

    def test_reopening_into_a_slot_taken_meanwhile_is_a_double_booking(
        self, app: Flask, client: FlaskClient, haircut: dict[str, Any]
    ) -> None:
        first = book(client, staff=SAM)
        cancelled = (move(client, first, "cancelled").json or {})["appointment"]
        taker = book(client, staff=SAM)

        refused = move(client, cancelled, "scheduled", reason="came back")
        assert problem(refused, 409)["conflicting_appointment"]["id"] == taker["id"]
        allowed = move(client, cancelled, "scheduled", reason="came back", allow_overlap=True)
        assert allowed.status_code == 200, allowed.json
        assert held(app) == ids(first, taker)


class TestMovingTheHold:
    def test_rescheduling_moves_the_hold_and_frees_the_old_slot(
        self, app: Flask, client: FlaskClient, haircut: dict[str, Any]
    ) -> None:
        first = book(client, staff=SAM)

        moved = edit(client, first, starts_at=at("11:00"))

        assert moved.status_code == 200, moved.json
        assert schedule(app).holds[first["id"]]["starts_at"].hour == 11
        book(client, staff=SAM)

    def test_rescheduling_into_a_taken_slot_is_refused(
        self, app: Flask, client: FlaskClient, haircut: dict[str, Any]
    ) -> None:
        first = book(client, staff=SAM)
        second = book(client, staff=SAM, starts_at=at("10:00"))

        body = problem(edit(client, second, starts_at=at("09:00")), 409)

        assert body["conflicting_appointment"]["id"] == first["id"]

    def test_reassigning_moves_the_hold_to_the_other_staff_member(
        self, app: Flask, client: FlaskClient, haircut: dict[str, Any]
    ) -> None:
        first = book(client, staff=SAM)
        kims = book(client, staff=KIM, starts_at=at("10:00"))

        assert edit(client, first, staff=KIM).status_code == 200
        assert held(app) == set()
        assert held(app, "s2") == ids(first, kims)
        refused = edit(client, kims, staff=SAM, starts_at=at("09:00"))
        assert refused.status_code == 200  # Sam is free again


class TestOpeningHours:
    def test_a_location_without_hours_has_the_default_ones(self, client: FlaskClient) -> None:
        response = client.get(HOURS)

        assert response.status_code == 200
        body = response.json or {}
        assert body["version"] == 0
        assert body["weekly"]["monday"] == [{"opens": "08:00", "closes": "20:00"}]
        assert body["closed_dates"] == []

    def test_a_booking_outside_the_hours_is_refused_unless_an_admin_overrides(
        self, app: Flask, client: FlaskClient, tokens: dict[str, str], haircut: dict[str, Any]
    ) -> None:
        assert client.put(HOURS, json={"weekly": WEEKLY, "closed_dates": []}).status_code == 200
        staff = as_role(app, tokens, "staff")
        late = booking(starts_at=at("16:45"))

        body = problem(staff.post(f"{API}/appointments", json=late), 422)
        assert body["type"].endswith(":outside_opening_hours")
        forced = {**late, "allow_outside_hours": True}
        assert staff.post(f"{API}/appointments", json=forced).status_code == 403
        assert client.post(f"{API}/appointments", json=forced).status_code == 201

    def test_a_reschedule_outside_the_hours_is_refused(
        self, client: FlaskClient, haircut: dict[str, Any]
    ) -> None:
        first = book(client)

        body = problem(edit(client, first, starts_at=at("07:00")), 422)

        assert body["type"].endswith(":outside_opening_hours")

    def test_a_closed_date_closes_the_whole_day(
        self, client: FlaskClient, haircut: dict[str, Any]
    ) -> None:
        client.put(HOURS, json={"weekly": WEEKLY, "closed_dates": [DAY]})

        response = client.post(f"{API}/appointments", json=booking(starts_at=at("10:00")))

        assert problem(response, 422)["type"].endswith(":outside_opening_hours")


class TestSettingHours:
    def test_hours_are_versioned_and_a_stale_change_conflicts(
        self, app: Flask, client: FlaskClient
    ) -> None:
        first = client.put(HOURS, json={"weekly": WEEKLY, "closed_dates": []})
        assert first.status_code == 200
        assert (first.json or {})["version"] == 1
        assert first.headers["X-Event-Position"] == str(head(app))
        closed = {"weekly": WEEKLY, "closed_dates": [DAY], "expected_version": 1}
        assert (client.put(HOURS, json=closed).json or {})["version"] == 2

        stale = {"weekly": WEEKLY, "closed_dates": ["2030-12-25"], "expected_version": 1}
        body = problem(client.put(HOURS, json=stale), 409)

        assert body["fields"] == ["closed_dates"]
        assert body["current"]["closed_dates"] == [DAY]

    def test_invalid_hours_are_422_and_write_nothing(self, app: Flask, client: FlaskClient) -> None:
        position = head(app)
        bad = [
            {"weekly": {**WEEKLY, "monday": [{"opens": "18:00", "closes": "09:00"}]}},
            {"weekly": {"funday": []}},
            {"weekly": WEEKLY, "closed_dates": ["tomorrow"]},
            {"weekly": WEEKLY, "closed_dates": [], "colour": "red"},
        ]

        for body in bad:
            response = client.put(HOURS, json={"closed_dates": [], **body})
            assert problem(response, 422)["type"].endswith(":invalid_request")
        assert head(app) == position
        assert (client.get(HOURS).json or {})["version"] == 0

    def test_only_admins_set_hours(self, app: Flask, tokens: dict[str, str]) -> None:
        staff = as_role(app, tokens, "staff")

        response = staff.put(HOURS, json={"weekly": WEEKLY, "closed_dates": []})

        assert response.status_code == 403
        assert staff.get(HOURS).status_code == 200
