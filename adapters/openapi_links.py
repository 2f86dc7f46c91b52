"""OpenAPI links: which answer carries the ids and versions the next operation needs.

They let a client (and schemathesis' stateful phase) book, then read, move, edit and change
the service lines of what it booked, and add a service, then change it and book it.
"""

from __future__ import annotations

from typing import Any

Link = dict[str, Any]


def _on_appointment(at: str) -> dict[str, Link]:
    """Links from an answer holding an appointment at the JSON pointer ``at``."""
    path = {"path.appointment_id": f"$response.body#{at}/id"}
    version = f"$response.body#{at}/version"
    return {
        "GetAppointment": {"operationId": "appointments_get", "parameters": path},
        "MoveAppointment": {
            "operationId": "appointments_move",
            "parameters": path,
            "requestBody": {"expected_version": version},
        },
        "EditAppointment": {
            "operationId": "appointments_edit",
            "parameters": path,
            "requestBody": {"expected_version": version},
        },
        "AddServiceLine": {
            "operationId": "appointments_add_service_line",
            "parameters": path,
            "requestBody": {"expected_version": version},
        },
        "RemoveServiceLine": {
            "operationId": "appointments_remove_service_line",
            "parameters": {
                **path,
                "path.service_id": f"$response.body#{at}/service_lines/0/service_id",
                "query.expected_version": version,
            },
        },
        "AppointmentHistory": {"operationId": "appointments_history", "parameters": path},
    }


def _on_service() -> dict[str, Link]:
    path = {"path.service_id": "$response.body#/id"}
    return {
        "GetService": {"operationId": "services_get", "parameters": path},
        "UpdateService": {
            "operationId": "services_update",
            "parameters": path,
            "requestBody": {"expected_version": "$response.body#/version"},
        },
        "BookService": {
            "operationId": "appointments_book",
            "requestBody": {"services": [{"code": "$response.body#/code", "quantity": 1}]},
        },
    }


#: By the operationId of the operation whose success answer they start from.
LINKS: dict[str, dict[str, Link]] = {
    "appointments_book": _on_appointment(""),
    "appointments_move": _on_appointment("/appointment"),
    "appointments_edit": _on_appointment("/appointment"),
    "appointments_add_service_line": _on_appointment("/appointment"),
    "appointments_remove_service_line": _on_appointment("/appointment"),
    "services_create": _on_service(),
    "services_update": _on_service(),
}
