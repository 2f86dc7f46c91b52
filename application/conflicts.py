"""What a command does about the changes its client has not seen (SPEC §4).

Each function is given the aggregate as it now is and the changes since the version the client
last saw (none when it saw the latest), and either lets the command go ahead or refuses it
with a ``ConflictError`` naming the change that won. Adding a service line never conflicts:
it raises the quantity of whatever line is there.
"""

from __future__ import annotations

from typing import Any

from application.errors import ConflictError
from application.history import Change
from domain.appointment import Appointment


def move_still_to_make(appointment: Appointment, unseen: list[Change], to_status: str) -> bool:
    """A move applies to the current state when nobody changed the status meanwhile; when
    somebody did, the same move is answered as made (not applied again), and any other is a
    conflict."""
    status_changes = [change for change in unseen if "status" in change.changes]
    if not status_changes:
        return True
    if appointment.status == to_status:
        return False
    raise ConflictError(appointment, status_changes[-1], ("status",))


def refuse_lost_updates(aggregate: Any, unseen: list[Change], requested: dict[str, object]) -> None:
    """An edit conflicts only with unseen changes to the same field that left another value."""
    current = aggregate.state()
    for change in reversed(unseen):
        fields = tuple(
            name
            for name in requested
            if name in change.changes and _differs(current.get(name), requested[name])
        )
        if fields:
            raise ConflictError(aggregate, change, fields)


def refuse_removing_a_line_gone(
    appointment: Appointment, unseen: list[Change], service_id: str
) -> None:
    """Removing a line that a change the client has not seen took away is a conflict."""
    if any(line["service_id"] == service_id for line in appointment.service_lines):
        return
    line_changes = [change for change in unseen if "service_lines" in change.changes]
    if line_changes:
        raise ConflictError(appointment, line_changes[-1], ("service_lines",))


def _differs(current: object, requested: object) -> bool:
    if isinstance(requested, str) and isinstance(current, str):
        return current != requested.strip()
    return current != requested
