"""Appointment answers without marshmallow: what ``AppointmentSchema`` and the command result
schemas dump, built directly.

The schemas still describe these responses in the OpenAPI document; dumping an appointment
through them cost about a tenth of a move's time in the web process. The functions here give
the same members in the same order with the same formats, and a property test holds them equal
to the schemas' dumps.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from application.statusboard import Outcome
from domain.appointment import Appointment

CUSTOMER = ("name", "phone", "email")
STAFF = ("id", "name")
LINE = ("service_id", "code", "name", "unit_price_cents", "duration_minutes", "quantity")


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def _members(source: Mapping[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    """A nested schema's dump of a mapping: its declared members that are present."""
    return {name: source[name] for name in names if name in source}


def appointment_document(appointment: Appointment) -> dict[str, Any]:
    """``AppointmentSchema().dump(appointment)``."""
    staff = appointment.staff
    return {
        "id": str(appointment.id),
        "location_id": appointment.location_id,
        "starts_at": _utc(appointment.starts_at),
        "ends_at": _utc(appointment.ends_at),
        "customer": _members(appointment.customer, CUSTOMER),
        "staff": None if staff is None else _members(staff, STAFF),
        "service_lines": [_members(line, LINE) for line in appointment.service_lines],
        "total_cents": appointment.total_cents,
        "notes": appointment.notes,
        "status": appointment.status,
        "status_since": _utc(appointment.status_since),
        "allowed_moves": list(appointment.allowed_moves()),
        "version": appointment.version,
        "created_at": _utc(appointment.created_on),
        "updated_at": _utc(appointment.modified_on),
    }


def move_result_document(outcome: Outcome[Appointment]) -> dict[str, Any]:
    """``MoveResultSchema().dump(outcome)``."""
    return {
        "appointment": appointment_document(outcome.aggregate),
        "applied": outcome.applied,
        "position": outcome.position,
    }


def edit_result_document(outcome: Outcome[Appointment]) -> dict[str, Any]:
    """``EditResultSchema().dump(outcome)``."""
    return {"appointment": appointment_document(outcome.aggregate), "position": outcome.position}
