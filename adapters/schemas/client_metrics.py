"""The page's report of its own API calls (SPEC §12, client metrics)."""

from __future__ import annotations

import re
from collections.abc import Callable

from marshmallow import Schema, ValidationError, fields, validate

from adapters.observability import REQUEST_ID
from adapters.schemas.common import matching_rules

MAX_SAMPLES = 100
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
#: A path with its ids replaced by ``{id}``; no query, no host.
ROUTE = re.compile(r"/[A-Za-z0-9/{}_.-]{0,199}")
MAX_DURATION_MS = 600_000
MAX_RETRIES = 20


def _fullmatch(pattern: re.Pattern[str], rule: str) -> Callable[[str], None]:
    def validator(value: str) -> None:
        if not pattern.fullmatch(value):
            raise ValidationError(f"must be {rule}")

    return validator


class ClientSampleSchema(Schema):
    """One API call as the page saw it, retries and waiting between them included."""

    route = fields.String(
        required=True,
        validate=_fullmatch(ROUTE, "a path of at most 200 characters with ids as {id}"),
        metadata={
            **matching_rules(ROUTE),
            "description": "The API route with its ids as {id}, e.g. "
            "/api/admin/appointments/{id}/move; one the service does not know is counted "
            "as other.",
        },
    )
    method = fields.String(required=True, validate=validate.OneOf(METHODS))
    status = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(min=0, max=599),
        metadata={"description": "The last answer's status; 0 when none came (network)."},
    )
    duration_ms = fields.Integer(
        required=True, strict=True, validate=validate.Range(min=0, max=MAX_DURATION_MS)
    )
    retries = fields.Integer(
        required=True, strict=True, validate=validate.Range(min=0, max=MAX_RETRIES)
    )
    request_id = fields.String(
        required=True,
        validate=_fullmatch(REQUEST_ID, "1 to 64 of A-Z, a-z, 0-9 and -"),
        metadata={
            **matching_rules(REQUEST_ID),
            "description": "The X-Request-ID the page sent with the call.",
        },
    )


class ClientMetricsSchema(Schema):
    samples = fields.List(
        fields.Nested(ClientSampleSchema),
        required=True,
        validate=validate.Length(min=1, max=MAX_SAMPLES),
    )
