"""The projections' folds, event by event, with no database: what each event does to a row."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from domain import status as st
from domain.appointment import Appointment
from domain.moment import occurring_at
from domain.service import Service
from domain.stamp import Stamp
from projections.base import Row, UnprocessableEventError, parse_utc_text, utc_text
from projections.board import BoardProjection
from projections.paging import InvalidCursorError
from projections.readside import ReadSide
from projections.services import ServicesProjection
from projections.stats import StatsProjection
from projections.stats.projection import contribution
from storage.sql import Cursor, SqlStore
from tests.support import HAIRCUT

UTC_ZONE = ZoneInfo("UTC")
BERLIN = ZoneInfo("Europe/Berlin")
NINE = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)


def fold_all(projection: Any, events: list[Any], row: Row | None = None) -> Row:
    for event in events:
        row = projection.fold(row, event)
    assert row is not None
    return row


def moves(appointment: Appointment, stamp_: Stamp, *steps: tuple[str, datetime]) -> list[Any]:
    for to_status, at in steps:
        with occurring_at(at):
            appointment.move(to_status, "reopened", stamp_)
    return list(appointment.collect_events())


@pytest.fixture
def booked(booking: dict[str, Any]) -> tuple[Appointment, list[Any]]:
    """An appointment booked at eight, and the events that booked it."""
    with occurring_at(NINE - timedelta(hours=1)):
        appointment = Appointment.book(**booking)
    return appointment, list(appointment.collect_events())


class TestBoardFold:
    def test_a_booking_makes_a_scheduled_card_on_its_local_day(
        self, booking: dict[str, Any]
    ) -> None:
        booking.update(starts_at=NINE + timedelta(hours=14, minutes=30))  # 00:30 in Berlin
        booking.update(ends_at=booking["starts_at"] + timedelta(minutes=30))
        (event,) = Appointment.book(**booking).collect_events()

        row = BoardProjection(BERLIN).fold(None, event)

        assert (row["day"], row["status"], row["version"]) == ("2030-03-05", st.SCHEDULED, 1)
        assert BoardProjection(UTC_ZONE).fold(None, event)["day"] == "2030-03-04"

    def test_a_move_sets_the_column_and_when_the_card_entered_it(
        self, booked: tuple[Appointment, list[Any]], stamp: Stamp
    ) -> None:
        appointment, events = booked
        events += moves(appointment, stamp, (st.CHECKED_IN, NINE - timedelta(minutes=4)))

        row = fold_all(BoardProjection(UTC_ZONE), events)

        assert (row["status"], row["version"]) == (st.CHECKED_IN, 2)
        assert parse_utc_text(row["status_since"]) == NINE - timedelta(minutes=4)

    def test_the_same_service_added_again_raises_its_quantity(
        self, booked: tuple[Appointment, list[Any]], stamp: Stamp
    ) -> None:
        appointment, events = booked
        appointment.add_service_line(appointment.service_lines[0], stamp)
        events += appointment.collect_events()

        row = fold_all(BoardProjection(UTC_ZONE), events)

        assert row["total_cents"] == 2 * 2500
        assert row["services"] == '["Haircut"]'

    def test_an_event_of_an_appointment_it_never_saw_booked_cannot_be_folded(
        self, booked: tuple[Appointment, list[Any]], stamp: Stamp
    ) -> None:
        appointment, _ = booked
        (moved,) = moves(appointment, stamp, (st.CHECKED_IN, NINE))

        with pytest.raises(UnprocessableEventError, match="board cannot process"):
            BoardProjection(UTC_ZONE).fold(None, moved)


class TestStatsFold:
    def test_leaving_a_timed_status_adds_one_finished_stay(
        self, booked: tuple[Appointment, list[Any]], stamp: Stamp
    ) -> None:
        appointment, events = booked
        events += moves(
            appointment,
            stamp,
            (st.CHECKED_IN, NINE),
            (st.IN_PROGRESS, NINE + timedelta(minutes=12, microseconds=5)),
        )

        row = fold_all(StatsProjection(UTC_ZONE), events)

        assert (row["stays_checked_in"], row["stay_us_checked_in"]) == (1, 12 * 60_000_000 + 5)
        assert (row["stays_in_progress"], row["stay_us_in_progress"]) == (0, 0)

    def test_leaving_an_untimed_status_adds_no_stay(
        self, booked: tuple[Appointment, list[Any]], stamp: Stamp
    ) -> None:
        appointment, events = booked
        events += moves(appointment, stamp, (st.CANCELLED, NINE), (st.SCHEDULED, NINE))

        row = fold_all(StatsProjection(UTC_ZONE), events)

        assert all(row[f"stays_{status}"] == 0 for status in st.TIMED)

    @pytest.mark.parametrize(
        ("status", "booked_revenue", "completed_revenue"),
        [
            (st.SCHEDULED, 2500, 0),
            (st.READY, 2500, 0),
            (st.COMPLETED, 2500, 2500),
            (st.CANCELLED, 0, 0),
            (st.NO_SHOW, 0, 0),
        ],
    )
    def test_what_an_appointment_adds_to_its_day(
        self, status: str, booked_revenue: int, completed_revenue: int
    ) -> None:
        row = {"status": status, "total_cents": 2500, "stay_us_ready": 7, "stays_ready": 1}
        row.update(
            {c: 0 for s in st.TIMED if s != st.READY for c in (f"stay_us_{s}", f"stays_{s}")}
        )

        counts = contribution(row)

        assert (counts["total"], counts[f"n_{status}"]) == (1, 1)
        assert counts["booked_revenue_cents"] == booked_revenue
        assert counts["completed_revenue_cents"] == completed_revenue
        assert (counts["stay_us_ready"], counts["stays_ready"]) == (7, 1)


class TestServicesFold:
    @pytest.fixture
    def added(self, stamp: Stamp) -> Service:
        """A catalog service as added, its events still to collect."""
        fields = HAIRCUT | {"code": "CUT-2", "name": "Ärzte Cut", "category": "HAIR"}
        return Service.add(**fields, stamp=stamp)

    def test_search_keys_are_case_folded_copies(self, added: Service) -> None:
        row = fold_all(ServicesProjection(UTC_ZONE), list(added.collect_events()))

        assert (row["code_key"], row["name_key"], row["category_key"]) == (
            "cut-2",
            "ärzte cut",
            "hair",
        )

    def test_retiring_and_updating_change_the_row_and_its_version(
        self, added: Service, stamp: Stamp
    ) -> None:
        added.update({"name": "Trim", "price_cents": 900}, stamp)
        added.set_active(False, stamp)

        row = fold_all(ServicesProjection(UTC_ZONE), list(added.collect_events()))

        assert (row["name"], row["name_key"], row["price_cents"]) == ("Trim", "trim", 900)
        assert (row["active"], row["version"]) == (0, 3)


class TestStoredTimes:
    def test_times_are_stored_as_utc_text_that_sorts_as_time(self) -> None:
        berlin_morning = datetime(2030, 3, 4, 9, 30, tzinfo=BERLIN)  # 08:30 UTC
        utc_morning = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)

        texts = [utc_text(berlin_morning), utc_text(utc_morning)]

        assert texts[0] == "2030-03-04T08:30:00.000000+00:00"
        assert sorted(texts) == [texts[0], texts[1]]
        assert [parse_utc_text(text) for text in texts] == [berlin_morning, utc_morning]


class UnusedStore(SqlStore):
    """A store that fails the test if anything reaches it."""

    dialect = "sqlite"

    @contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[Cursor]:
        raise AssertionError("the store was used")
        yield  # makes this a generator, as the context manager needs

    @contextmanager
    def reads(self) -> Iterator[Cursor]:
        raise AssertionError("the store was used")
        yield

    def close(self) -> None:
        pass


class TestServiceCursor:
    @pytest.mark.parametrize(
        "cursor",
        ["not a cursor", "%%%", "bm90IGpzb24", "WzEsMl0", "WyJvbmx5Il0", "bnVsbA", "__4"],
    )
    def test_a_cursor_not_issued_here_is_refused_before_any_query(self, cursor: str) -> None:
        read_side = ReadSide(UnusedStore(), "memory://")

        with pytest.raises(InvalidCursorError):
            read_side.services(cursor=cursor)
