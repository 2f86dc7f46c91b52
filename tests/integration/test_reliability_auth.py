"""Every door of the API, tried with no key, a wrong key, a revoked key and each lesser role.

The endpoints come from the OpenAPI document, so a new one is covered as soon as it is
documented. Nothing that is a token, or a token's hash, may reach the logs or the console.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import secrets
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from werkzeug.test import TestResponse

from adapters.auth import ROLES, Principal
from adapters.observability import JsonFormatter
from tests.integration.http_support import as_role, book, problem

ROLE = re.compile(r"Role: (\w+)\.")


def secured_operations(app: Flask) -> list[tuple[str, str, str]]:
    """(method, path, role) of every operation the document says needs a bearer token."""
    document = app.test_client().get("/api/openapi.json").json or {}
    found = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if operation.get("security"):
                assert operation["security"] == [{"bearer": []}], (method, path)
                role = ROLE.search(operation["description"])
                assert role is not None, f"{method} {path} does not state its role"
                found.append((method.upper(), path, role.group(1)))
    return found


@pytest.fixture
def everything_logged() -> Iterator[io.StringIO]:
    """Every record of the service's loggers, at every level, as the service would write it."""
    written = io.StringIO()
    handler = logging.StreamHandler(written)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("statusboard")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    yield written
    logger.removeHandler(handler)
    logger.setLevel(level)


def challenged(response: TestResponse, error: str | None) -> str | None:
    """Why a 401 is not the one expected, or None."""
    if response.status_code != 401 or response.mimetype != "application/problem+json":
        return f"{response.status_code} {response.get_data(as_text=True)[:200]}"
    challenge = response.headers.get("WWW-Authenticate", "")
    if not challenge.startswith("Bearer"):
        return f"challenge {challenge!r}"
    if (f"error={error}" not in challenge.replace('"', "")) if error else ("error=" in challenge):
        return f"challenge {challenge!r}, expected error {error}"
    return None


class TestEveryEndpointKeepsItsDoor:
    def test_no_wrong_or_revoked_token_is_401_and_a_lesser_role_403_with_no_secret_logged(
        self,
        app: Flask,
        tokens: dict[str, str],
        haircut: dict[str, Any],
        runner: FlaskCliRunner,
        everything_logged: io.StringIO,
        caplog: pytest.LogCaptureFixture,
        capfd: pytest.CaptureFixture[str],
    ) -> None:
        caplog.set_level(logging.DEBUG)
        booked = book(as_role(app, tokens, "staff"))
        created = runner.invoke(args=["tokens", "create", "--name", "leaver", "--role", "admin"])
        revoked_secret = created.output.strip().splitlines()[-1]
        revoked = runner.invoke(args=["tokens", "revoke", created.output.split()[2]])
        assert revoked.exit_code == 0, revoked.output
        wrong_secret = "sb_" + secrets.token_urlsafe(32)
        knocks: dict[str, tuple[dict[str, str], str | None]] = {
            "no token": ({}, None),
            "not bearer": ({"Authorization": f"Basic {tokens['admin']}"}, None),
            "empty bearer": ({"Authorization": "Bearer "}, None),
            "wrong token": ({"Authorization": f"Bearer {wrong_secret}"}, "invalid_token"),
            "revoked token": ({"Authorization": f"Bearer {revoked_secret}"}, "invalid_token"),
            "token hash": (
                {"Authorization": f"Bearer {digest(tokens['admin'])}"},
                "invalid_token",
            ),
        }
        operations = secured_operations(app)
        # Time travel is the drawer's read, but for support.
        operations.append(("GET", "/api/admin/appointments/{appointment_id}?version=1", "support"))
        failures: list[str] = []
        tried = 0

        for method, path, role in operations:
            url = path.format(
                appointment_id=booked["id"], service_id=haircut["id"], location_id="downtown"
            )
            for knock, (headers, error) in knocks.items():
                response = app.test_client().open(url, method=method, headers=headers, json={})
                tried += 1
                if (why := challenged(response, error)) is not None:
                    failures.append(f"{method} {path} with {knock}: {why}")
            for caller in ROLES:
                response = as_role(app, tokens, caller).open(url, method=method, json={})
                tried += 1
                allowed = Principal(caller, caller).may(role)
                if allowed and response.status_code in (401, 403):
                    failures.append(f"{method} {path} as {caller}: {response.status_code}")
                if not allowed and (
                    response.status_code != 403 or role not in problem(response, 403)["detail"]
                ):
                    failures.append(f"{method} {path} as {caller}: {response.status_code}")

        assert not failures, "\n".join(failures)
        assert len(operations) >= 15 and tried == len(operations) * (len(knocks) + len(ROLES))
        out, err = capfd.readouterr()
        seen = {
            "service log": everything_logged.getvalue(),
            "captured records": "\n".join(
                f"{record.getMessage()} {record.__dict__}" for record in caplog.records
            ),
            "stdout": out,
            "stderr": err,
        }
        assert "GET" in seen["service log"]  # the request log was captured
        for secret in [*tokens.values(), revoked_secret, wrong_secret]:
            for where, text in seen.items():
                assert secret not in text, f"a token is in the {where}"
                assert digest(secret) not in text, f"a token's hash is in the {where}"
        with capfd.disabled():
            print(
                f"\nauth matrix: {len(operations)} operations x {len(knocks)} bad credentials"
                f" and {len(ROLES)} roles = {tried} requests; secrets or hashes in logs 0"
            )


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
