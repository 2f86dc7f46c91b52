"""The board and the dashboard: reads of the board and stats read models."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, current_app, request

from adapters.api.board_cache import Key, Rendered, content_tag
from adapters.api.board_cards import Fragment, assemble
from adapters.api.context import caught_up
from adapters.api.kept import kept
from adapters.api.operation import API_PREFIX, Operation, operation
from adapters.headers import ETAG, PROJECTION_POSITION
from adapters.runtime import runtime
from adapters.schemas import BoardQuerySchema, BoardSchema, StatsQuerySchema, StatsSchema
from domain.status import STATUSES, TITLES
from projections.board import Board, Pairs

bp = Blueprint("board", __name__, url_prefix=API_PREFIX)


def _day(query: dict[str, Any]) -> date:
    given: date | None = query.get("date")
    return given or datetime.now(ZoneInfo(runtime().settings.timezone)).date()


def columns(board: Board) -> dict[str, Any]:
    """All seven columns in board order, each with its cards in the read model's order: what
    ``BoardSchema`` documents and dumps, and what the direct encoder must equal."""
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
        errors=(304, 503),
        headers=(PROJECTION_POSITION, ETAG),
        tag="board",
    ),
)
def board(query: dict[str, Any]) -> Response:
    """Every appointment of the day as a card in its status column. The weak ETag changes
    with the cards; If-None-Match with it answers 304."""
    # Without a position to wait for, the read side reads where the board stands itself, in
    # the transaction that reads the cards: one pooled connection for the request, not two.
    min_position = query.get("min_position")
    at = None if min_position is None else caught_up("board", min_position)
    key: Key = (query["location"], _day(query), query.get("staff"))
    location, day, staff = key
    reads = kept()
    cached = reads.boards.get(key)
    known: dict[str, Fragment] = {}

    def unknown(generation: int, pairs: Pairs) -> list[str]:
        known.update(reads.cards.hits(generation, pairs))
        return [ident for ident, _version in pairs if ident not in known]

    seen = None if cached is None else cached.mark
    found = reads.read_side.board_if_changed(location, day, seen, at, unknown)
    if found.pairs is not None:
        dumps = current_app.json.dumps
        known.update(reads.cards.add(found.mark.generation, found.cards, dumps))
        shown = [
            card
            for ident, _version in found.pairs
            if (card := known.get(ident)) is not None and staff in (None, card.staff_id)
        ]
        body = assemble(location, day, shown, dumps)
        rendered = Rendered(found.mark, body, content_tag(key, found.mark))
        reads.boards.put(key, rendered)
    else:
        assert cached is not None, "the read side reuses only a board it was given"
        rendered = reads.boards.seen(key, cached, found.mark)
    return _respond(rendered, found.mark.position)


def _respond(rendered: Rendered, position: int) -> Response:
    """The board at ``position``, the position this request read; 304 when the client has it."""
    headers = {PROJECTION_POSITION: str(position), ETAG: f'W/"{rendered.tag}"'}
    if request.if_none_match.contains_weak(rendered.tag):
        return current_app.response_class(status=304, headers=headers)
    body = rendered.body.render(position)
    return current_app.response_class(body, 200, headers=headers, mimetype="application/json")


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
        headers=(PROJECTION_POSITION,),
        tag="board",
    ),
)
def stats(query: dict[str, Any]) -> Response:
    """Counts by status, revenue, completion and no-show rates, and time spent per status."""
    at = caught_up("stats", query.get("min_position"))
    reads, location, day = kept(), query["location"], _day(query)
    return reads.memo.answer(
        ("stats", at),
        (location, day),
        StatsSchema,
        lambda live: reads.read_side.stats(location, day, live),
    )
