"""The board: one row per appointment, the cards of the status columns."""

from __future__ import annotations

import json
from typing import ClassVar, Literal

from domain import status as st
from domain.appointment import Appointment, merge_line, without_line
from domain.values import ServiceLine, Staff, line_total
from projections.base import (
    Event,
    Row,
    RowProjection,
    Table,
    dumps,
    local_day,
    topics,
    unprocessable,
    utc_text,
)

APPOINTMENT_EVENTS = (
    Appointment.Booked,
    Appointment.Moved,
    Appointment.Rescheduled,
    Appointment.Assigned,
    Appointment.NotesEdited,
    Appointment.ServiceLineAdded,
    Appointment.ServiceLineRemoved,
)

BOARD = Table(
    stem="board",
    columns=(
        "id",
        "location_id",
        "day",
        "status",
        "starts_at",
        "ends_at",
        "customer_name",
        "staff_id",
        "staff_name",
        "services",
        "lines",
        "total_cents",
        "status_since",
        "version",
    ),
    types=(
        "TEXT",
        "TEXT NOT NULL",
        "TEXT NOT NULL",
        "TEXT NOT NULL",
        "TEXT NOT NULL",
        "TEXT NOT NULL",
        "TEXT NOT NULL",
        "TEXT",
        "TEXT",
        "TEXT NOT NULL",
        "TEXT NOT NULL",
        "BIGINT NOT NULL",
        "TEXT NOT NULL",
        "INTEGER NOT NULL",
    ),
    indexes=(("location_id", "day", "starts_at", "customer_name", "id"),),
)


def with_lines(row: Row, lines: list[ServiceLine]) -> Row:
    row["lines"] = dumps(lines)
    row["services"] = dumps([line["name"] for line in lines])
    row["total_cents"] = sum(line_total(line) for line in lines)
    return row


class BoardProjection(RowProjection):
    name = "board"
    topics = topics(*APPOINTMENT_EVENTS)
    tables: ClassVar[tuple[Table, ...]] = (BOARD,)

    def fold(self, row: Row | None, event: Event) -> Row:
        if isinstance(event, Appointment.Booked):
            return self.booked(event)
        if row is None:
            raise unprocessable(self.name, event)
        row = dict(row, version=event.originator_version)
        if isinstance(event, Appointment.Moved):
            row.update(status=event.to_status, status_since=utc_text(event.timestamp))
        elif isinstance(event, Appointment.Rescheduled):
            row.update(
                starts_at=utc_text(event.starts_at),
                ends_at=utc_text(event.ends_at),
                day=local_day(event.starts_at, self.timezone),
            )
        elif isinstance(event, Appointment.Assigned):
            row.update(staff_id=_staff(event.staff, "id"), staff_name=_staff(event.staff, "name"))
        elif isinstance(event, Appointment.ServiceLineAdded):
            with_lines(row, merge_line(json.loads(row["lines"]), event.line))
        elif isinstance(event, Appointment.ServiceLineRemoved):
            with_lines(row, without_line(json.loads(row["lines"]), event.service_id))
        elif not isinstance(event, Appointment.NotesEdited):
            raise unprocessable(self.name, event)
        return row

    def booked(self, event: Appointment.Booked) -> Row:
        row: Row = {
            "id": str(event.originator_id),
            "location_id": event.location_id,
            "day": local_day(event.starts_at, self.timezone),
            "status": st.SCHEDULED,
            "starts_at": utc_text(event.starts_at),
            "ends_at": utc_text(event.ends_at),
            "customer_name": event.customer["name"],
            "staff_id": _staff(event.staff, "id"),
            "staff_name": _staff(event.staff, "name"),
            "status_since": utc_text(event.timestamp),
            "version": event.originator_version,
        }
        return with_lines(row, event.service_lines)


def _staff(staff: Staff | None, field: Literal["id", "name"]) -> str | None:
    return None if staff is None else staff[field]
