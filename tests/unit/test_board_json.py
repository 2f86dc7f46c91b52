"""The board's direct encoder gives what ``BoardSchema`` dumps, member for member, byte for byte."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any
from uuid import UUID

import pytest
from flask import Flask
from hypothesis import given
from hypothesis import strategies as st

from adapters.api.board import columns
from adapters.api.board_json import board_document, encode
from adapters.schemas import BoardSchema
from domain.status import STATUSES
from projections.board import Board, Card

DAY = date(2030, 3, 4)
NINE = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)


def _dumps() -> Any:
    """The JSON encoder of the app's responses: Flask's, with keys in the order given."""
    app = Flask(__name__)
    app.json.sort_keys = False  # type: ignore[attr-defined]
    return app.json.dumps


DUMPS = _dumps()


def card(number: int, status: str = STATUSES[0], **changes: Any) -> Card:
    fields: dict[str, Any] = {
        "id": UUID(int=number),
        "version": 1,
        "status": status,
        "location_id": "downtown",
        "day": DAY,
        "starts_at": NINE + timedelta(minutes=15 * number),
        "ends_at": NINE + timedelta(minutes=15 * number + 30),
        "customer_name": f"Customer {number}",
        "staff_id": None,
        "staff_name": None,
        "services": ["Haircut"],
        "total_cents": 2500,
        "status_since": NINE - timedelta(days=1),
        **changes,
    }
    return Card(**fields)


def assert_encoded_as_dumped(board: Board) -> None:
    """Equal documents, the same member order, and the same response text at any position."""
    dumped = BoardSchema().dump(columns(board))
    document = board_document(board)

    assert document == dumped
    assert json.dumps(document) == json.dumps(dumped)
    body = encode(board, DUMPS)
    assert body.render(board.position) == DUMPS(dumped).encode()
    later = dict(dumped, position=board.position + 7)
    assert json.loads(body.render(board.position + 7)) == later


EXAMPLES = {
    "empty": Board("downtown", DAY, 0, []),
    "every status": Board(
        "downtown",
        DAY,
        42,
        [card(number, status, version=number + 1) for number, status in enumerate(STATUSES)],
    ),
    "no staff and staff": Board(
        "downtown",
        DAY,
        3,
        [card(1), card(2, staff_id="sam", staff_name="Sam"), card(3, staff_id="x", staff_name="")],
    ),
    "several service lines and none": Board(
        "harbour",
        DAY,
        9,
        [
            card(1, services=["Haircut", "Colour", "Blow-dry"], total_cents=12_000),
            card(2, services=[], total_cents=0),
        ],
    ),
    "times off UTC and with microseconds": Board(
        "downtown",
        DAY,
        5,
        [
            card(
                1,
                starts_at=datetime(2030, 3, 4, 10, 0, tzinfo=timezone(timedelta(hours=1))),
                ends_at=datetime(2030, 3, 4, 9, 30, 0, 123_456, tzinfo=UTC),
                status_since=datetime(2030, 3, 3, 23, 59, 59, 1, tzinfo=timezone.max),
            )
        ],
    ),
    "names beyond ASCII": Board(
        "downtown",
        DAY,
        1,
        [card(1, customer_name='Zoë "Z" \\ Ünal 🎈', staff_id="s", staff_name="Łukasz")],
    ),
    "a status no column has": Board("downtown", DAY, 2, [card(1, "archived"), card(2)]),
}


@pytest.mark.parametrize("board", EXAMPLES.values(), ids=EXAMPLES.keys())
def test_examples_are_encoded_as_the_schema_dumps_them(board: Board) -> None:
    assert_encoded_as_dumped(board)


text = st.text(max_size=12)
moments = st.datetimes(
    min_value=datetime(2000, 1, 1),
    max_value=datetime(2100, 1, 1),
    timezones=st.sampled_from([UTC, timezone(timedelta(hours=5, minutes=30)), timezone.min]),
)
cards = st.builds(
    Card,
    id=st.uuids(),
    version=st.integers(min_value=1, max_value=10_000),
    status=st.sampled_from(STATUSES),
    location_id=st.just("downtown"),
    day=st.just(DAY),
    starts_at=moments,
    ends_at=moments,
    customer_name=text,
    staff_id=st.none() | text,
    staff_name=st.none() | text,
    services=st.lists(text, max_size=4),
    total_cents=st.integers(min_value=0, max_value=10**9),
    status_since=moments,
)
boards = st.builds(
    Board,
    location=text,
    day=st.dates(),
    position=st.integers(min_value=0, max_value=2**53),
    cards=st.lists(cards, max_size=12),
)


@given(boards)
def test_any_board_is_encoded_as_the_schema_dumps_it(board: Board) -> None:
    assert_encoded_as_dumped(board)
