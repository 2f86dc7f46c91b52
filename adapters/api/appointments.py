"""Appointments: booking, the drawer, moves, edits and the audit trail."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from flask import Blueprint, url_for

from adapters.api.appointment_json import (
    appointment_document,
    edit_result_document,
    move_result_document,
)
from adapters.api.context import changed, stamp
from adapters.api.operation import API_PREFIX, Operation, Reply, operation
from adapters.auth import require
from adapters.headers import ETAG, EVENT_POSITION, LOCATION
from adapters.runtime import components
from adapters.schemas.appointments import (
    AppointmentQuerySchema,
    AppointmentSchema,
    BookSchema,
    EditResultSchema,
    EditSchema,
    HistorySchema,
    MoveResultSchema,
    MoveSchema,
    ServiceLineAddSchema,
    ServiceLineRemoveQuerySchema,
)

bp = Blueprint("appointments", __name__, url_prefix=API_PREFIX)
ONE = "/appointments/<uuid:appointment_id>"
WRITE = (EVENT_POSITION,)
#: What these response schemas dump, built directly (tests/unit/test_appointment_json.py).
DOCUMENTS: dict[type, Callable[[Any], Any]] = {
    AppointmentSchema: appointment_document,
    MoveResultSchema: move_result_document,
    EditResultSchema: edit_result_document,
}


def _command(summary: str, response: type, body: type | None = None, **more: Any) -> Operation:
    """A staff command on appointments; it answers with the position it wrote at."""
    more = {"method": "POST", "headers": WRITE, "document": DOCUMENTS.get(response), **more}
    return Operation(
        more.pop("method"), summary, response, role="staff", body=body, tag="appointments", **more
    )


def _admin_override(body: dict[str, Any]) -> None:
    """Booking outside opening hours is an admin's decision."""
    if body.get("allow_outside_hours"):
        require("admin", components().tokens)


@operation(
    bp,
    "/appointments",
    _command(
        "Book an appointment",
        AppointmentSchema,
        BookSchema,
        status=201,
        errors=(409,),
        headers=(*WRITE, LOCATION),
    ),
)
def book(body: dict[str, Any]) -> Reply:
    """Books the services at the location; ends_at defaults to their total duration. A slot
    the staff member has taken is 409 staff_double_booked unless allow_overlap; a time outside
    the location's opening hours is 422 outside_opening_hours unless allow_outside_hours, which
    needs an admin token (403 for any other)."""
    _admin_override(body)
    outcome = components().board.book_appointment(**body, stamp=stamp())
    location = url_for(".get", appointment_id=outcome.aggregate.id)
    return changed(outcome, outcome.aggregate, Location=location)


@operation(
    bp,
    ONE,
    Operation(
        "GET",
        "An appointment, now or as it was",
        AppointmentSchema,
        role="viewer",
        query=AppointmentQuerySchema,
        errors=(404,),
        headers=(ETAG,),
        tag="appointments",
        document=appointment_document,
    ),
)
def get(appointment_id: UUID, query: dict[str, Any]) -> Reply:
    """With ``version`` or ``at`` (support role) the appointment as it was then."""
    if query:
        require("support", components().tokens)
    appointment = components().board.get_appointment(appointment_id, **query)
    return Reply(appointment, {ETAG: f'"{appointment.version}"'})


@operation(
    bp,
    f"{ONE}/move",
    _command("Move a card to another column", MoveResultSchema, MoveSchema, errors=(404, 409)),
)
def move(appointment_id: UUID, body: dict[str, Any]) -> Reply:
    """Applies when nobody else moved the card since expected_version; see the conflict rules.
    Cancelling or marking no-show frees the staff member's slot; reopening into a slot taken
    meanwhile is 409 staff_double_booked unless allow_overlap."""
    expected_version = body.pop("expected_version")
    outcome = components().board.move_appointment(
        appointment_id, **body, expected_version=expected_version, stamp=stamp()
    )
    return changed(outcome)


@operation(
    bp,
    ONE,
    _command(
        "Edit notes, staff or schedule",
        EditResultSchema,
        EditSchema,
        errors=(404, 409),
        method="PATCH",
    ),
)
def edit(appointment_id: UUID, body: dict[str, Any]) -> Reply:
    """Changes only the fields sent; a field someone else changed meanwhile is a conflict.
    Rescheduling and reassigning follow the booking's rules on taken slots and opening
    hours, with the same allow_overlap and allow_outside_hours."""
    _admin_override(body)
    expected_version = body.pop("expected_version")
    outcome = components().board.edit_appointment(
        appointment_id, **body, expected_version=expected_version, stamp=stamp()
    )
    return changed(outcome)


@operation(
    bp,
    f"{ONE}/service-lines",
    _command("Add a service line", EditResultSchema, ServiceLineAddSchema, errors=(404,)),
)
def add_service_line(appointment_id: UUID, body: dict[str, Any]) -> Reply:
    """Adding a service that is already on the appointment raises its quantity."""
    expected_version = body.pop("expected_version")
    outcome = components().board.add_service_line(
        appointment_id, **body, expected_version=expected_version, stamp=stamp()
    )
    return changed(outcome)


@operation(
    bp,
    f"{ONE}/service-lines/<uuid:service_id>",
    _command(
        "Remove a service line",
        EditResultSchema,
        method="DELETE",
        query=ServiceLineRemoveQuerySchema,
        errors=(404, 409),
    ),
)
def remove_service_line(appointment_id: UUID, service_id: UUID, query: dict[str, Any]) -> Reply:
    """The last line cannot go: cancel the appointment instead."""
    expected_version = query.pop("expected_version")
    outcome = components().board.remove_service_line(
        appointment_id, str(service_id), expected_version=expected_version, stamp=stamp()
    )
    return changed(outcome)


@operation(
    bp,
    f"{ONE}/history",
    Operation(
        "GET",
        "Who changed what, and when",
        HistorySchema,
        role="support",
        errors=(404,),
        tag="audit",
    ),
)
def history(appointment_id: UUID) -> dict[str, Any]:
    """Every event of the appointment as the fields it changed, oldest first."""
    return {"items": components().board.appointment_history(appointment_id)}
