"""A location's opening hours (SPEC §12): read by anyone, set by admins."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from adapters.api.context import changed, stamp
from adapters.api.operation import API_PREFIX, Operation, Reply, operation
from adapters.headers import EVENT_POSITION
from adapters.runtime import components
from adapters.schemas import HoursPutSchema, HoursSchema
from domain import values
from domain.hours import DEFAULT_WEEKLY, OpeningHours

bp = Blueprint("hours", __name__, url_prefix=API_PREFIX)
ONE = "/locations/<location_id>/hours"


def hours_document(location_id: str, hours: OpeningHours | None) -> Any:
    """The hours as set, or the default ones at version 0 while none are."""
    if hours is not None:
        return hours
    return {"location_id": location_id, "weekly": DEFAULT_WEEKLY, "closed_dates": [], "version": 0}


@operation(
    bp,
    ONE,
    Operation(
        "GET",
        "A location's opening hours",
        HoursSchema,
        role="viewer",
        errors=(422,),
        tag="locations",
    ),
)
def get(location_id: str) -> Any:
    """Open every day 08:00-20:00 local time (version 0) until an admin sets the hours."""
    checked = values.location_id(location_id)
    return hours_document(checked, components().board.opening_hours(checked))


@operation(
    bp,
    ONE,
    Operation(
        "PUT",
        "Set a location's opening hours",
        HoursSchema,
        role="admin",
        body=HoursPutSchema,
        errors=(409,),
        headers=(EVENT_POSITION,),
        tag="locations",
    ),
)
def put(location_id: str, body: dict[str, Any]) -> Reply:
    """Weekly intervals in local time (STATUSBOARD_TIMEZONE) and closed dates, replaced whole;
    bookings outside them are refused unless an admin overrides."""
    expected_version = body.pop("expected_version", None)
    outcome = components().board.set_opening_hours(
        location_id, **body, expected_version=expected_version, stamp=stamp()
    )
    return changed(outcome, outcome.aggregate)
