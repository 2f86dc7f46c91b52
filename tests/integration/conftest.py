"""Fixtures of the integration tests: two StatusBoards on one database, standing for two web
workers (SQLite and PostgreSQL), each counting the reads it makes; and the HTTP service on each
store, with a token per role and an admin's client."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from adapters.auth import ROLES
from storage.eventstore import store_env
from tests.integration.app_support import ANN, CountingBoard
from tests.integration.http_support import API, as_role, serving, settings_for, token_store
from tests.integration.test_projection_harness import ReadModel
from tests.support import HAIRCUT, add_haircut


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
    ]
)
def app_workers(request: pytest.FixtureRequest) -> Iterator[tuple[CountingBoard, CountingBoard]]:
    """Ann's worker and Bob's, with the service BOOKING books in the catalog."""
    url: str = request.getfixturevalue(f"{request.param}_url")
    first, second = CountingBoard(store_env(url)), CountingBoard(store_env(url))
    add_haircut(first, ANN)
    yield first, second
    first.close()
    second.close()


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


@pytest.fixture
def model(database_url: str) -> Iterator[ReadModel]:
    """A stocked status board and its read side, on each store."""
    model = ReadModel(database_url)
    yield model
    model.close()


@pytest.fixture
def runners() -> Iterator[list[Any]]:
    """Runners (or embedded projections) the test starts, stopped after it."""
    started: list[Any] = []
    yield started
    for runner in started:
        runner.stop()
