"""The one table from errors to HTTP answers, rendered as RFC 9457 problem details."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, Request, Response, current_app
from marshmallow import ValidationError
from werkzeug.exceptions import BadRequest, HTTPException

from adapters.headers import RETRY_AFTER
from adapters.observability import request_id
from adapters.schemas import AppointmentSchema, ChangeSchema, HoursSchema, ServiceSchema
from adapters.schemas.common import ResponseSchema, instance
from adapters.schemas.problems import HolderSchema
from application.errors import (
    ConflictError,
    DuplicateServiceError,
    IdempotencyKeyReusedError,
    NotFoundError,
    StorageUnavailableError,
    VersionAheadError,
)
from domain.errors import (
    FieldError,
    InvalidTransitionError,
    OutsideOpeningHoursError,
    StaffDoubleBookedError,
)
from domain.hours import OpeningHours
from domain.service import Service
from projections.paging import InvalidCursorError
from storage.errors import UNAVAILABLE_ERRORS

PROBLEM_JSON = "application/problem+json"
PROBLEM_TYPE = "urn:statusboard:problem:{}"
_log = logging.getLogger("statusboard.errors")


class ProjectionLaggingError(Exception):
    """A read asked for a position its read model has not reached within the wait."""

    def __init__(self, projection: str, wanted: int, position: int) -> None:
        super().__init__(
            f"the {projection} read model is at position {position}, not yet at {wanted}"
        )
        self.projection = projection
        self.wanted = wanted
        self.position = position


class MalformedJsonError(BadRequest):
    """The body is not JSON: bad syntax, or bytes that are not UTF-8."""


class JsonRequest(Request):
    def on_json_loading_failed(self, e: ValueError | None) -> Any:
        if e is None:
            return super().on_json_loading_failed(e)  # not JSON at all: 415
        raise MalformedJsonError(f"The body is not valid JSON: {e}")


class NotReadyError(Exception):
    """The process cannot serve yet: the database or a projection is not there."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons


Extras = Callable[[Any], dict[str, Any]]


@dataclass(frozen=True)
class Problem:
    status: int
    slug: str
    title: str
    extras: Extras | None = None
    retry_after: int | None = None
    #: Said instead of the error's own text, which may name hosts or tables.
    detail: str | None = None


def flatten(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """marshmallow's nested messages as ``{"customer.name": [...]}``."""
    if isinstance(messages, dict):
        flat: dict[str, list[str]] = {}
        for key, value in messages.items():
            name = (
                prefix
                if key == "_schema" and prefix
                else ".".join(filter(None, (prefix, str(key))))
            )
            for field, texts in flatten(value, name).items():
                flat.setdefault(field, []).extend(texts)
        return flat
    texts = messages if isinstance(messages, list) else [messages]
    return {prefix or "_schema": [str(text) for text in texts]}


_CURRENT: dict[type, type[ResponseSchema]] = {
    Service: ServiceSchema,
    OpeningHours: HoursSchema,
}


def _conflict(error: ConflictError) -> dict[str, Any]:
    schema = instance(_CURRENT.get(type(error.current), AppointmentSchema))
    return {
        "current": schema.dump(error.current),
        "conflicting_event": instance(ChangeSchema).dump(error.conflicting),
        "fields": list(error.fields),
    }


_INVALID = "The request is not valid"
_STORAGE = Problem(
    503,
    "storage_unavailable",
    "The database is not available",
    retry_after=2,
    detail="The database could not take the request now; nothing was written. Try again.",
)

ERRORS: dict[type[Exception], Problem] = {
    ValidationError: Problem(
        422, "invalid_request", _INVALID, lambda e: {"errors": flatten(e.messages)}
    ),
    FieldError: Problem(
        422, "invalid_request", _INVALID, lambda e: {"errors": {e.field: [e.message]}}
    ),
    InvalidCursorError: Problem(
        422, "invalid_request", _INVALID, lambda e: {"errors": {"cursor": [str(e)]}}
    ),
    InvalidTransitionError: Problem(
        422,
        "invalid_transition",
        "The card cannot move there",
        lambda e: {"allowed": list(e.allowed), "from_status": e.from_status},
    ),
    VersionAheadError: Problem(
        422,
        "version_ahead",
        "expected_version is ahead of the record",
        lambda e: {"errors": {"expected_version": [str(e)]}, "current_version": e.current_version},
    ),
    IdempotencyKeyReusedError: Problem(
        422, "idempotency_key_reused", "The Idempotency-Key was used for another request"
    ),
    MalformedJsonError: Problem(400, "malformed_json", "The body is not valid JSON"),
    NotFoundError: Problem(404, "not_found", "Not found"),
    ConflictError: Problem(409, "conflict", "Someone else changed this first", _conflict),
    DuplicateServiceError: Problem(409, "duplicate_service", "The service code is taken"),
    StaffDoubleBookedError: Problem(
        409,
        "staff_double_booked",
        "The staff member is already booked then",
        lambda e: {
            "conflicting_appointment": instance(HolderSchema).dump(e.conflicting_appointment)
        },
    ),
    OutsideOpeningHoursError: Problem(
        422,
        "outside_opening_hours",
        "The location is not open then",
        lambda e: {"location_id": e.location_id},
    ),
    ProjectionLaggingError: Problem(
        503,
        "projection_lagging",
        "The read model has not caught up yet",
        lambda e: {"projection": e.projection, "position": e.position},
        retry_after=1,
    ),
    NotReadyError: Problem(
        503, "not_ready", "Not ready to serve", lambda e: {"reasons": e.reasons}, retry_after=5
    ),
    StorageUnavailableError: _STORAGE,
    **dict.fromkeys(UNAVAILABLE_ERRORS, _STORAGE),
}

_UNEXPECTED = Problem(
    500,
    "internal_error",
    "Internal server error",
    detail="Something went wrong on our side; quote the request_id when reporting it.",
)


def problem_for(error: Exception) -> Problem:
    for cls in type(error).__mro__:
        if cls in ERRORS:
            return ERRORS[cls]
    if isinstance(error, HTTPException):
        name = error.name or "Error"
        return Problem(error.code or 500, name.lower().replace(" ", "_").replace("-", "_"), name)
    return _UNEXPECTED


def render(error: Exception) -> Response:
    problem = problem_for(error)
    if problem.status >= 500:
        log = _log.error if problem is _UNEXPECTED else _log.warning
        log("%s: %s", type(error).__name__, error, exc_info=problem is _UNEXPECTED)
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE.format(problem.slug),
        "title": problem.title,
        "status": problem.status,
        "detail": problem.detail or _detail(error),
        "request_id": request_id(),
    }
    if problem.extras is not None:
        body.update(problem.extras(error))
    response = current_app.response_class(
        current_app.json.dumps(body), problem.status, mimetype=PROBLEM_JSON
    )
    if isinstance(error, HTTPException):
        for name, value in error.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
    if problem.retry_after is not None:
        response.headers[RETRY_AFTER] = str(problem.retry_after)
    return response


def _detail(error: Exception) -> str:
    if isinstance(error, HTTPException):
        return error.description or ""
    if isinstance(error, ValidationError):
        return "Some fields are missing or not valid; see errors."
    return str(error)


def register(app: Flask) -> None:
    """Every error, ours or the framework's, is answered as problem+json."""
    app.request_class = JsonRequest
    app.register_error_handler(Exception, render)
