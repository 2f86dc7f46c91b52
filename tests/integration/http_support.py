"""Builders for the HTTP tests: a booking, a move, a role's client, the problem envelope.

The fixtures they go with (``app``, ``tokens``, ``client``, ``runner``, ``haircut``) live in
``conftest.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from adapters.app import create_app
from adapters.runtime import EXTENSION, Runtime
from adapters.settings import Settings
from adapters.tokens import TokenStore

API = "/api/admin"
DAY = "2030-03-04"


def settings_for(database_url: str, **changes: Any) -> Settings:
    return Settings(
        database_url=database_url, create_table=True, embedded_projections=True
    ).replace(**changes)


#: For what only the HTTP layer decides: the store makes no difference there.
sqlite_only = pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)


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
