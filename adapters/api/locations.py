"""The front desk's pickers: reads of the locations read model."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, Response

from adapters.api.context import caught_up
from adapters.api.kept import kept
from adapters.api.operation import API_PREFIX, Operation, operation
from adapters.headers import PROJECTION_POSITION
from adapters.runtime import runtime
from adapters.schemas.locations import (
    LocationListSchema,
    LocationsQuerySchema,
    StaffListSchema,
    StaffQuerySchema,
)

bp = Blueprint("locations", __name__, url_prefix=API_PREFIX)


@operation(
    bp,
    "/locations",
    Operation(
        "GET",
        "The locations booked at, with today's appointments",
        LocationListSchema,
        role="viewer",
        query=LocationsQuerySchema,
        errors=(503,),
        headers=(PROJECTION_POSITION,),
        tag="board",
    ),
)
def list_locations(query: dict[str, Any]) -> Response:
    """By id; today is the local date of STATUSBOARD_TIMEZONE."""
    at = caught_up("locations", query.get("min_position"))
    today = datetime.now(ZoneInfo(runtime().settings.timezone)).date()
    reads = kept()
    return reads.memo.answer(
        ("locations", at),
        ("locations", today),
        LocationListSchema,
        lambda live: reads.read_side.locations(today, live),
    )


@operation(
    bp,
    "/staff",
    Operation(
        "GET",
        "The staff seen on a location's appointments",
        StaffListSchema,
        role="viewer",
        query=StaffQuerySchema,
        errors=(503,),
        headers=(PROJECTION_POSITION,),
        tag="board",
    ),
)
def list_staff(query: dict[str, Any]) -> Response:
    """By name, then id; each under the name last given on an appointment."""
    at = caught_up("locations", query.get("min_position"))
    location, reads = query["location"], kept()
    return reads.memo.answer(
        ("locations", at),
        ("staff", location),
        StaffListSchema,
        lambda live: reads.read_side.staff(location, live),
    )
