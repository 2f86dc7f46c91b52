"""Reads of the board: a location's day of cards, or nothing when the caller's copy is current."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from projections.base import parse_utc_text
from projections.board.projection import BOARD
from projections.positions import Live, live, named
from storage.sql import Cursor, SqlStore


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


@dataclass(frozen=True)
class BoardMark:
    """Where a read of the board stood: enough to tell whether a day's cards changed since.

    Within one generation a board row is fully determined by its appointment id and version,
    so the fingerprint of a day's (id, version) pairs determines the day's cards exactly.
    """

    generation: int
    position: int
    fingerprint: bytes


#: A day's (appointment id, version) pairs, in id order.
Pairs = list[tuple[str, int]]
#: Given the generation and a day's pairs, the ids of the cards the caller has no copy of.
Unknown = Callable[[int, Pairs], list[str]]


def everything(_generation: int, pairs: Pairs) -> list[str]:
    """Every card of the day: for a caller that keeps none."""
    return [ident for ident, _version in pairs]


@dataclass(frozen=True)
class BoardRead:
    """A conditional read of a day's cards: ``pairs`` is None when the caller's copy is
    current; otherwise the day's (id, version) pairs, whatever the staff, with ``cards`` the
    cards read in full (those the caller had no copy of), in board order.

    The pairs are read after the position and the cards after the pairs, so the cards are at
    least as new as the pairs: a card changed in between comes with its newer version, and a
    card moved off the day in between is not among ``cards``.
    """

    mark: BoardMark
    pairs: Pairs | None
    cards: list[Card]


CARD_COLUMNS = (
    "id",
    "version",
    "status",
    "location_id",
    "day",
    "starts_at",
    "ends_at",
    "customer_name",
    "staff_id",
    "staff_name",
    "services",
    "total_cents",
    "status_since",
)


def board(store: SqlStore, location: str, day: date, staff: str | None = None) -> Board:
    with store.reads() as cursor:
        generation, position = live(cursor, "board")
        rows = cards(store, cursor, generation, location, day, staff)
    return Board(location, day, position, [card(row) for row in rows])


def board_if_changed(
    store: SqlStore,
    location: str,
    day: date,
    seen: BoardMark | None,
    at: Live | None = None,
    unknown: Unknown = everything,
) -> BoardRead:
    """The day's cards, unless what ``seen`` describes is still what the board shows; of its
    cards, only those ``unknown`` names are read in full.

    One statement at a time, stopping as soon as the answer is known: the live position
    alone (unless the caller read it, ``at``) when it has not moved since ``seen``; then the
    day's (id, version) pairs and their fingerprint; the cards only when that changed too. The
    position is read first, so the cards are at least that new (a day's (id, version) pairs
    never come back once changed, so a fingerprint read before the cards never labels older
    cards).
    """
    with store.reads() as cursor:
        generation, position = at or live(cursor, "board")
        if seen is not None and (seen.generation, seen.position) == (generation, position):
            return BoardRead(seen, None, [])
        found = pairs(cursor, generation, location, day)
        mark = BoardMark(generation, position, digest(found))
        if seen is not None and (seen.generation, seen.fingerprint) == (
            generation,
            mark.fingerprint,
        ):
            return BoardRead(mark, None, [])
        wanted = unknown(generation, found)
        rows = cards_by_id(store, cursor, generation, location, day, wanted, len(found))
    return BoardRead(mark, found, [card(row) for row in rows])


def cards(
    store: SqlStore, cursor: Cursor, generation: int, location: str, day: date, staff: str | None
) -> list[dict[str, Any]]:
    """The day's card rows by column, in board order."""
    by_staff, params = ("", ()) if staff is None else (" AND staff_id = ?", (staff,))
    return _select_cards(store, cursor, generation, location, day, by_staff, params)


#: Up to this share of a day's cards a read names them; beyond it, it reads the whole day.
BY_ID_SHARE = 0.5


def cards_by_id(
    store: SqlStore,
    cursor: Cursor,
    generation: int,
    location: str,
    day: date,
    ids: list[str],
    of: int,
) -> list[dict[str, Any]]:
    """The rows of the cards ``ids`` among the day's ``of``, in board order: named in the
    statement when they are a few, else read with the whole day and picked here."""
    if not ids:
        return []
    if len(ids) <= BY_ID_SHARE * of:
        named_ids = f" AND id IN ({', '.join('?' for _ in ids)})"
        return _select_cards(store, cursor, generation, location, day, named_ids, tuple(ids))
    wanted = set(ids)
    rows = _select_cards(store, cursor, generation, location, day, "", ())
    return [row for row in rows if row["id"] in wanted]


def _select_cards(
    store: SqlStore,
    cursor: Cursor,
    generation: int,
    location: str,
    day: date,
    condition: str,
    params: tuple[str, ...],
) -> list[dict[str, Any]]:
    """Card rows of the day meeting ``condition``, in board order (names compared by code
    point, as SQLite does, so both databases sort them alike)."""
    bytewise = ' COLLATE "C"' if store.dialect == "postgres" else ""
    cursor.execute(
        f"SELECT {', '.join(CARD_COLUMNS)} FROM {BOARD.name(generation)}"
        f" WHERE location_id = ? AND day = ?{condition}"
        f" ORDER BY starts_at, customer_name{bytewise}, id",
        (location, day.isoformat(), *params),
    )
    return [named(CARD_COLUMNS, row) for row in cursor.fetchall()]


def pairs(cursor: Cursor, generation: int, location: str, day: date) -> Pairs:
    """The day's (id, version) pairs, whatever the staff (a staff's cards are a subset of
    them), in id order (sorted here, not by a collation)."""
    cursor.execute(
        f"SELECT id, version FROM {BOARD.name(generation)} WHERE location_id = ? AND day = ?",
        (location, day.isoformat()),
    )
    return sorted((str(ident), int(version)) for ident, version in cursor.fetchall())


def digest(found: Pairs) -> bytes:
    """The fingerprint of a day's pairs: it changes whenever any of its cards does."""
    text = ";".join(f"{ident}:{version}" for ident, version in found)
    return hashlib.blake2b(text.encode(), digest_size=16).digest()


def card(row: dict[str, Any]) -> Card:
    return Card(
        id=UUID(row["id"]),
        version=row["version"],
        status=row["status"],
        location_id=row["location_id"],
        day=date.fromisoformat(row["day"]),
        starts_at=parse_utc_text(row["starts_at"]),
        ends_at=parse_utc_text(row["ends_at"]),
        customer_name=row["customer_name"],
        staff_id=row["staff_id"],
        staff_name=row["staff_name"],
        services=json.loads(row["services"]),
        total_cents=int(row["total_cents"]),
        status_since=parse_utc_text(row["status_since"]),
    )
