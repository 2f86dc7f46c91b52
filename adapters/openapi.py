"""The OpenAPI 3 document, generated from the endpoint declarations and their schemas."""

from __future__ import annotations

import json
import pathlib
import re
import sys
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask
from werkzeug.routing import Rule

from adapters import headers
from adapters.api.operation import Operation
from adapters.errors import PROBLEM_JSON
from adapters.observability import REQUEST_ID
from adapters.openapi_links import LINKS
from adapters.schemas import ConflictProblemSchema, ProblemSchema
from adapters.schemas.common import boolean_as_loaded, matching_rules, null_as_loaded
from domain import values

ERROR_TEXT = {
    400: "Malformed JSON",
    401: "Missing, unknown or revoked token",
    403: "The token's role is too low",
    404: "Not found",
    409: "Someone else changed this first (or the service code is taken)",
    413: "Body over 64 KiB (or the smaller limit the operation names)",
    415: "The body is not JSON",
    422: "Invalid request: see errors, allowed or current_version",
    429: "Rate limit reached; see Retry-After",
    503: "The database or the read model is not available now; see Retry-After",
}
HEADERS = {
    headers.EVENT_POSITION: "Position of the command's last event in the log",
    headers.PROJECTION_POSITION: "Position the read model answered from",
    headers.LOCATION: "URL of the created record",
    headers.ETAG: "The version of the record; on the board, a weak tag of its cards",
    headers.REQUEST_ID: "The request's id, as stored on the events it appended",
}
_INTEGER_HEADERS = frozenset({headers.EVENT_POSITION, headers.PROJECTION_POSITION})
#: ``<uuid:appointment_id>`` in a Flask rule.
_VARIABLE = re.compile(r"<(?:(\w+):)?(\w+)>")


def _header(name: str) -> dict[str, Any]:
    kind = "integer" if name in _INTEGER_HEADERS else "string"
    return {"description": HEADERS[name], "schema": {"type": kind}}


def _problem(status: int) -> dict[str, Any]:
    schema = ConflictProblemSchema if status == 409 else ProblemSchema
    response: dict[str, Any] = {
        "description": ERROR_TEXT.get(status, "Error"),
        "content": {PROBLEM_JSON: {"schema": schema}},
    }
    if status in (429, 503):
        response["headers"] = {headers.RETRY_AFTER: {"schema": {"type": "integer"}}}
    return response


def _not_modified(op: Operation) -> dict[str, Any]:
    """A 304 in ``errors`` means the operation answers If-None-Match: no body, the same headers."""
    return {
        "description": "Not modified: If-None-Match holds the current ETag",
        "headers": {name: _header(name) for name in (*op.headers, headers.REQUEST_ID)},
    }


def _other(op: Operation, status: int) -> dict[str, Any]:
    return _not_modified(op) if status == 304 else _problem(status)


def error_statuses(op: Operation) -> list[int]:
    statuses = set(op.errors) | {503}
    if op.role is not None:
        statuses |= {401, 403, 429}
    if op.query is not None or op.body is not None:
        statuses.add(422)
    if op.body is not None:
        statuses |= {400, 413, 415}
    if op.headers and op.headers[0] == headers.EVENT_POSITION:
        statuses.add(422)  # a reused Idempotency-Key
    return sorted(statuses)


#: What a path variable that is not a UUID must match, as the view checks it.
PATH_RULES = {"location_id": matching_rules(values.SLUG)}


def _parameters(op: Operation, rule: Rule) -> list[dict[str, Any]]:
    parameters: list[dict[str, Any]] = [
        {
            "in": "path",
            "name": name,
            "required": True,
            "schema": {"type": "string", "format": "uuid"}
            if kind == "uuid"
            else {"type": "string", **PATH_RULES.get(name, {})},
        }
        for kind, name in _VARIABLE.findall(rule.rule)
    ]
    if op.query is not None:
        parameters.append({"in": "query", "schema": op.query})
    parameters.append(
        {
            "in": "header",
            "name": headers.REQUEST_ID,
            "required": False,
            "description": f"Kept as the request's id when it matches ^{REQUEST_ID.pattern}$;"
            " any other value (or none) is replaced by a generated id, answered in the response.",
            "schema": {"type": "string"},
        }
    )
    if 304 in op.errors:
        parameters.append(
            {
                "in": "header",
                "name": "If-None-Match",
                "required": False,
                "description": "The ETag of the copy the client holds; 304 while it is current.",
                "schema": {"type": "string"},
            }
        )
    if headers.EVENT_POSITION in op.headers:
        parameters.append(
            {
                "in": "header",
                "name": headers.IDEMPOTENCY_KEY,
                "required": False,
                "description": "A retry with the same key and body returns the first outcome.",
                "schema": {"type": "string", "pattern": "^[\\x20-\\x7e]{1,128}$"},
            }
        )
    return parameters


def describe(op: Operation, rule: Rule, doc: str | None) -> dict[str, Any]:
    success: dict[str, Any] = {
        "description": op.summary,
        "headers": {name: _header(name) for name in (*op.headers, headers.REQUEST_ID)},
        "content": {op.media_type: {"schema": op.response or {"type": "object"}}},
    }
    if op.media_type != "application/json":
        success["content"] = {op.media_type: {"schema": {"type": "string"}}}
    if op.status == 204:
        del success["content"]
    operation_id = str(rule.endpoint).replace(".", "_")
    if operation_id in LINKS:
        success["links"] = LINKS[operation_id]
    described: dict[str, Any] = {
        "operationId": operation_id,
        "summary": op.summary,
        "description": " ".join((doc or "").split())
        + (f" Role: {op.role}." if op.role else " No token needed."),
        "tags": [op.tag],
        "security": [{"bearer": []}] if op.role else [],
        "parameters": _parameters(op, rule),
        "responses": {str(op.status): success}
        | {str(status): _other(op, status) for status in error_statuses(op)},
    }
    if op.body is not None:
        described["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": op.body}},
        }
    return described


def openapi_path(rule: Rule) -> str:
    return _VARIABLE.sub(lambda match: f"{{{match[2]}}}", rule.rule)


def build(app: Flask) -> dict[str, Any]:
    plugin = MarshmallowPlugin()
    spec = APISpec(
        title="Status Board",
        version="1",
        openapi_version="3.0.3",
        plugins=[plugin],
        info={"description": "An event-sourced appointment status board."},
    )
    for loaded in (boolean_as_loaded, null_as_loaded):
        plugin.converter.add_attribute_function(loaded)  # type: ignore[union-attr]
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        view = app.view_functions[rule.endpoint]
        op: Operation | None = getattr(view, "operation", None)
        if op is not None:
            spec.path(
                path=openapi_path(rule),
                operations={op.method.lower(): describe(op, rule, view.__doc__)},
            )
    return spec.to_dict()


def document_json() -> str:
    """The document as the service serves it, for files: indented, with a final newline."""
    from adapters.app import create_app  # the app imports this module

    app = create_app({"database_url": "sqlite://", "log_level": "ERROR"})
    return json.dumps(build(app), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    # python -m adapters.openapi clients/typescript/openapi.json
    pathlib.Path(sys.argv[1]).write_text(document_json(), encoding="utf-8")
