"""The board and the dashboard: reads of the board and stats read models."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint

from adapters.api.context import caught_up, read
from adapters.api.operation import API_PREFIX, Operation, Reply, operation
from adapters.runtime import runtime, services
from adapters.schemas import BoardQuerySchema, BoardSchema, StatsQuerySchema, StatsSchema
from domain.status import STATUSES, TITLES
from projections.readside import Board

bp = Blueprint("board", __name__, url_prefix=API_PREFIX)
READ = ("X-Projection-Position",)


def _day(query: dict[str, Any]) -> date:
    given: date | None = query.get("date")
    return given or datetime.now(ZoneInfo(runtime().settings.timezone)).date()


def columns(board: Board) -> dict[str, Any]:
    """All seven columns in board order, each with its cards in the read model's order."""
    return {
        "day": board.day,
        "location": board.location,
        "position": board.position,
        "columns": [
            {"status": status, "title": TITLES[status], "count": len(cards), "cards": cards}
            for status in STATUSES
            for cards in [[card for card in board.cards if card.status == status]]
        ],
    }


@operation(
    bp,
    "/appointments/board",
    Operation(
        "GET",
        "The day's board of a location",
        BoardSchema,
        role="viewer",
        query=BoardQuerySchema,
        errors=(503,),
        headers=READ,
        tag="board",
    ),
)
def board(query: dict[str, Any]) -> Reply:
    """Every appointment of the day as a card in its status column."""
    caught_up("board", query.get("min_position"))
    found = services().read_side.board(query["location"], _day(query), query.get("staff"))
    return read(columns(found), found.position)


@operation(
    bp,
    "/dashboard/stats",
    Operation(
        "GET",
        "The day's numbers of a location",
        StatsSchema,
        role="viewer",
        query=StatsQuerySchema,
        errors=(503,),
        headers=READ,
        tag="board",
    ),
)
def stats(query: dict[str, Any]) -> Reply:
    """Counts by status, revenue, completion and no-show rates, and time spent per status."""
    caught_up("stats", query.get("min_position"))
    found = services().read_side.stats(query["location"], _day(query))
    return read(found, found.position)
