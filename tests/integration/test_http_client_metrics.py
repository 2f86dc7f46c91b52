"""POST /api/admin/client-metrics: the page's timings counted in /metrics, and nothing else."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from adapters.app import create_app
from adapters.metrics import shared_across_processes
from tests.integration.http_support import (
    API,
    as_role,
    problem,
    runtime,
    settings_for,
    sqlite_only,
)
from tests.support import log_records

REPORTS = f"{API}/client-metrics"
MOVE = "/api/admin/appointments/<uuid:appointment_id>/move"


def sample(**changes: Any) -> dict[str, Any]:
    return {
        "route": "/api/admin/appointments/{id}/move",
        "method": "POST",
        "status": 200,
        "duration_ms": 120,
        "retries": 0,
        "request_id": "3f2a9c1e-0b7d-4e55-9a1f-6c2d8e4b7a10",
        **changes,
    }


def client_lines(app: Flask) -> list[str]:
    """The samples of the page's metrics in a scrape of /metrics."""
    text = app.test_client().get("/metrics").get_data(as_text=True)
    return [line for line in text.splitlines() if line.startswith("statusboard_client_")]


def value(app: Flask, wanted: str) -> float | None:
    for line in client_lines(app):
        name, _, number = line.rpartition(" ")
        if name == wanted:
            return float(number)
    return None


@sqlite_only
class TestAReportIsCounted:
    def test_each_sample_is_timed_by_the_servers_route_and_its_failures_by_kind(
        self, app: Flask, client: FlaskClient
    ) -> None:
        samples = [
            sample(duration_ms=40),
            sample(status=0, duration_ms=9000, retries=4),
            sample(status=503, retries=1),
            sample(status=409),
            sample(route="/api/admin/appointments/board", method="GET", duration_ms=8),
        ]

        answer = client.post(REPORTS, json={"samples": samples})

        assert (answer.status_code, answer.data) == (204, b"")
        route = f'route="{MOVE}"'
        assert (
            value(
                app, f'statusboard_client_request_duration_seconds_count{{method="POST",{route}}}'
            )
            == 4
        )
        assert value(
            app, f'statusboard_client_request_duration_seconds_sum{{method="POST",{route}}}'
        ) == pytest.approx(9.28)
        assert value(app, f'statusboard_client_errors_total{{kind="network",{route}}}') == 1
        assert value(app, f'statusboard_client_errors_total{{kind="http_5xx",{route}}}') == 1
        assert value(app, f'statusboard_client_errors_total{{kind="http_4xx",{route}}}') == 1
        assert value(app, f"statusboard_client_retries_total{{{route}}}") == 5
        board = 'method="GET",route="/api/admin/appointments/board"'
        assert value(app, f"statusboard_client_request_duration_seconds_count{{{board}}}") == 1

    def test_a_route_or_method_the_service_does_not_have_is_counted_as_other(
        self, app: Flask, client: FlaskClient
    ) -> None:
        samples = [
            sample(route="/api/admin/appointments/{id}/teleport"),
            sample(method="DELETE"),
            sample(route="/api/admin/appointments/3f2a9c1e-0b7d-4e55-9a1f-6c2d8e4b7a10/move"),
        ]

        assert client.post(REPORTS, json={"samples": samples}).status_code == 204

        routes = {line.split("route=")[1].split('"')[1] for line in client_lines(app)}
        assert routes == {"other"}
        count = 'statusboard_client_request_duration_seconds_count{method="DELETE",route="other"}'
        assert value(app, count) == 1

    def test_any_role_may_report_and_it_is_not_counted_as_a_command(
        self, app: Flask, tokens: dict[str, str]
    ) -> None:
        answers = [
            as_role(app, tokens, role).post(REPORTS, json={"samples": [sample()]})
            for role in ("viewer", "support", "staff")
        ]

        assert [answer.status_code for answer in answers] == [204, 204, 204]
        text = app.test_client().get("/metrics").get_data(as_text=True)
        assert "client_metrics" not in text

    def test_the_calls_that_failed_are_logged_with_their_request_ids(
        self, client: FlaskClient, client_log: list[logging.LogRecord]
    ) -> None:
        samples = [sample(request_id="lost-1", status=0), sample(request_id="fine-1")]

        client.post(REPORTS, json={"samples": samples})

        (record,) = client_log
        assert [f["request_id"] for f in record.fields["failures"]] == ["lost-1"]  # type: ignore[attr-defined]


@pytest.fixture
def client_log() -> Iterator[list[logging.LogRecord]]:
    """What the service logs of the page's reports while the test runs."""
    with log_records("statusboard.client") as records:
        yield records


BAD_SAMPLES = [
    ("route", None),
    ("route", 7),
    ("route", "appointments/board"),
    ("route", "/api/admin/appointments/board?date=2030-01-01"),
    ("route", "/api/admin/" + "x" * 200),
    ("method", "HEAD"),
    ("method", "get"),
    ("status", -1),
    ("status", 600),
    ("status", "200"),
    ("status", True),
    ("duration_ms", -1),
    ("duration_ms", 600_001),
    ("duration_ms", 1.5),
    ("retries", 21),
    ("retries", -1),
    ("request_id", ""),
    ("request_id", "has space"),
    ("request_id", "x" * 65),
    ("request_id", "line\n"),
]


@sqlite_only
class TestABadReportIsRefusedWhole:
    @pytest.mark.parametrize(("field", "bad"), BAD_SAMPLES)
    def test_a_bad_field_is_422_naming_it_and_nothing_is_counted(
        self, app: Flask, client: FlaskClient, field: str, bad: Any
    ) -> None:
        body = {"samples": [sample(), sample(**{field: bad})]}

        found = problem(client.post(REPORTS, json=body), 422)

        assert list(found["errors"]) == [f"samples.1.{field}"]
        assert client_lines(app) == []

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({}, "samples"),
            ({"samples": []}, "samples"),
            ({"samples": [sample(route="/", request_id="a")] * 101}, "samples"),
            ({"samples": [sample()], "extra": 1}, "extra"),
            ({"samples": [{**sample(), "extra": 1}]}, "samples.0.extra"),
            (
                {"samples": [{k: v for k, v in sample().items() if k != "retries"}]},
                "samples.0.retries",
            ),
            ({"samples": ["GET /"]}, "samples.0"),
            ({"samples": {"route": "/"}}, "samples"),
        ],
    )
    def test_a_bad_batch_is_422_and_nothing_is_counted(
        self, app: Flask, client: FlaskClient, body: dict[str, Any], field: str
    ) -> None:
        found = problem(client.post(REPORTS, json=body), 422)

        assert field in found["errors"]
        assert client_lines(app) == []

    def test_a_body_over_16_kib_is_413_and_nothing_is_counted(
        self, app: Flask, client: FlaskClient
    ) -> None:
        long_ids = [sample(request_id=f"{i:02d}" + "x" * 62) for i in range(100)]
        body = json.dumps({"samples": long_ids})
        assert 16 * 1024 < len(body) < 64 * 1024

        found = problem(client.post(REPORTS, data=body, content_type="application/json"), 413)

        assert found["type"].endswith("request_entity_too_large")
        assert client_lines(app) == []

    def test_without_a_token_it_is_401_and_nothing_is_counted(self, app: Flask) -> None:
        answer = app.test_client().post(REPORTS, json={"samples": [sample()]})

        problem(answer, 401)
        assert client_lines(app) == []


@sqlite_only
class TestReportsAreRateLimited:
    def test_a_token_sending_too_many_gets_429_while_its_other_calls_go_on(
        self, app: Flask, client: FlaskClient, tokens: dict[str, str]
    ) -> None:
        answers = [client.post(REPORTS, json={"samples": [sample()]}) for _ in range(31)]

        assert [answer.status_code for answer in answers[:30]] == [204] * 30
        problem(answers[30], 429)
        assert int(answers[30].headers["Retry-After"]) > 0
        count = f'statusboard_client_request_duration_seconds_count{{method="POST",route="{MOVE}"}}'
        assert value(app, count) == 30
        assert client.get(f"{API}/services").status_code == 200
        other = as_role(app, tokens, "viewer").post(REPORTS, json={"samples": [sample()]})
        assert other.status_code == 204

    def test_the_reports_do_not_spend_what_the_token_may_call_elsewhere(
        self, store_url: str
    ) -> None:
        app = create_app(settings_for(store_url, rate_limit="3/minute", auth=False))
        try:
            reports = [
                app.test_client().post(REPORTS, json={"samples": [sample()]}) for _ in range(4)
            ]
            reads = [app.test_client().get(f"{API}/services") for _ in range(4)]
        finally:
            runtime(app).close()

        # STATUSBOARD_RATE_LIMIT counts each endpoint apart, this one included.
        assert [answer.status_code for answer in reports] == [204, 204, 204, 429]
        assert [answer.status_code for answer in reads] == [200, 200, 200, 429]


@sqlite_only
class TestUnderServe:
    def test_reports_are_written_to_the_shared_directory_and_read_back(
        self, store_url: str
    ) -> None:
        with shared_across_processes():
            app = create_app(settings_for(store_url, auth=False))
            try:
                app.test_client().post(REPORTS, json={"samples": [sample(status=0)] * 3})
                lines = client_lines(app)
            finally:
                runtime(app).close()

        assert f'statusboard_client_errors_total{{kind="network",route="{MOVE}"}} 3.0' in lines
