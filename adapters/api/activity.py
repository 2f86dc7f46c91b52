"""Support's activity trail: every appointment event, filtered and keyset paged."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from adapters.api.context import caught_up, read
from adapters.api.operation import API_PREFIX, Operation, Reply, operation
from adapters.headers import PROJECTION_POSITION
from adapters.runtime import components
from adapters.schemas.activity import ActivityPageSchema, ActivityQuerySchema
from projections.activity import ActivityFilter

bp = Blueprint("activity", __name__, url_prefix=API_PREFIX)


@operation(
    bp,
    "/activity",
    Operation(
        "GET",
        "Who changed which appointment, when and where",
        ActivityPageSchema,
        role="support",
        query=ActivityQuerySchema,
        errors=(503,),
        headers=(PROJECTION_POSITION,),
        tag="audit",
    ),
)
def activity(query: dict[str, Any]) -> Reply:
    """In time order; follow next_cursor for the next page."""
    at = caught_up("activity", query.pop("min_position", None))
    limit, cursor = query.pop("limit"), query.pop("cursor", None)
    page = components().read_side.activity(
        ActivityFilter(**query), limit=limit, cursor=cursor, at=at
    )
    return read(page, page.position)
