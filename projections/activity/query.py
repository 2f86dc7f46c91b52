"""Reads of the activity trail: appointment events in time order, filtered and keyset paged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from projections.activity.projection import ACTIVITY
from projections.base import parse_utc_text, utc_text
from projections.paging import InvalidCursorError, decode_cursor, encode_cursor
from projections.positions import Live, live, named
from storage.sql import SqlStore


@dataclass(frozen=True)
class ActivityItem:
    appointment_id: UUID
    version: int
    at: datetime
    actor: str
    location_id: str
    type: str
    from_status: str | None
    to_status: str | None
    request_id: str


@dataclass(frozen=True)
class ActivityPage:
    position: int
    items: list[ActivityItem]
    next_cursor: str | None


@dataclass(frozen=True)
class ActivityFilter:
    actor: str | None = None
    location: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    type: str | None = None

    def where(self) -> tuple[str, list[Any]]:
        clauses: list[str] = ["1 = 1"]
        params: list[Any] = []
        for column, value in (
            ("actor", self.actor),
            ("location_id", self.location),
            ("type", self.type),
        ):
            if value:
                clauses.append(f"{column} = ?")
                params.append(value)
        if self.since is not None:
            clauses.append("at >= ?")
            params.append(utc_text(self.since))
        if self.until is not None:
            clauses.append("at < ?")
            params.append(utc_text(self.until))
        return " AND ".join(clauses), params


def activity(
    store: SqlStore,
    filters: ActivityFilter,
    *,
    limit: int = 50,
    cursor: str | None = None,
    at: Live | None = None,
) -> ActivityPage:
    """Appointment events in time order, newest last, keyset paged."""
    where, params = filters.where()
    after = decode_cursor(cursor, 3)
    if after is not None:
        where += (
            " AND (at > ? OR (at = ? AND appointment_id > ?)"
            " OR (at = ? AND appointment_id = ? AND version > ?))"
        )
        when, ident, version = after
        if not version.isdigit():
            raise InvalidCursorError("cursor is not one this service issued")
        params += [when, when, ident, when, ident, int(version)]
    with store.reads() as db:
        generation, position = at or live(db, "activity")
        db.execute(
            f"SELECT {', '.join(ACTIVITY.columns)} FROM {ACTIVITY.name(generation)}"
            f" WHERE {where} ORDER BY at, appointment_id, version LIMIT ?",
            (*params, limit + 1),
        )
        rows = [named(ACTIVITY.columns, row) for row in db.fetchall()]
    items = [_item(row) for row in rows[:limit]]
    last = rows[limit - 1] if len(rows) > limit else None
    next_cursor = (
        None
        if last is None
        else encode_cursor(last["at"], last["appointment_id"], str(last["version"]))
    )
    return ActivityPage(position, items, next_cursor)


def _item(row: dict[str, Any]) -> ActivityItem:
    return ActivityItem(
        appointment_id=UUID(row["appointment_id"]),
        version=int(row["version"]),
        at=parse_utc_text(row["at"]),
        actor=row["actor"],
        location_id=row["location_id"],
        type=row["type"],
        from_status=row["from_status"],
        to_status=row["to_status"],
        request_id=row["request_id"],
    )
