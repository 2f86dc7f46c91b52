"""The board response without marshmallow: the same document ``BoardSchema`` dumps, built directly.

``BoardSchema`` still describes the response in the OpenAPI document; dumping a 200-card board
through it costs several milliseconds, most of the request. The functions here produce the same
keys in the same order with the same formats (UTC ISO 8601 times, ISO dates, UUIDs as strings),
and a test holds them equal to the schema's dump.

The endpoint encodes each card with ``card_document`` and puts the body together from the
cards' kept encodings (``board_cards.assemble``); ``encode``, the whole board in one piece, is
what tests hold that body equal to, byte for byte.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from adapters.api.positioned import Dumps, Positioned, positioned
from domain.status import STATUSES, TITLES
from projections.board import Board, Card


def _utc(moment: datetime) -> str:
    """A time as ``UtcDateTime`` dumps it."""
    return moment.astimezone(UTC).isoformat()


def card_document(card: Card) -> dict[str, Any]:
    """A card as ``CardSchema`` dumps it (the day is the board's, so it is left out)."""
    return {
        "id": str(card.id),
        "version": card.version,
        "status": card.status,
        "location_id": card.location_id,
        "starts_at": _utc(card.starts_at),
        "ends_at": _utc(card.ends_at),
        "customer_name": card.customer_name,
        "staff_id": card.staff_id,
        "staff_name": card.staff_name,
        "services": list(card.services),
        "total_cents": card.total_cents,
        "status_since": _utc(card.status_since),
    }


def columns_document(board: Board) -> list[dict[str, Any]]:
    """The seven columns in board order, each with its cards in the read model's order.

    A card whose status is not a column's is left out, as ``columns`` leaves it out.
    """
    by_status: dict[str, list[dict[str, Any]]] = {status: [] for status in STATUSES}
    for card in board.cards:
        column = by_status.get(card.status)
        if column is not None:
            column.append(card_document(card))
    return [
        {"status": status, "title": TITLES[status], "count": len(cards), "cards": cards}
        for status, cards in by_status.items()
    ]


def board_document(board: Board) -> dict[str, Any]:
    """The whole response as ``BoardSchema().dump(columns(board))`` gives it."""
    return {
        "date": board.day.isoformat(),
        "location": board.location,
        "position": board.position,
        "columns": columns_document(board),
    }


def encode(board: Board, dumps: Dumps) -> Positioned:
    """The board's body around its position, with ``dumps`` the JSON encoder every other
    response goes through."""
    return positioned(board_document(board), dumps)
