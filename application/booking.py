"""What bookings and edits work out: the lines copied from the catalog, the times left out."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from application.errors import NotFoundError
from application.loading import Loader
from domain import values
from domain.appointment import Appointment
from domain.errors import FieldError, ServiceRetiredError
from domain.service import Service, service_id_for
from domain.stamp import Stamp
from domain.values import ServiceLine


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


#: Marks an edit field the client did not send.
UNSET: Any = _Unset()


def service_lines(catalog: Loader, services: object) -> list[ServiceLine]:
    """The lines a booking copies, from the catalog's active services as they are now."""
    if not isinstance(services, list) or not services:
        raise FieldError("services", "must list at least one service")
    return [_service_line(catalog, index, item) for index, item in enumerate(services)]


def _service_line(catalog: Loader, index: int, item: object) -> ServiceLine:
    if not isinstance(item, dict):
        raise FieldError(f"services.{index}", "must be an object with a code")
    field = f"services.{index}.code"
    code = values.service_code(item.get("code"), field)
    try:
        service = catalog.get(Service, service_id_for(code))
        return service.line(item.get("quantity", 1), f"services.{index}.quantity")
    except NotFoundError:
        raise FieldError(field, f"no service has code {code}") from None
    except ServiceRetiredError:
        raise FieldError(field, f"service {code} is retired") from None


def length_of(lines: Iterable[ServiceLine]) -> timedelta:
    return timedelta(minutes=sum(line["duration_minutes"] * line["quantity"] for line in lines))


def end_after(start: datetime, length: timedelta) -> datetime:
    """A start at the very end of the calendar leaves no room for its length."""
    try:
        return start + length
    except OverflowError:
        raise FieldError("ends_at", "is out of range") from None


def apply_edits(
    appointment: Appointment, requested: dict[str, object], stamp: Stamp, reason: object = None
) -> bool:
    """Applies the fields the client sent (``reason`` goes with a reschedule); whether any of
    them changed the appointment."""
    applied = False
    if "notes" in requested:
        applied |= appointment.edit_notes(requested["notes"], stamp)
    if "staff" in requested:
        applied |= appointment.assign(requested["staff"], stamp)
    if "starts_at" in requested or "ends_at" in requested:
        starts_at, ends_at = requested.get("starts_at", UNSET), requested.get("ends_at", UNSET)
        start, end = _new_schedule(appointment, starts_at, ends_at)
        applied |= appointment.reschedule(start, end, stamp, reason)
    return applied


def _new_schedule(
    appointment: Appointment, starts_at: object, ends_at: object
) -> tuple[object, object]:
    """Moving only the start keeps the length; moving only the end keeps the start."""
    if ends_at is UNSET:
        start = values.instant("starts_at", starts_at)
        return start, end_after(start, appointment.ends_at - appointment.starts_at)
    return (appointment.starts_at if starts_at is UNSET else starts_at), ends_at
