"""Bearer tokens and roles (SPEC §7)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from adapters.app import create_app
from tests.integration.http_support import (
    API,
    DAY,
    as_role,
    book,
    booking,
    problem,
    runtime,
    settings_for,
    sqlite_only,
    token_store,
)

BOARD = f"{API}/appointments/board?date={DAY}&location=downtown"


def desk_viewer(app: Flask) -> FlaskClient:
    """A client calling with a new viewer token named desk."""
    secret = token_store(app).issue("desk", "viewer")[1]
    return as_role(app, {"desk": secret}, "desk")


def revoke_in_table(app: Flask) -> None:
    """Another process's revocation of desk's token: the row changes, nothing here hears."""
    token_store(app).store.fetchone(
        "UPDATE api_tokens SET revoked_at = 'now' WHERE name = 'desk' RETURNING id"
    )


class TestAuthentication:
    @sqlite_only
    @pytest.mark.parametrize(
        ("authorization", "error"),
        [(None, None), ("Bearer sb_not-a-token", "invalid_token"), ("Basic YTpi", None)],
        ids=["missing", "unknown", "not-bearer"],
    )
    def test_a_request_without_a_valid_token_is_401_with_a_bearer_challenge(
        self, app: Flask, authorization: str | None, error: str | None
    ) -> None:
        headers = {"Authorization": authorization} if authorization else {}

        response = app.test_client().get(BOARD, headers=headers)

        problem(response, 401)
        challenge = response.headers["WWW-Authenticate"]
        assert challenge.lower().startswith("bearer")
        assert (error in challenge) if error else ("error=" not in challenge)

    def test_a_revoked_token_stops_working_at_once(
        self, app: Flask, runner: FlaskCliRunner
    ) -> None:
        created = runner.invoke(args=["tokens", "create", "--name", "temp", "--role", "viewer"])
        secret = created.output.strip().splitlines()[-1]
        client = app.test_client()
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
        assert client.get(BOARD).status_code == 200
        ident = created.output.split()[2]

        revoked = runner.invoke(args=["tokens", "revoke", ident])

        assert revoked.exit_code == 0, revoked.output
        response = client.get(BOARD)
        problem(response, 401)
        assert "invalid_token" in response.headers["WWW-Authenticate"]

    def test_a_token_revoked_by_another_process_stops_working_within_the_cache_time(
        self, store_url: str
    ) -> None:
        app = create_app(settings_for(store_url, token_cache_ms=300))
        try:
            client = desk_viewer(app)
            assert client.get(BOARD).status_code == 200
            revoked_at = time.monotonic()

            # Another process's revocation: the row changes, nothing in this process hears.
            revoke_in_table(app)
            while client.get(BOARD).status_code == 200:
                assert time.monotonic() - revoked_at < 0.3 + 0.5
                time.sleep(0.02)

            assert time.monotonic() - revoked_at >= 0.25
            problem(client.get(BOARD), 401)
        finally:
            runtime(app).close()

    @sqlite_only
    def test_with_no_cache_time_every_request_reads_the_table(self, store_url: str) -> None:
        app = create_app(settings_for(store_url, token_cache_ms=0))
        try:
            client = desk_viewer(app)
            assert client.get(BOARD).status_code == 200

            revoke_in_table(app)

            problem(client.get(BOARD), 401)
        finally:
            runtime(app).close()

    def test_the_actor_recorded_on_events_is_the_tokens_name(
        self, app: Flask, tokens: dict[str, str], haircut: dict[str, Any]
    ) -> None:
        staff = as_role(app, tokens, "staff")

        booked = book(staff)

        history = as_role(app, tokens, "support").get(f"{API}/appointments/{booked['id']}/history")
        assert (history.json or {})["items"][0]["actor"] == "staff"


@sqlite_only
class TestRoles:
    @pytest.mark.parametrize(
        ("role", "method", "path", "allowed"),
        [
            ("viewer", "GET", "/appointments/board?date=2030-03-04&location=x", True),
            ("viewer", "POST", "/appointments", False),
            ("staff", "POST", "/appointments", True),
            ("staff", "POST", "/services", False),
            ("staff", "GET", "/appointments/{id}/history", False),
            ("viewer", "GET", "/appointments/{id}?version=1", False),
            ("support", "GET", "/appointments/{id}/history", True),
            ("support", "GET", "/appointments/{id}?version=1", True),
            ("support", "POST", "/appointments", False),
            ("admin", "GET", "/appointments/{id}/history", True),
        ],
    )
    def test_each_role_may_do_what_it_is_for_and_gets_403_beyond(
        self,
        app: Flask,
        tokens: dict[str, str],
        client: FlaskClient,
        haircut: dict[str, Any],
        role: str,
        method: str,
        path: str,
        allowed: bool,
    ) -> None:
        booked = book(client)
        url = API + path.format(id=booked["id"])

        response = as_role(app, tokens, role).open(url, method=method, json=booking())

        if allowed:
            assert response.status_code < 300, response.json
        else:
            assert role in problem(response, 403)["detail"]

    @pytest.mark.parametrize(
        ("role", "grants"),
        [
            ("viewer", ["viewer"]),
            ("staff", ["viewer", "staff"]),
            ("support", ["viewer", "support"]),
            ("admin", ["viewer", "staff", "admin", "support"]),
        ],
    )
    def test_me_names_the_token_and_what_its_role_may_act_as(
        self, app: Flask, tokens: dict[str, str], role: str, grants: list[str]
    ) -> None:
        response = as_role(app, tokens, role).get(f"{API}/me")

        assert response.status_code == 200
        assert response.json == {"name": role, "role": role, "grants": grants}

    def test_me_without_a_token_is_401(self, app: Flask) -> None:
        problem(app.test_client().get(f"{API}/me"), 401)


@pytest.fixture
def open_app(store_url: str, caplog: pytest.LogCaptureFixture) -> Iterator[Flask]:
    """The service with authentication off."""
    app = create_app(settings_for(store_url, auth=False))
    yield app
    runtime(app).close()


@sqlite_only
class TestAuthOff:
    def test_every_request_acts_as_local_with_every_power(self, open_app: Flask) -> None:
        client = open_app.test_client()
        service = client.post(
            f"{API}/services",
            json={
                "code": "CUT",
                "name": "Cut",
                "category": "hair",
                "price_cents": 1,
                "duration_minutes": 5,
            },
        )
        booked = book(client)

        history = client.get(f"{API}/appointments/{booked['id']}/history")

        assert service.status_code == 201
        assert (history.json or {})["items"][0]["actor"] == "local"

    def test_a_warning_is_logged_at_every_start(self, store_url: str) -> None:
        import logging

        seen: list[str] = []
        handler = logging.Handler()
        handler.emit = lambda record: seen.append(record.getMessage())  # type: ignore[method-assign]
        logger = logging.getLogger("statusboard.auth")
        logger.addHandler(handler)
        try:
            for _ in range(2):
                runtime(create_app(settings_for(store_url, auth=False))).close()
        finally:
            logger.removeHandler(handler)
        assert len([m for m in seen if "authentication is OFF" in m]) == 2


@pytest.fixture
def limited_app(store_url: str) -> Iterator[Flask]:
    """The service allowing each token three requests a minute."""
    app = create_app(settings_for(store_url, rate_limit="3/minute"))
    yield app
    runtime(app).close()


@sqlite_only
class TestRateLimit:
    def test_a_token_over_its_limit_gets_429_with_retry_after(self, limited_app: Flask) -> None:
        store = runtime(limited_app).components.tokens
        assert store is not None
        first = {"viewer": store.issue("one", "viewer")[1]}
        second = {"viewer": store.issue("two", "viewer")[1]}
        client = as_role(limited_app, first, "viewer")

        answers = [client.get(BOARD) for _ in range(4)]

        assert [answer.status_code for answer in answers[:3]] == [200, 200, 200]
        problem(answers[3], 429)
        assert int(answers[3].headers["Retry-After"]) > 0
        assert as_role(limited_app, second, "viewer").get(BOARD).status_code == 200
        assert limited_app.test_client().get("/healthz").status_code == 200
