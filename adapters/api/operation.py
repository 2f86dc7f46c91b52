"""How an endpoint is declared: its role, query, body and response shapes in one place.

The declaration drives the request handling here and the OpenAPI document in ``adapters.openapi``,
so the two cannot drift apart. A view receives loaded ``query`` and ``body`` and returns what
the response schema dumps; every other outcome is an exception rendered by ``adapters.errors``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, Response, current_app, request
from marshmallow import Schema

from adapters.auth import require
from adapters.errors import MalformedJsonError
from adapters.runtime import runtime
from adapters.schemas.common import instance

API_PREFIX = "/api/admin"
View = Callable[..., Any]


@dataclass(frozen=True)
class Operation:
    method: str
    summary: str
    response: type[Schema] | None
    status: int = 200
    #: The role the caller needs; None for the unauthenticated operational endpoints.
    role: str | None = None
    query: type[Schema] | None = None
    body: type[Schema] | None = None
    errors: tuple[int, ...] = ()
    headers: tuple[str, ...] = ()
    tag: str = "operations"
    #: Set when the response is not JSON (metrics).
    media_type: str = "application/json"
    #: Builds what ``response`` dumps without going through marshmallow, for answers on hot
    #: paths; a test holds the two equal. The schema still describes the response.
    document: Callable[[Any], Any] | None = None


@dataclass
class Reply:
    """A view's result with the response headers that go with it."""

    value: Any
    headers: dict[str, str] = field(default_factory=dict)


def operation(bp: Blueprint, rule: str, op: Operation) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        @functools.wraps(view)
        def endpoint(**path: Any) -> Response:
            if op.role is not None:
                require(op.role, runtime().components.tokens)
            if op.query is not None:
                path["query"] = instance(op.query).load(request.args)
            if op.body is not None:
                path["body"] = instance(op.body).load(json_body())
            return respond(op, view(**path))

        endpoint.operation = op  # type: ignore[attr-defined]
        bp.add_url_rule(rule, view.__name__, endpoint, methods=[op.method])
        return endpoint

    return decorate


def json_body() -> Any:
    """The request's JSON; a 400 when it is malformed, not UTF-8, or nested too deep to parse."""
    try:
        return request.get_json()
    except RecursionError:
        raise MalformedJsonError("The body is not valid JSON: it nests too deeply.") from None


def respond(op: Operation, result: Any) -> Response:
    if isinstance(result, Response):
        return result
    reply = result if isinstance(result, Reply) else Reply(result)
    if op.document is not None:
        payload = op.document(reply.value)
    elif op.response is not None:
        payload = instance(op.response).dump(reply.value)
    else:
        payload = reply.value
    response = current_app.response_class(
        current_app.json.dumps(payload), op.status, mimetype=op.media_type
    )
    response.headers.update(reply.headers)
    return response
