"""What operators see: liveness, readiness, metrics and one log line per request."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from adapters.app import create_app
from projections.catalog import NAMES
from tests.integration.http_support import (
    API,
    book,
    move,
    problem,
    runtime,
    settings_for,
    sqlite_only,
)


@sqlite_only
class TestProbes:
    def test_healthz_answers_without_a_token(self, app: Flask) -> None:
        response = app.test_client().get("/healthz")

        assert (response.status_code, response.json) == (200, {"status": "ok"})

    def test_readyz_reports_each_projection(self, app: Flask) -> None:
        client = app.test_client()
        # The projection threads take their locks a moment after the first request starts them.
        deadline = time.monotonic() + 10
        while (response := client.get("/readyz")).status_code != 200:
            assert time.monotonic() < deadline, response.json
            time.sleep(0.05)

        body = response.json or {}
        assert body["status"] == "ready" and body["reasons"] == []
        assert {p["name"] for p in body["projections"]} == set(NAMES)


@pytest.fixture
def runnerless_app(store_url: str) -> Iterator[Flask]:
    """The service with nothing keeping the read models current."""
    app = create_app(settings_for(store_url, embedded_projections=False))
    yield app
    runtime(app).close()


class TestNotReady:
    def test_readyz_is_503_with_reasons_when_no_projection_runs(
        self, runnerless_app: Flask
    ) -> None:
        response = runnerless_app.test_client().get("/readyz")

        body = problem(response, 503)
        assert len(body["reasons"]) == len(NAMES)
        assert all("not running" in reason for reason in body["reasons"])
        assert "Retry-After" in response.headers


class TestMetrics:
    def test_metrics_count_requests_commands_and_projection_positions(
        self, app: Flask, client: FlaskClient, haircut: dict[str, Any]
    ) -> None:
        booked = book(client)
        move(client, booked, "checked_in")
        move(client, booked, "checked_in")
        move(client, booked, "completed", version=2)

        text = app.test_client().get("/metrics").get_data(as_text=True)

        assert (
            "statusboard_http_request_duration_seconds_count"
            '{method="POST",route="/api/admin/appointments",status="201"} 1.0' in text
        )
        assert (
            'statusboard_commands_total{command="appointments.move",outcome="applied"} 1.0' in text
        )
        assert 'statusboard_commands_total{command="appointments.move",outcome="noop"} 1.0' in text
        assert (
            'statusboard_commands_total{command="appointments.move",outcome="invalid"} 1.0' in text
        )
        assert 'statusboard_projection_position{projection="board"}' in text
        assert 'statusboard_projection_lag_events{projection="stats"}' in text

    @sqlite_only
    def test_each_request_is_timed_by_phase_and_route(self, app: Flask) -> None:
        app.test_client().get("/healthz")

        text = app.test_client().get("/metrics").get_data(as_text=True)

        for phase in ("queued", "connection", "handler", "total"):
            assert (
                "statusboard_http_request_phase_seconds_count"
                f'{{phase="{phase}",route="/healthz"}} 1.0' in text
            )

    @sqlite_only
    def test_storage_conflicts_retried_are_counted(self, app: Flask) -> None:
        for listener in runtime(app).components.board.conflict_listeners:
            listener("move")

        text = app.test_client().get("/metrics").get_data(as_text=True)

        assert 'statusboard_storage_conflicts_retried_total{command="move"} 1.0' in text

    @sqlite_only
    def test_each_app_counts_only_its_own_requests(self, app: Flask, store_url: str) -> None:
        app.test_client().get("/healthz")
        other = create_app(settings_for(store_url))

        text = other.test_client().get("/metrics").get_data(as_text=True)

        assert 'route="/healthz"' not in text


@pytest.fixture
def request_lines() -> Iterator[list[dict[str, Any]]]:
    """The JSON request log lines written while the test runs."""
    lines: list[dict[str, Any]] = []
    formatter = __import__("adapters.observability", fromlist=["JsonFormatter"]).JsonFormatter()
    handler = logging.Handler()
    handler.emit = lambda record: lines.append(json.loads(formatter.format(record)))  # type: ignore[method-assign]
    logger = logging.getLogger("statusboard.http")
    logger.addHandler(handler)
    yield lines
    logger.removeHandler(handler)


class TestRequestLog:
    def test_one_json_line_per_request_with_who_what_and_how_it_ended(
        self, client: FlaskClient, haircut: dict[str, Any], request_lines: list[dict[str, Any]]
    ) -> None:
        booked = book(client)
        move(client, booked, "cancelled", version=1)
        move(client, booked, "checked_in", version=1)

        response = client.get(
            f"{API}/appointments/{booked['id']}", headers={"X-Request-ID": "ab-12"}
        )

        assert [line["outcome"] for line in request_lines] == [
            "applied",
            "applied",
            "conflict",
            "ok",
        ]
        last = request_lines[-1]
        assert last["request_id"] == "ab-12" == response.headers["X-Request-ID"]
        assert last["route"] == "/api/admin/appointments/<uuid:appointment_id>"
        assert (last["method"], last["status"], last["actor"]) == ("GET", 200, "admin")
        assert {"time", "level", "duration_ms"} <= set(last)
        assert not any("Bearer" in json.dumps(line) for line in request_lines)

    def test_each_line_says_where_the_time_went_and_how_many_connections_it_took(
        self,
        client: FlaskClient,
        haircut: dict[str, Any],
        request_lines: list[dict[str, Any]],
        store_url: str,
    ) -> None:
        booked = book(client)

        client.get(f"{API}/appointments/{booked['id']}")

        last = request_lines[-1]
        phases = ("queued_ms", "connection_ms", "handler_ms", "total_ms")
        assert all(last[phase] >= 0 for phase in phases)
        assert last["handler_ms"] == last["duration_ms"] <= last["total_ms"]
        assert last["connection_ms"] <= last["handler_ms"]
        assert "thread_wait_ms" not in last  # only a server that hands requests to threads knows
        # Only PostgreSQL's stores lend connections from pools.
        pooled = store_url.startswith("postgresql")
        assert (last["connections"] > 0) == pooled

    @sqlite_only
    @pytest.mark.parametrize("given", ["has space", "x" * 65, "semi;colon", ""])
    def test_an_insane_request_id_is_replaced_by_one_of_ours(
        self, client: FlaskClient, given: str
    ) -> None:
        response = client.get("/healthz", headers={"X-Request-ID": given})

        assert response.headers["X-Request-ID"] != given
        assert len(response.headers["X-Request-ID"]) == 32
