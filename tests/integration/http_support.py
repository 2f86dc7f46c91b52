"""Fixtures and builders for the HTTP tests: the app on each store, its tokens, a booking, a
move, the problem envelope.

``conftest.py`` imports the fixtures once; test modules import only the builders they call.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from werkzeug.test import TestResponse

from adapters.app import create_app
from adapters.auth import ROLES
from adapters.runtime import EXTENSION, Runtime
from adapters.settings import Settings
from adapters.tokens import TokenStore
from tests.support import HAIRCUT

API = "/api/admin"
DAY = "2030-03-04"


def settings_for(database_url: str, **changes: Any) -> Settings:
    return Settings(
        database_url=database_url, create_table=True, embedded_projections=True
    ).replace(**changes)


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
    ]
)
def store_url(request: pytest.FixtureRequest) -> str:
    """A fresh, empty database, once on SQLite and once on PostgreSQL."""
    url: str = request.getfixturevalue(f"{request.param}_url")
    return url


#: For what only the HTTP layer decides: the store makes no difference there.
sqlite_only = pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)


@pytest.fixture
def app(store_url: str) -> Iterator[Flask]:
    """The service on a fresh database, with auth on and projections in process."""
    with serving(settings_for(store_url)) as app:
        yield app


@pytest.fixture
def tokens(app: Flask) -> dict[str, str]:
    """A token per role, named after the role: the actor of what it changes."""
    store = token_store(app)
    return {role: store.issue(role, role)[1] for role in ROLES}


@pytest.fixture
def client(app: Flask, tokens: dict[str, str]) -> FlaskClient:
    """A test client that calls as admin."""
    return as_role(app, tokens, "admin")


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """Runs statusboard commands against the app's database."""
    return app.test_cli_runner()


@pytest.fixture
def haircut(client: FlaskClient) -> dict[str, Any]:
    """A service in the catalog."""
    response = client.post(f"{API}/services", json=HAIRCUT)
    assert response.status_code == 201, response.json
    return dict(response.json or {})


@contextmanager
def serving(settings: Settings) -> Iterator[Flask]:
    """The service under ``settings``, in testing mode, its runtime closed afterwards."""
    app = create_app(settings)
    app.config["TESTING"] = True
    try:
        yield app
    finally:
        runtime(app).close()


def runtime(app: Flask) -> Runtime:
    found: Runtime = app.extensions[EXTENSION]
    return found


def token_store(app: Flask) -> TokenStore:
    tokens = runtime(app).components.tokens
    assert tokens is not None
    return tokens


def as_role(app: Flask, tokens: dict[str, str], role: str) -> FlaskClient:
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {tokens[role]}"
    return client


def booking(**changes: Any) -> dict[str, Any]:
    return {
        "location_id": "downtown",
        "starts_at": f"{DAY}T09:00:00+00:00",
        "customer": {"name": "Ada Lovelace", "phone": "+44 20 7946 0000"},
        "services": [{"code": "CUT"}],
        **changes,
    }


def book(client: FlaskClient, **changes: Any) -> dict[str, Any]:
    response = client.post(f"{API}/appointments", json=booking(**changes))
    assert response.status_code == 201, response.json
    return dict(response.json or {})


def move(
    client: FlaskClient,
    appointment: dict[str, Any],
    to_status: str,
    version: int | None = None,
    **more: Any,
) -> TestResponse:
    body = {
        "to_status": to_status,
        "expected_version": appointment["version"] if version is None else version,
        **more,
    }
    return client.post(f"{API}/appointments/{appointment['id']}/move", json=body)


def downtown(after: TestResponse, **query: Any) -> dict[str, Any]:
    """The query of a read of the day at downtown, no older than what ``after`` wrote."""
    return {
        "date": DAY,
        "location": "downtown",
        "min_position": after.headers["X-Event-Position"],
        **query,
    }


def head(app: Flask) -> int:
    return runtime(app).components.board.head_position()


def problem(response: TestResponse, status: int) -> dict[str, Any]:
    """The problem document of an error response, after checking its envelope."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = dict(response.json or {})
    assert body["status"] == status
    assert body["type"].startswith("urn:statusboard:problem:")
    assert body["title"] and "detail" in body
    assert body["request_id"] == response.headers["X-Request-ID"]
    assert "Traceback" not in response.get_data(as_text=True)
    return body
