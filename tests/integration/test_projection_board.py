"""The board projection: one card per appointment, in its column, on its local day (SPEC §5)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest

from domain import status as st
from tests.integration.test_projection_harness import (
    BOOKED_AT,
    DAY,
    LOCATION,
    NINE,
    ReadModel,
    minutes,
)

GRACE = {"id": "s-1", "name": "Grace"}
ALAN = {"id": "s-2", "name": "Alan"}


def only_card(model: ReadModel) -> tuple[str, datetime, int]:
    """The status, status time and version of the board's one card."""
    (card,) = model.board().cards
    return card.status, card.status_since, card.version


class TestBoardCards:
    def test_cards_are_ordered_by_start_then_customer_name_then_id(self, model: ReadModel) -> None:
        later = model.book("Ada", starts_at=NINE + minutes(30))
        zoe = model.book("Zoe", starts_at=NINE)
        bobs = sorted(str(model.book("Bob", starts_at=NINE)) for _ in range(3))
        earliest = model.book("Yves", starts_at=NINE - minutes(60))

        cards = model.board().cards

        assert [str(card.id) for card in cards] == [
            str(earliest),
            *bobs,
            str(zoe),
            str(later),
        ]

    def test_a_card_shows_its_customer_staff_services_and_total(self, model: ReadModel) -> None:
        ident = model.book("Ada", services=[("CUT", 2), ("WASH", 1)], staff=GRACE)

        (card,) = model.board().cards

        assert (card.id, card.version, card.status) == (ident, 1, st.SCHEDULED)
        assert (card.location_id, card.day) == (LOCATION, DAY)
        assert (card.customer_name, card.staff_id, card.staff_name) == ("Ada", "s-1", "Grace")
        assert card.services == ["Haircut", "Wash"]
        assert card.total_cents == 2 * 2500 + 800
        assert card.starts_at == NINE
        assert card.ends_at == NINE + minutes(2 * 30 + 15)
        assert card.status_since == BOOKED_AT

    def test_staff_filter_shows_only_that_staff_members_cards(self, model: ReadModel) -> None:
        graces = {model.book("Ada", staff=GRACE), model.book("Bea", staff=GRACE)}
        model.book("Cy", staff=ALAN)
        model.book("Di")

        assert {card.id for card in model.board(staff="s-1").cards} == graces
        assert [card.customer_name for card in model.board(staff="s-2").cards] == ["Cy"]
        assert len(model.board().cards) == 4

    def test_reassigning_staff_moves_the_card_between_staff_filters(self, model: ReadModel) -> None:
        ident = model.book("Ada", staff=GRACE)
        model.edit(ident, staff=ALAN)

        assert model.board(staff="s-1").cards == []
        (card,) = model.board(staff="s-2").cards
        assert (card.id, card.staff_name, card.version) == (ident, "Alan", 2)

    def test_other_days_and_locations_have_boards_of_their_own(self, model: ReadModel) -> None:
        model.book("Ada")
        model.book("Bea", starts_at=NINE + timedelta(days=1))
        model.book("Cy", location="harbour")

        assert [card.customer_name for card in model.board().cards] == ["Ada"]
        assert [c.customer_name for c in model.board(DAY + timedelta(days=1)).cards] == ["Bea"]
        assert [c.customer_name for c in model.board(location="harbour").cards] == ["Cy"]

    def test_board_position_is_the_last_event_it_has_folded(self, model: ReadModel) -> None:
        model.book("Ada")

        board = model.board()

        assert board.position == model.app.head_position()


class TestMovingCards:
    def test_a_move_puts_the_card_in_its_new_column_since_the_move(self, model: ReadModel) -> None:
        ident = model.book("Ada")
        model.move(ident, st.CHECKED_IN, NINE - minutes(5))

        assert only_card(model) == (st.CHECKED_IN, NINE - minutes(5), 2)

    def test_undo_returns_the_card_to_its_previous_column(self, model: ReadModel) -> None:
        ident = model.book("Ada")
        model.walk(ident, (st.CHECKED_IN, NINE - minutes(5)), (st.SCHEDULED, NINE - minutes(3)))

        assert only_card(model) == (st.SCHEDULED, NINE - minutes(3), 3)

    def test_notes_edits_only_raise_the_cards_version(self, model: ReadModel) -> None:
        ident = model.book("Ada")
        before = model.board().cards[0]
        model.edit(ident, notes="Prefers the window seat")

        after = model.board().cards[0]

        assert after.version == 2
        assert {**vars(after), "version": 1} == vars(before)

    def test_a_rescheduled_card_leaves_its_day_and_joins_the_other(self, model: ReadModel) -> None:
        ident = model.book("Ada")
        model.walk(ident, (st.CHECKED_IN, NINE - minutes(5)))
        tomorrow = NINE + timedelta(days=1, hours=1)
        model.edit(ident, starts_at=tomorrow)

        assert model.board().cards == []
        (card,) = model.board(DAY + timedelta(days=1)).cards
        assert (card.id, card.status, card.version) == (ident, st.CHECKED_IN, 3)
        assert (card.starts_at, card.ends_at) == (tomorrow, tomorrow + minutes(30))


class TestLocalDay:
    """The day of a card is the local date of its start in the configured time zone."""

    @pytest.fixture
    def berlin(self, database_url: str) -> Iterator[ReadModel]:
        """A status board whose read side counts days in Europe/Berlin."""
        model = ReadModel(database_url, "Europe/Berlin")
        yield model
        model.close()

    def test_a_late_evening_utc_start_is_on_the_next_local_day(self, berlin: ReadModel) -> None:
        berlin.book("Ada", starts_at=datetime(2030, 3, 4, 23, 30, tzinfo=UTC))

        assert berlin.board(date(2030, 3, 4)).cards == []
        assert [c.customer_name for c in berlin.board(date(2030, 3, 5)).cards] == ["Ada"]
        assert berlin.stats(date(2030, 3, 5)).total == 1
        assert berlin.stats(date(2030, 3, 4)).total == 0

    def test_summer_time_moves_local_midnight_an_hour_earlier(self, berlin: ReadModel) -> None:
        berlin.book("Ada", starts_at=datetime(2030, 7, 1, 22, 30, tzinfo=UTC))
        berlin.book("Bea", starts_at=datetime(2030, 7, 1, 21, 30, tzinfo=UTC))

        assert [c.customer_name for c in berlin.board(date(2030, 7, 1)).cards] == ["Bea"]
        assert [c.customer_name for c in berlin.board(date(2030, 7, 2)).cards] == ["Ada"]

    def test_rescheduling_across_local_midnight_changes_the_day(self, berlin: ReadModel) -> None:
        ident = berlin.book("Ada", starts_at=datetime(2030, 3, 4, 22, 30, tzinfo=UTC))
        assert len(berlin.board(date(2030, 3, 4)).cards) == 1

        berlin.edit(ident, starts_at=datetime(2030, 3, 4, 23, 15, tzinfo=UTC))

        assert berlin.board(date(2030, 3, 4)).cards == []
        assert [c.id for c in berlin.board(date(2030, 3, 5)).cards] == [ident]
