"""The OpenAPI document describes every endpoint, and the API keeps to it under generated input."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.specs.openapi import checks

from adapters.app import create_app
from adapters.tokens import TokenStore
from tests.integration.http_support import API, runtime, settings_for

ENDPOINTS = {
    ("get", f"{API}/appointments/board"),
    ("get", f"{API}/dashboard/stats"),
    ("post", f"{API}/appointments"),
    ("get", f"{API}/appointments/{{appointment_id}}"),
    ("patch", f"{API}/appointments/{{appointment_id}}"),
    ("post", f"{API}/appointments/{{appointment_id}}/move"),
    ("get", f"{API}/appointments/{{appointment_id}}/history"),
    ("post", f"{API}/appointments/{{appointment_id}}/service-lines"),
    ("delete", f"{API}/appointments/{{appointment_id}}/service-lines/{{service_id}}"),
    ("get", f"{API}/services"),
    ("post", f"{API}/services"),
    ("get", f"{API}/services/{{service_id}}"),
    ("patch", f"{API}/services/{{service_id}}"),
    ("get", f"{API}/activity"),
    ("get", f"{API}/locations"),
    ("get", f"{API}/staff"),
    ("get", f"{API}/locations/{{location_id}}/hours"),
    ("put", f"{API}/locations/{{location_id}}/hours"),
    ("get", f"{API}/me"),
    ("get", f"{API}/availability"),
    ("get", "/healthz"),
    ("get", "/readyz"),
    ("get", "/metrics"),
    ("get", "/api/openapi.json"),
}


class TestDocument:
    def test_every_endpoint_is_documented_with_its_errors(self, app: Flask) -> None:
        document = app.test_client().get("/api/openapi.json").json or {}

        documented = {(method, path) for path, item in document["paths"].items() for method in item}
        assert documented == ENDPOINTS
        move = document["paths"][f"{API}/appointments/{{appointment_id}}/move"]["post"]
        assert {"200", "401", "403", "404", "409", "422", "503"} <= set(move["responses"])
        assert move["security"] == [{"bearer": []}]
        assert "X-Event-Position" in move["responses"]["200"]["headers"]
        conflict = move["responses"]["409"]["content"]["application/problem+json"]
        assert conflict["schema"]["$ref"].endswith("/ConflictProblem")
        assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"

    def test_the_role_of_each_operation_is_stated(self, app: Flask) -> None:
        document = app.test_client().get("/api/openapi.json").json or {}

        history = document["paths"][f"{API}/appointments/{{appointment_id}}/history"]["get"]
        assert history["description"].endswith("Role: support.")

    def test_a_request_id_of_any_shape_is_documented_as_taken(self, app: Flask) -> None:
        document = app.test_client().get("/api/openapi.json").json or {}

        book = document["paths"][f"{API}/appointments"]["post"]
        (request_id,) = [p for p in book["parameters"] if p["name"] == "X-Request-ID"]
        assert request_id["schema"] == {"type": "string"}
        assert "replaced by a generated id" in request_id["description"]

    def test_a_booking_links_to_what_can_be_done_with_it(self, app: Flask) -> None:
        document = app.test_client().get("/api/openapi.json").json or {}

        links = document["paths"][f"{API}/appointments"]["post"]["responses"]["201"]["links"]
        assert {link["operationId"] for link in links.values()} == {
            "appointments_get",
            "appointments_move",
            "appointments_edit",
            "appointments_add_service_line",
            "appointments_remove_service_line",
            "appointments_history",
        }
        move = links["MoveAppointment"]
        assert move["parameters"] == {"path.appointment_id": "$response.body#/id"}
        assert move["requestBody"] == {"expected_version": "$response.body#/version"}

    def test_the_domains_rules_on_strings_are_stated(self, app: Flask) -> None:
        document = app.test_client().get("/api/openapi.json").json or {}

        schemas = document["components"]["schemas"]
        assert schemas["ServiceCreate"]["properties"]["code"]["pattern"] == "^[A-Z0-9-]{2,32}$"
        assert schemas["Book"]["properties"]["location_id"]["pattern"] == "^[a-z0-9-]{1,64}$"
        name = schemas["Customer"]["properties"]["name"]
        assert (name["minLength"], name["maxLength"]) == (1, 120)


@pytest.fixture
def fuzzed_app(sqlite_url: str) -> Iterator[Flask]:
    """The service on SQLite with a catalog, for generated requests."""
    app = create_app(settings_for(sqlite_url, consistency_wait_ms=20))
    yield app
    runtime(app).close()


@pytest.fixture
def admin_token(fuzzed_app: Flask) -> str:
    """An admin token of the fuzzed app."""
    tokens = runtime(fuzzed_app).components.tokens
    assert isinstance(tokens, TokenStore)
    return tokens.issue("fuzzer", "admin")[1]


CHECKS = [
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
]


def no_internal_error(_ctx: Any, response: Any, _case: Any) -> None:
    """5xx only as the documented 503 of a read model behind an asked-for position."""
    if response.status_code >= 500:
        assert response.status_code == 503, response.text[:500]
        assert "projection_lagging" in response.text, response.text[:500]


def exercise(operation: Any, headers: dict[str, str]) -> None:
    """Valid requests get documented answers; invalid ones, a 4xx and never a 5xx."""

    @given(case=operation.as_strategy(GenerationMode.POSITIVE))
    @settings(
        max_examples=10, deadline=None, suppress_health_check=list(HealthCheck), database=None
    )
    def valid(case: Any) -> None:
        case.call_and_validate(headers=headers, checks=[no_internal_error, *CHECKS])

    @given(case=operation.as_strategy(GenerationMode.NEGATIVE))
    @settings(
        max_examples=10, deadline=None, suppress_health_check=list(HealthCheck), database=None
    )
    def invalid(case: Any) -> None:
        case.call_and_validate(headers=headers, checks=[no_internal_error])

    valid()
    with contextlib.suppress(Unsatisfiable):  # /healthz and the like: nothing can be invalid
        invalid()


@pytest.mark.slow
def test_generated_requests_get_no_5xx_and_documented_answers(
    fuzzed_app: Flask, admin_token: str
) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", fuzzed_app)
    headers = {"Authorization": f"Bearer {admin_token}"}
    failures: dict[str, BaseException] = {}
    operations = [result.ok() for result in schema.get_all_operations()]
    for operation in operations:
        try:
            exercise(operation, headers)
        except Exception as failure:  # one report for every operation that fails
            failures[operation.label] = failure
    # Every endpoint but the document itself, which schemathesis leaves out.
    assert {operation.label for operation in operations} == {
        f"{method.upper()} {path}" for method, path in ENDPOINTS if path != "/api/openapi.json"
    }
    assert not failures, "\n\n".join(f"{label}: {error}" for label, error in failures.items())
