"""Free start times of a location's staff: reads of the availability read model."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from adapters.api.context import caught_up
from adapters.api.kept import kept
from adapters.api.operation import API_PREFIX, Operation, operation
from adapters.headers import PROJECTION_POSITION
from adapters.schemas.availability import AvailabilityQuerySchema, AvailabilitySchema
from projections.availability import Wanted
from projections.positions import Live

bp = Blueprint("availability", __name__, url_prefix=API_PREFIX)


@operation(
    bp,
    "/availability",
    Operation(
        "GET",
        "Free start times of a location's staff on a day",
        AvailabilitySchema,
        role="viewer",
        query=AvailabilityQuerySchema,
        errors=(503,),
        headers=(PROJECTION_POSITION,),
        tag="board",
    ),
)
def availability(query: dict[str, Any]) -> Response:
    """Each staff member seen at the location (by name, then id) with the local start times on
    the grid at which the whole duration lies inside the opening hours and overlaps none of
    their active appointments, at any location. Starts already past are listed too; a closed
    day lists none. Given staff, only that member; an id the location has not seen gives an
    empty list. The staff are read from the locations model once it has reached the position
    answered."""
    at = caught_up("availability", query.pop("min_position", None))
    wanted, reads = Wanted(**query), kept()

    def read(live: Live) -> Any:
        return reads.read_side.availability(wanted, live, caught_up("locations", live[1]))

    return reads.memo.answer(("availability", at), wanted, AvailabilitySchema, read)
