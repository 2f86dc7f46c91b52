"""The service catalog: the list is a read model, changes go to the aggregates."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Blueprint, Response, url_for

from adapters.api.context import caught_up, changed, stamp
from adapters.api.kept import kept
from adapters.api.operation import API_PREFIX, Operation, Reply, operation
from adapters.headers import EVENT_POSITION, LOCATION, PROJECTION_POSITION
from adapters.runtime import components
from adapters.schemas import (
    ServiceCreateSchema,
    ServiceListQuerySchema,
    ServicePageSchema,
    ServicePatchSchema,
    ServiceSchema,
)

bp = Blueprint("services", __name__, url_prefix=API_PREFIX)
ONE = "/services/<uuid:service_id>"


@operation(
    bp,
    "/services",
    Operation(
        "GET",
        "Search and page through the catalog",
        ServicePageSchema,
        role="viewer",
        query=ServiceListQuerySchema,
        errors=(503,),
        headers=(PROJECTION_POSITION,),
        tag="services",
    ),
)
def list_services(query: dict[str, Any]) -> Response:
    """Ordered by name then code; follow next_cursor for the next page."""
    at = caught_up("services", query.pop("min_position", None))
    reads = kept()
    return reads.memo.answer(
        ("services", at),
        tuple(sorted(query.items())),
        ServicePageSchema,
        lambda live: reads.read_side.services(**query, live=live),
        reads.read_side.catalog_fingerprint,
    )


@operation(
    bp,
    ONE,
    Operation("GET", "A service", ServiceSchema, role="viewer", errors=(404,), tag="services"),
)
def get(service_id: UUID) -> Any:
    """The service as it is now, from its own events."""
    return components().board.get_service(service_id)


@operation(
    bp,
    "/services",
    Operation(
        "POST",
        "Add a service to the catalog",
        ServiceSchema,
        status=201,
        role="admin",
        body=ServiceCreateSchema,
        errors=(409,),
        headers=(EVENT_POSITION, LOCATION),
        tag="services",
    ),
)
def create(body: dict[str, Any]) -> Reply:
    """The code is the service's identity and is taken at most once."""
    outcome = components().board.add_service(**body, stamp=stamp())
    location = url_for(".get", service_id=outcome.aggregate.id)
    return changed(outcome, outcome.aggregate, Location=location)


@operation(
    bp,
    ONE,
    Operation(
        "PATCH",
        "Change, retire or reactivate a service",
        ServiceSchema,
        role="admin",
        body=ServicePatchSchema,
        errors=(404, 409),
        headers=(EVENT_POSITION,),
        tag="services",
    ),
)
def update(service_id: UUID, body: dict[str, Any]) -> Reply:
    """Appointments already booked keep the name and price they were booked with."""
    expected_version = body.pop("expected_version")
    outcome = components().board.update_service(
        service_id, body, expected_version=expected_version, stamp=stamp()
    )
    return changed(outcome, outcome.aggregate)
