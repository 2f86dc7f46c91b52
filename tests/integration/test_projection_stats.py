"""The stats projection: the day's numbers per location, kept as running sums (SPEC §5)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain import status as st
from domain.service import service_id_for
from tests.integration.counting_store import CountingStore
from tests.integration.test_projection_harness import (
    ADMIN,
    DAY,
    DESK,
    NINE,
    ReadModel,
    minutes,
)

TOMORROW = DAY + timedelta(days=1)
DONE = (
    (st.CHECKED_IN, NINE - minutes(10)),
    (st.IN_PROGRESS, NINE),
    (st.READY, NINE + minutes(30)),
    (st.COMPLETED, NINE + minutes(40)),
)


class TestCounts:
    def test_a_day_without_appointments_has_zeros_and_nulls(self, model: ReadModel) -> None:
        stats = model.stats()

        assert stats.total == 0
        assert stats.by_status == dict.fromkeys(st.STATUSES, 0)
        assert (stats.booked_revenue_cents, stats.completed_revenue_cents) == (0, 0)
        assert (stats.completion_rate, stats.no_show_rate) == (None, None)
        assert stats.avg_minutes_in_status == dict.fromkeys(st.TIMED, None)

    def test_every_status_is_counted_in_its_own_column(self, model: ReadModel) -> None:
        model.book("Ada")
        model.walk(model.book("Bea"), (st.CHECKED_IN, NINE))
        model.walk(model.book("Cy"), (st.CANCELLED, NINE))
        model.walk(model.book("Di"), *DONE)

        stats = model.stats()

        assert stats.total == 4
        assert stats.by_status == {
            **dict.fromkeys(st.STATUSES, 0),
            st.SCHEDULED: 1,
            st.CHECKED_IN: 1,
            st.CANCELLED: 1,
            st.COMPLETED: 1,
        }
        assert stats.position == model.app.head_position()


class TestRevenue:
    def test_cancelled_and_no_show_appointments_are_not_booked_revenue(
        self, model: ReadModel
    ) -> None:
        model.book("Ada", services=[("CUT", 1)])
        model.walk(model.book("Bea", services=[("CUT", 1), ("WASH", 1)]), (st.CANCELLED, NINE))
        model.walk(model.book("Cy", services=[("NAILS", 1)]), (st.NO_SHOW, NINE + minutes(20)))
        model.walk(model.book("Di", services=[("WASH", 1)]), *DONE)

        stats = model.stats()

        assert stats.booked_revenue_cents == 2500 + 800
        assert stats.completed_revenue_cents == 800

    def test_a_reopened_appointment_counts_its_completed_revenue_once(
        self, model: ReadModel
    ) -> None:
        ident = model.book("Ada")
        model.walk(ident, *DONE, (st.READY, NINE + minutes(50)))
        assert model.stats().completed_revenue_cents == 0

        model.walk(ident, (st.COMPLETED, NINE + minutes(55)))
        stats = model.stats()

        assert stats.completed_revenue_cents == 2500
        assert stats.booked_revenue_cents == 2500
        assert (stats.total, stats.by_status[st.COMPLETED], stats.by_status[st.READY]) == (1, 1, 0)
        assert stats.avg_minutes_in_status[st.READY] == pytest.approx((10 + 5) / 2)

    def test_adding_and_removing_service_lines_changes_total_and_revenue(
        self, model: ReadModel
    ) -> None:
        ident = model.book("Ada")
        model.app.add_service_line(ident, "WASH", 2, expected_version=1, stamp=DESK)
        model.app.add_service_line(ident, "CUT", 1, expected_version=2, stamp=DESK)
        assert model.board().cards[0].total_cents == 2 * 2500 + 2 * 800
        assert model.stats().booked_revenue_cents == 2 * 2500 + 2 * 800

        model.app.remove_service_line(
            ident, str(service_id_for("WASH")), expected_version=3, stamp=DESK
        )
        model.walk(ident, *DONE)

        (card,) = model.board().cards
        assert (card.services, card.total_cents) == (["Haircut"], 2 * 2500)
        stats = model.stats()
        assert (stats.booked_revenue_cents, stats.completed_revenue_cents) == (5000, 5000)

    def test_a_price_change_after_booking_leaves_booked_lines_alone(self, model: ReadModel) -> None:
        model.book("Ada")
        model.app.update_service(
            service_id_for("CUT"),
            {"price_cents": 4000, "name": "Premium cut"},
            expected_version=1,
            stamp=ADMIN,
        )
        model.book("Bea")

        cards = model.board().cards

        assert [(c.customer_name, c.services, c.total_cents) for c in cards] == [
            ("Ada", ["Haircut"], 2500),
            ("Bea", ["Premium cut"], 4000),
        ]
        assert model.stats().booked_revenue_cents == 6500


class TestRates:
    def test_rates_leave_cancelled_appointments_out_of_the_divisor(self, model: ReadModel) -> None:
        model.walk(model.book("Ada"), *DONE)
        model.walk(model.book("Bea"), *DONE)
        model.walk(model.book("Cy"), (st.NO_SHOW, NINE + minutes(20)))
        model.walk(model.book("Di"), (st.CANCELLED, NINE))
        model.book("Eve")

        stats = model.stats()

        assert stats.completion_rate == pytest.approx(2 / 4)
        assert stats.no_show_rate == pytest.approx(1 / 4)

    def test_rates_are_null_when_every_appointment_is_cancelled(self, model: ReadModel) -> None:
        model.walk(model.book("Ada"), (st.CANCELLED, NINE))

        stats = model.stats()

        assert (stats.total, stats.completion_rate, stats.no_show_rate) == (1, None, None)

    def test_rates_are_zero_not_null_when_nothing_finished_yet(self, model: ReadModel) -> None:
        model.book("Ada")

        assert (model.stats().completion_rate, model.stats().no_show_rate) == (0.0, 0.0)


class TestTimeInStatus:
    def test_averages_are_the_mean_of_finished_stays(self, model: ReadModel) -> None:
        model.walk(model.book("Ada"), *DONE)  # checked in 10, in progress 30, ready 10
        model.walk(
            model.book("Bea"),
            (st.CHECKED_IN, NINE - minutes(5)),
            (st.SCHEDULED, NINE - minutes(2)),  # an undo ends a 3 minute stay
            (st.CHECKED_IN, NINE - minutes(1)),
            (st.IN_PROGRESS, NINE + minutes(7.5)),  # 8.5 minutes, and still in progress
        )

        averages = model.stats().avg_minutes_in_status

        assert averages[st.CHECKED_IN] == pytest.approx((10 + 3 + 8.5) / 3)
        assert averages[st.IN_PROGRESS] == pytest.approx(30)
        assert averages[st.READY] == pytest.approx(10)

    def test_a_stay_that_has_not_ended_counts_for_nothing(self, model: ReadModel) -> None:
        model.walk(model.book("Ada"), (st.CHECKED_IN, NINE))

        assert model.stats().avg_minutes_in_status == dict.fromkeys(st.TIMED, None)

    def test_a_cancelled_stay_still_ends_the_stay(self, model: ReadModel) -> None:
        model.walk(
            model.book("Ada"),
            (st.CHECKED_IN, NINE),
            (st.IN_PROGRESS, NINE + minutes(4)),
            (st.CANCELLED, NINE + minutes(6)),
        )

        averages = model.stats().avg_minutes_in_status

        assert (averages[st.CHECKED_IN], averages[st.IN_PROGRESS]) == (4.0, 2.0)


class TestReschedule:
    def test_a_rescheduled_card_takes_its_numbers_and_stays_to_the_other_day(
        self, model: ReadModel
    ) -> None:
        staying = model.book("Ada", services=[("WASH", 1)])
        model.walk(staying, (st.CHECKED_IN, NINE - minutes(10)), (st.IN_PROGRESS, NINE))
        moving = model.book("Bea")
        model.walk(moving, (st.CHECKED_IN, NINE - minutes(20)), (st.IN_PROGRESS, NINE))

        model.edit(moving, NINE + minutes(1), starts_at=NINE + timedelta(days=1))

        today, tomorrow = model.stats(), model.stats(TOMORROW)
        assert (today.total, today.booked_revenue_cents) == (1, 800)
        assert today.avg_minutes_in_status[st.CHECKED_IN] == pytest.approx(10)
        assert (tomorrow.total, tomorrow.by_status[st.IN_PROGRESS]) == (1, 1)
        assert tomorrow.booked_revenue_cents == 2500
        assert tomorrow.avg_minutes_in_status[st.CHECKED_IN] == pytest.approx(20)

    def test_the_day_left_empty_reads_as_a_day_without_appointments(self, model: ReadModel) -> None:
        ident = model.book("Ada")
        model.walk(ident, (st.CHECKED_IN, NINE - minutes(10)), (st.IN_PROGRESS, NINE))
        model.edit(ident, NINE + minutes(1), starts_at=NINE + timedelta(days=1))

        stats = model.stats()

        assert (stats.total, stats.booked_revenue_cents) == (0, 0)
        assert stats.by_status == dict.fromkeys(st.STATUSES, 0)
        assert stats.avg_minutes_in_status == dict.fromkeys(st.TIMED, None)


class TestTablesOfAnOlderShape:
    """A new status adds a counter column; generations built before it lack that column."""

    def test_status_names_the_rebuild_a_missing_column_needs_until_it_is_done(
        self, model: ReadModel
    ) -> None:
        model.book("Ada")
        model.catch_up()
        generation = model.live_generation("stats")
        with model.store.transaction() as cursor:
            cursor.execute(f"ALTER TABLE stats_g{generation} DROP COLUMN n_{st.READY}")

        (before,) = [s for s in model.read_side.status(model.app) if s.name == "stats"]
        model.rebuild("stats")
        (after,) = [s for s in model.read_side.status(model.app) if s.name == "stats"]

        assert before.reason is not None and not before.running
        assert f"stats_g{generation}.n_{st.READY}" in before.reason
        assert "statusboard projections rebuild stats" in before.reason
        assert after.reason is None or "rebuild" not in after.reason
        assert model.stats().total == 1

    def test_a_generation_found_to_fit_is_not_checked_again(self, model: ReadModel) -> None:
        model.book("Ada")
        model.catch_up()
        side = model.read_side
        first = side.status(model.app)
        side.store = counting = CountingStore(side.store)

        again = side.status(model.app)

        assert [s.reason for s in again] == [s.reason for s in first]
        assert not [sql for sql in counting.statements if "WHERE 1 = 0" in sql]
