"""A board put together from kept card encodings is the board the direct encoder writes."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from adapters.api.board_cards import CardCache, assemble, fragment
from adapters.api.board_json import encode
from projections.board import Board, Card
from tests.unit.test_board_json import DUMPS, EXAMPLES, boards, card


def in_board_order(board: Board) -> Board:
    """The board as the read model gives it: cards by start, customer name, id."""
    ordered = sorted(board.cards, key=lambda c: (c.starts_at, c.customer_name, str(c.id)))
    return Board(board.location, board.day, board.position, ordered)


def assert_assembled_as_encoded(board: Board, shuffle: random.Random) -> None:
    expected = encode(in_board_order(board), DUMPS)
    pieces = [fragment(c, DUMPS) for c in board.cards]
    shuffle.shuffle(pieces)

    assembled = assemble(board.location, board.day, pieces, DUMPS)

    assert assembled.render(board.position) == expected.render(board.position)
    assert assembled.render(7) == expected.render(7)


def test_the_examples_assemble_as_encoded() -> None:
    for board in EXAMPLES.values():
        assert_assembled_as_encoded(board, random.Random(1))


def test_cards_starting_together_keep_the_read_models_order() -> None:
    nine = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)
    same_start = [
        card(3, starts_at=nine, customer_name="Bea"),
        card(1, starts_at=nine, customer_name="Ada"),
        card(2, starts_at=nine, customer_name="Ada"),
        card(4, starts_at=nine, customer_name="Zoë"),
        card(5, starts_at=nine, customer_name="Zoe"),
    ]
    assert_assembled_as_encoded(
        Board("downtown", same_start[0].day, 4, same_start), random.Random(2)
    )


@given(boards, st.randoms(use_true_random=False))
def test_any_board_assembles_as_encoded(board: Board, shuffle: random.Random) -> None:
    unique = list({c.id: c for c in board.cards}.values())
    assert_assembled_as_encoded(Board(board.location, board.day, board.position, unique), shuffle)


def test_the_cache_answers_a_card_only_at_the_generation_and_version_it_was_kept_at() -> None:
    kept = CardCache()
    first, second = card(1, version=3), card(2, version=5)
    added = kept.add(1, [first, second], DUMPS)

    found = kept.hits(1, [(str(first.id), 3), (str(second.id), 6)])

    assert found == {str(first.id): added[str(first.id)]}
    assert kept.hits(2, [(str(first.id), 3)]) == {}


def test_the_cache_forgets_the_cards_used_least_recently_beyond_its_size() -> None:
    kept = CardCache(size=2)
    cards: list[Card] = [card(number) for number in range(3)]
    kept.add(1, cards[:2], DUMPS)
    kept.hits(1, [(str(cards[0].id), 1)])

    kept.add(1, cards[2:], DUMPS)

    assert len(kept) == 2
    pairs = [(str(c.id), 1) for c in cards]
    assert set(kept.hits(1, pairs)) == {str(cards[0].id), str(cards[2].id)}
