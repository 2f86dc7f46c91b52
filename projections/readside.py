"""What the board, the dashboard and the services list read: the live generation's rows."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import time
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from application.statusboard import StatusBoard
from domain import status as st
from projections.activity import ACTIVITY
from projections.base import parse_stamp, stamp
from projections.board import BOARD
from projections.catalog import NAMES
from projections.services import SERVICES
from projections.stats import STATS
from projections.status import ProjectionStatus, projection_status
from storage.sql import Cursor, SqlStore

APPLICATION = StatusBoard.name


@dataclass(frozen=True)
class Card:
    id: UUID
    version: int
    status: str
    location_id: str
    day: date
    starts_at: datetime
    ends_at: datetime
    customer_name: str
    staff_id: str | None
    staff_name: str | None
    services: list[str]
    total_cents: int
    status_since: datetime


@dataclass(frozen=True)
class Board:
    location: str
    day: date
    position: int
    cards: list[Card]


#: A projection's live generation and the position it has processed.
Live = tuple[int, int]


@dataclass(frozen=True)
class BoardMark:
    """Where a read of the board stood: enough to tell whether a day's cards changed since.

    Within one generation a board row is fully determined by its appointment id and version,
    so the fingerprint of a day's (id, version) pairs determines the day's cards exactly.
    """

    generation: int
    position: int
    fingerprint: bytes


@dataclass(frozen=True)
class BoardRead:
    """A conditional read of the board: ``board`` is None when the caller's copy is current."""

    mark: BoardMark
    board: Board | None


@dataclass(frozen=True)
class Stats:
    location: str
    day: date
    position: int
    total: int
    by_status: dict[str, int]
    booked_revenue_cents: int
    completed_revenue_cents: int
    completion_rate: float | None
    no_show_rate: float | None
    avg_minutes_in_status: dict[str, float | None]


@dataclass(frozen=True)
class ServiceItem:
    id: UUID
    code: str
    name: str
    category: str
    price_cents: int
    duration_minutes: int
    active: bool
    version: int


@dataclass(frozen=True)
class ServicePage:
    position: int
    items: list[ServiceItem]
    next_cursor: str | None
    total: int


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
            params.append(stamp(self.since))
        if self.until is not None:
            clauses.append("at < ?")
            params.append(stamp(self.until))
        return " AND ".join(clauses), params


class InvalidCursorError(ValueError):
    pass


_CARD_COLUMNS = (
    "id, version, status, location_id, day, starts_at, ends_at, customer_name,"
    " staff_id, staff_name, services, total_cents, status_since"
)


class ReadSide:
    def __init__(self, store: SqlStore, database_url: str, timezone: str = "UTC") -> None:
        self.store = store
        self.database_url = database_url
        self.timezone = timezone

    @classmethod
    def open(
        cls,
        database_url: str,
        *,
        timezone: str = "UTC",
        pool_size: int = 5,
        lock_timeout_seconds: int = 5,
        durable_commits: bool = True,
    ) -> ReadSide:
        store = SqlStore.open(
            database_url,
            pool_size=pool_size,
            lock_timeout_seconds=lock_timeout_seconds,
            durable_commits=durable_commits,
        )
        return cls(store, database_url, timezone)

    @property
    def _bytewise(self) -> str:
        """Names sort the same on both databases: by code point, as SQLite does."""
        return ' COLLATE "C"' if self.store.dialect == "postgres" else ""

    def status(self, app: StatusBoard) -> list[ProjectionStatus]:
        return projection_status(app, self.store, self.database_url, self.timezone)

    def close(self) -> None:
        self.store.close()

    def board(self, location: str, day: date, staff: str | None = None) -> Board:
        with self.store.reads() as cursor:
            generation, position = self._live(cursor, "board")
            rows = self._cards(cursor, generation, location, day, staff)
        return Board(location, day, position, [_card(row) for row in rows])

    def board_if_changed(
        self, location: str, day: date, staff: str | None, seen: BoardMark | None
    ) -> BoardRead:
        """The board, unless what ``seen`` describes is still what the board shows.

        One statement at a time, stopping as soon as the answer is known: the live position
        alone when it has not moved since ``seen``; then the day's fingerprint; the cards only
        when that changed too. The position is read first, so the cards are at least that new
        (a day's (id, version) pairs never come back once changed, so a fingerprint read before
        the cards never labels older cards).
        """
        with self.store.reads() as cursor:
            generation, position = self._live(cursor, "board")
            if seen is not None and (seen.generation, seen.position) == (generation, position):
                return BoardRead(seen, None)
            fingerprint = self._fingerprint(cursor, generation, location, day)
            mark = BoardMark(generation, position, fingerprint)
            if seen is not None and (seen.generation, seen.fingerprint) == (
                generation,
                fingerprint,
            ):
                return BoardRead(mark, None)
            rows = self._cards(cursor, generation, location, day, staff)
        return BoardRead(mark, Board(location, day, position, [_card(row) for row in rows]))

    def _cards(
        self, cursor: Cursor, generation: int, location: str, day: date, staff: str | None
    ) -> list[tuple[Any, ...]]:
        by_staff, params = ("", ()) if staff is None else (" AND staff_id = ?", (staff,))
        cursor.execute(
            f"SELECT {_CARD_COLUMNS} FROM {BOARD.name(generation)}"
            f" WHERE location_id = ? AND day = ?{by_staff}"
            f" ORDER BY starts_at, customer_name{self._bytewise}, id",
            (location, day.isoformat(), *params),
        )
        return cursor.fetchall()

    @staticmethod
    def _fingerprint(cursor: Cursor, generation: int, location: str, day: date) -> bytes:
        """A digest of the day's (id, version) pairs, in id order (sorted here, not by a
        collation), whatever the staff: a staff's cards are a subset of them."""
        cursor.execute(
            f"SELECT id, version FROM {BOARD.name(generation)} WHERE location_id = ? AND day = ?",
            (location, day.isoformat()),
        )
        pairs = sorted(cursor.fetchall())
        text = ";".join(f"{ident}:{version}" for ident, version in pairs)
        return hashlib.blake2b(text.encode(), digest_size=16).digest()

    def stats(self, location: str, day: date, live: Live | None = None) -> Stats:
        """The day's numbers; ``live`` is the stats projection as the caller just read it."""
        with self.store.reads() as cursor:
            generation, position = live or self._live(cursor, "stats")
            cursor.execute(
                f"SELECT {', '.join(STATS.columns)} FROM {STATS.name(generation)}"
                " WHERE location_id = ? AND day = ?",
                (location, day.isoformat()),
            )
            row = cursor.fetchone()
        counters = dict(zip(STATS.columns, row, strict=True)) if row else {}
        return _stats(location, day, position, counters)

    def services(
        self,
        *,
        search: str | None = None,
        category: str | None = None,
        active: bool | None = None,
        limit: int = 50,
        cursor: str | None = None,
        live: Live | None = None,
    ) -> ServicePage:
        where, params = _service_filters(search, category, active)
        after = _decode_cursor(cursor, 2)
        with self.store.reads() as db:
            generation, position = live or self._live(db, "services")
            table = SERVICES.name(generation)
            db.execute(f"SELECT count(*) FROM {table} WHERE {where}", params)
            total = int(db.fetchone()[0])
            page_where, page_params = where, list(params)
            if after is not None:
                page_where += " AND (name_key > ? OR (name_key = ? AND code > ?))"
                page_params += [after[0], after[0], after[1]]
            db.execute(
                f"SELECT id, code, name, category, price_cents, duration_minutes, active,"
                f" version, name_key FROM {table} WHERE {page_where}"
                " ORDER BY name_key, code LIMIT ?",
                (*page_params, limit + 1),
            )
            rows = db.fetchall()
        items = [_service(row) for row in rows[:limit]]
        more = len(rows) > limit
        next_cursor = _encode_cursor(rows[limit - 1][8], rows[limit - 1][1]) if more else None
        return ServicePage(position, items, next_cursor, total)

    def activity(
        self, filters: ActivityFilter, *, limit: int = 50, cursor: str | None = None
    ) -> ActivityPage:
        """Appointment events in time order, newest last, keyset paged."""
        where, params = filters.where()
        after = _decode_cursor(cursor, 3)
        if after is not None:
            where += (
                " AND (at > ? OR (at = ? AND appointment_id > ?)"
                " OR (at = ? AND appointment_id = ? AND version > ?))"
            )
            at, ident, version = after
            if not version.isdigit():
                raise InvalidCursorError("cursor is not one this service issued")
            params += [at, at, ident, at, ident, int(version)]
        with self.store.reads() as db:
            generation, position = self._live(db, "activity")
            db.execute(
                f"SELECT {', '.join(ACTIVITY.columns)} FROM {ACTIVITY.name(generation)}"
                f" WHERE {where} ORDER BY at, appointment_id, version LIMIT ?",
                (*params, limit + 1),
            )
            rows = db.fetchall()
        items = [_activity(row) for row in rows[:limit]]
        last = rows[limit - 1] if len(rows) > limit else None
        next_cursor = None if last is None else _encode_cursor(last[2], last[0], str(last[1]))
        return ActivityPage(position, items, next_cursor)

    def catalog_fingerprint(self, generation: int) -> tuple[int, int]:
        """What the service list's contents depend on, as two numbers: services are never
        removed and every change raises a version, so (count, sum of versions) never comes
        back once the catalog has changed."""
        with self.store.reads() as cursor:
            cursor.execute(
                f"SELECT count(*), coalesce(sum(version), 0) FROM {SERVICES.name(generation)}"
            )
            count, versions = cursor.fetchone()
        return int(count), int(versions)

    def live(self, name: str) -> Live:
        """The live generation of projection ``name`` and the position it has processed."""
        with self.store.reads() as cursor:
            return self._live(cursor, name)

    def position(self, name: str) -> int:
        return self.live(name)[1]

    def wait_for(self, name: str, position: int, timeout: float) -> bool:
        """Whether the projection reached ``position`` within ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        pause = 0.002
        while self.position(name) < position:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            time.sleep(min(pause, remaining))
            pause = min(pause * 2, 0.05)
        return True

    def _live(self, cursor: Cursor, name: str) -> tuple[int, int]:
        if name not in NAMES:
            msg = f"no projection named {name}"
            raise LookupError(msg)
        cursor.execute(
            "SELECT s.live_generation, t.notification_id FROM projection_state s"
            " LEFT JOIN projection_tracking t ON t.projection = s.projection"
            " AND t.generation = s.live_generation AND t.application_name = ?"
            " WHERE s.projection = ?",
            (APPLICATION, name),
        )
        row = cursor.fetchone()
        if row is None:
            msg = f"projection {name} has no tables; run `statusboard db init`"
            raise LookupError(msg)
        return int(row[0]), int(row[1] or 0)


def _card(row: tuple[Any, ...]) -> Card:
    return Card(
        id=UUID(row[0]),
        version=row[1],
        status=row[2],
        location_id=row[3],
        day=date.fromisoformat(row[4]),
        starts_at=parse_stamp(row[5]),
        ends_at=parse_stamp(row[6]),
        customer_name=row[7],
        staff_id=row[8],
        staff_name=row[9],
        services=json.loads(row[10]),
        total_cents=int(row[11]),
        status_since=parse_stamp(row[12]),
    )


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _stats(location: str, day: date, position: int, counters: dict[str, Any]) -> Stats:
    count = {status: int(counters.get(f"n_{status}", 0)) for status in st.STATUSES}
    total = int(counters.get("total", 0))
    attended = total - count[st.CANCELLED]
    averages: dict[str, float | None] = {}
    for status in st.TIMED:
        stays = int(counters.get(f"stays_{status}", 0))
        micros = int(counters.get(f"stay_us_{status}", 0))
        averages[status] = micros / stays / 60_000_000 if stays else None
    return Stats(
        location=location,
        day=day,
        position=position,
        total=total,
        by_status=count,
        booked_revenue_cents=int(counters.get("booked_revenue_cents", 0)),
        completed_revenue_cents=int(counters.get("completed_revenue_cents", 0)),
        completion_rate=_rate(count[st.COMPLETED], attended),
        no_show_rate=_rate(count[st.NO_SHOW], attended),
        avg_minutes_in_status=averages,
    )


def _like(term: str) -> str:
    escaped = term.casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _service_filters(
    search: str | None, category: str | None, active: bool | None
) -> tuple[str, list[Any]]:
    clauses: list[str] = ["1 = 1"]
    params: list[Any] = []
    if search and search.strip():
        clauses.append(
            "(code_key LIKE ? ESCAPE '\\' OR name_key LIKE ? ESCAPE '\\'"
            " OR category_key LIKE ? ESCAPE '\\')"
        )
        params += [_like(search.strip())] * 3
    if category:
        clauses.append("category_key = ?")
        params.append(category.casefold())
    if active is not None:
        clauses.append("active = ?")
        params.append(int(active))
    return " AND ".join(clauses), params


def _service(row: tuple[Any, ...]) -> ServiceItem:
    return ServiceItem(
        id=UUID(row[0]),
        code=row[1],
        name=row[2],
        category=row[3],
        price_cents=int(row[4]),
        duration_minutes=int(row[5]),
        active=bool(row[6]),
        version=int(row[7]),
    )


def _activity(row: tuple[Any, ...]) -> ActivityItem:
    return ActivityItem(
        appointment_id=UUID(row[0]),
        version=int(row[1]),
        at=parse_stamp(row[2]),
        actor=row[3],
        location_id=row[4],
        type=row[5],
        from_status=row[6],
        to_status=row[7],
        request_id=row[8],
    )


def _encode_cursor(*keys: str) -> str:
    """An opaque cursor: the sort key of the last item served."""
    raw = json.dumps(list(keys), separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _bindable(text: str) -> bool:
    """Text both databases take as a parameter: no NUL character, no lone surrogate."""
    return "\x00" not in text and not any("\ud800" <= char <= "\udfff" for char in text)


def _decode_cursor(cursor: str | None, size: int) -> tuple[str, ...] | None:
    if not cursor:
        return None
    try:
        keys = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, TypeError) as error:
        raise InvalidCursorError("cursor is not one this service issued") from error
    if (
        not isinstance(keys, list)
        or len(keys) != size
        or not all(isinstance(key, str) and _bindable(key) for key in keys)
    ):
        raise InvalidCursorError("cursor is not one this service issued")
    return tuple(keys)
