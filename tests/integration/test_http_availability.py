"""Free start times over HTTP (SPEC §12): GET /api/admin/availability, as a booking form asks."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from adapters.runtime import EXTENSION
from tests.integration.http_support import (
    API,
    DAY,
    as_role,
    book,
    head,
    move,
    problem,
    serving,
    settings_for,
    token_store,
)
from tests.support import HAIRCUT

AVAILABILITY = f"{API}/availability"
HOURS = f"{API}/locations/downtown/hours"
SAM = {"id": "sam", "name": "Sam"}
KIM = {"id": "kim", "name": "Kim"}
NINE_TO_FIVE = {
    day: [{"opens": "09:00", "closes": "17:00"}]
    for day in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
}


def asked(**query: Any) -> dict[str, Any]:
    return {"location": "downtown", "date": DAY, "duration_minutes": 30, **query}


def caught_up(client: FlaskClient, app: Flask, **query: Any) -> Any:
    position = head(app)
    response = client.get(AVAILABILITY, query_string=asked(min_position=position, **query))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert int(response.headers["X-Projection-Position"]) >= position
    return response


def free_of(body: dict[str, Any]) -> dict[str, list[str]]:
    return {member["id"]: member["free"] for member in body["staff"]}


class TestFreeStarts:
    def test_a_viewer_sees_each_staff_members_free_starts_on_the_grid(
        self, app: Flask, tokens: dict[str, str], client: FlaskClient, haircut: dict[str, Any]
    ) -> None:
        book(client, staff=SAM)
        book(client, staff=KIM, starts_at=f"{DAY}T10:00:00+00:00")

        viewer = as_role(app, tokens, "viewer")
        body = caught_up(viewer, app).json

        assert {k: body[k] for k in ("date", "location", "duration_minutes")} == asked()
        assert body["position"] >= head(app)
        assert [(m["id"], m["name"]) for m in body["staff"]] == [("kim", "Kim"), ("sam", "Sam")]
        sam = free_of(body)["sam"]
        assert sam[:4] == ["08:00", "08:15", "08:30", "09:30"]
        assert (sam[-1], len(sam)) == ("19:30", 47 - 3)
        assert "09:30" in free_of(body)["kim"] and "09:45" not in free_of(body)["kim"]

    def test_a_step_of_an_hour_and_a_longer_duration(
        self, app: Flask, client: FlaskClient, haircut: dict[str, Any]
    ) -> None:
        book(client, staff=SAM)

        body = caught_up(client, app, duration_minutes=120, step_minutes=60).json

        assert free_of(body)["sam"] == [f"{hour:02d}:00" for hour in range(10, 19)]

    def test_cancelling_gives_the_time_back_to_the_next_read(
        self, app: Flask, client: FlaskClient, haircut: dict[str, Any]
    ) -> None:
        first = book(client, staff=SAM)
        before = caught_up(client, app).json
        assert move(client, first, "cancelled").status_code == 200

        after = caught_up(client, app).json

        assert "09:00" not in free_of(before)["sam"]
        assert "09:00" in free_of(after)["sam"]

    def test_a_read_at_the_same_position_is_the_same_answer(
        self, app: Flask, client: FlaskClient, haircut: dict[str, Any]
    ) -> None:
        book(client, staff=SAM)
        first = caught_up(client, app)

        again = client.get(AVAILABILITY, query_string=asked())

        assert again.get_data() == first.get_data()

    def test_only_the_staff_member_asked_for_and_none_for_one_never_seen_here(
        self, app: Flask, client: FlaskClient, haircut: dict[str, Any]
    ) -> None:
        book(client, staff=SAM)
        book(client, staff=KIM)

        assert list(free_of(caught_up(client, app, staff="kim").json)) == ["kim"]
        assert caught_up(client, app, staff="nobody").json["staff"] == []


class TestLocalDays:
    def test_the_day_and_the_starts_are_those_of_the_configured_timezone(
        self, store_url: str
    ) -> None:
        with serving(settings_for(store_url, timezone="Pacific/Auckland")) as app:
            client = app.test_client()
            token = token_store(app).issue("admin", "admin")[1]
            client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
            assert client.post(f"{API}/services", json=HAIRCUT).status_code == 201
            book(client, staff=SAM, starts_at="2030-03-03T20:00:00+00:00")  # 09:00 on the 4th

            sam = free_of(caught_up(client, app).json)["sam"]

        assert sam[:4] == ["08:00", "08:15", "08:30", "09:30"]


class TestOpeningHours:
    def test_the_hours_set_bound_the_starts_and_a_closed_date_has_none(
        self, app: Flask, client: FlaskClient, haircut: dict[str, Any]
    ) -> None:
        book(client, staff=SAM)
        put = client.put(HOURS, json={"weekly": NINE_TO_FIVE, "closed_dates": ["2030-03-05"]})
        assert put.status_code == 200, put.json

        today = free_of(caught_up(client, app).json)["sam"]
        closed = caught_up(client, app, date="2030-03-05").json

        assert (today[0], today[-1]) == ("09:30", "16:30")
        assert closed["staff"] == [{"id": "sam", "name": "Sam", "free": []}]


class TestRefused:
    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("duration_minutes", "4"),
            ("duration_minutes", "721"),
            ("duration_minutes", "half an hour"),
            ("duration_minutes", None),
            ("date", "2030-02-30"),
            ("date", "tomorrow"),
            ("date", None),
            ("location", "Down Town"),
            ("location", None),
            ("staff", "no one"),
            ("step_minutes", "7"),
            ("min_position", "-1"),
        ],
    )
    def test_a_bad_query_is_422_naming_the_field(
        self, app: Flask, client: FlaskClient, field: str, value: str | None
    ) -> None:
        query = {k: v for k, v in asked(**{field: value}).items() if v is not None}
        position = head(app)

        body = problem(client.get(AVAILABILITY, query_string=query), 422)

        assert list(body["errors"]) == [field]
        assert head(app) == position

    def test_a_position_ahead_of_the_log_is_422(self, app: Flask, client: FlaskClient) -> None:
        query = asked(min_position=head(app) + 100)

        body = problem(client.get(AVAILABILITY, query_string=query), 422)

        assert list(body["errors"]) == ["min_position"]

    def test_a_position_the_read_model_does_not_reach_is_503(
        self, app: Flask, client: FlaskClient, haircut: dict[str, Any]
    ) -> None:
        runtime = app.extensions[EXTENSION]
        runtime.settings = runtime.settings.replace(consistency_wait_ms=50)
        runtime.components.projections.stop()
        book(client, staff=SAM)

        response = client.get(AVAILABILITY, query_string=asked(min_position=head(app)))

        assert problem(response, 503)["type"].endswith("projection_lagging")
        assert "Retry-After" in response.headers

    def test_a_caller_without_a_token_is_401(self, app: Flask) -> None:
        assert problem(app.test_client().get(AVAILABILITY, query_string=asked()), 401)


class TestDocumented:
    def test_the_read_is_in_the_openapi_document_for_viewers(self, client: FlaskClient) -> None:
        paths = (client.get("/api/openapi.json").json or {})["paths"]

        responses = paths[AVAILABILITY]["get"]["responses"]
        assert "X-Projection-Position" in responses["200"]["headers"]
        assert {"422", "503"} <= set(responses)
