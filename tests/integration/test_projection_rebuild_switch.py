"""Rebuilding a projection into a new generation while the live one serves (SPEC §5)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from eventsourcing.persistence import IntegrityError

from domain import status as st
from projections.follower import Follower
from projections.rebuild import Rebuild
from tests.integration.test_projection_harness import DAY, LOCATION, NINE, ReadModel, minutes

NAMES = ["Ada", "Bea", "Cy", "Di", "Eve", "Fay"]


@pytest.fixture
def model(database_url: str) -> Iterator[ReadModel]:
    """A day of six bookings, two of them under way, with every projection caught up."""
    model = ReadModel(database_url)
    idents = [model.book(name, starts_at=NINE + minutes(15 * n)) for n, name in enumerate(NAMES)]
    model.walk(idents[0], (st.CHECKED_IN, NINE), (st.IN_PROGRESS, NINE + minutes(5)))
    model.walk(idents[1], (st.CANCELLED, NINE))
    model.catch_up()
    yield model
    model.close()


def corrupt_live_board(model: ReadModel) -> None:
    with model.store.transaction() as cursor:
        cursor.execute("UPDATE board_g1 SET customer_name = 'X'")


def customer_names(model: ReadModel) -> list[str]:
    return sorted(card.customer_name for card in model.read_side.board(LOCATION, DAY).cards)


class TestRebuild:
    def test_an_unchanged_projection_rebuilds_without_differences(self, model: ReadModel) -> None:
        before = {name: model.rows(name) for name in model.projections}

        for name in model.projections:
            report = model.rebuild(name)

            assert report.counts() == (0, 0, 0)
            assert (report.switched, report.previous_generation, report.generation) == (True, 1, 2)
            assert report.position == model.app.head_position()
            assert model.live_generation(name) == 2
            assert model.rows(name) == before[name]

    def test_progress_reports_every_event_of_the_new_generation(self, model: ReadModel) -> None:
        seen: list[int] = []

        report = Rebuild(model.app, model.store, model.projections["board"], 3).run(
            progress=seen.append
        )

        assert sum(seen) == report.events == model.app.head_position()
        assert report.rate > 0

    def test_rows_missing_or_extra_in_the_live_generation_are_reported(
        self, model: ReadModel
    ) -> None:
        with model.store.transaction() as cursor:
            cursor.execute("DELETE FROM stats_g1")
            cursor.execute(
                "INSERT INTO stats_appointments_g1 SELECT 'ghost', location_id, day, status,"
                " total_cents, status_since, lines, stay_us_checked_in, stays_checked_in,"
                " stay_us_in_progress, stays_in_progress, stay_us_ready, stays_ready, version"
                " FROM stats_appointments_g1 LIMIT 1"
            )

        report = model.rebuild("stats")

        assert report.counts() == (1, 0, 1)
        assert model.stats().total == len(NAMES)

    def test_a_projection_stopped_on_an_event_is_cleared_by_its_rebuild(
        self, model: ReadModel
    ) -> None:
        with model.store.transaction() as cursor:
            cursor.execute(
                "UPDATE projection_state SET stopped_reason = 'broken', stopped_position = 3"
            )

        model.rebuild("board")

        assert model.store.fetchone(
            "SELECT stopped_reason, stopped_position FROM projection_state WHERE projection = ?",
            ("board",),
        ) == (None, None)


class TestDryRun:
    def test_a_dry_run_reports_a_corrupted_row_and_leaves_it_live(self, model: ReadModel) -> None:
        corrupt_live_board(model)

        report = model.rebuild("board", dry_run=True)

        assert report.counts() == (0, len(NAMES), 0)
        assert not report.switched
        assert model.live_generation("board") == 1
        assert customer_names(model) == ["X"] * len(NAMES)
        assert model.store.fetchone(
            "SELECT building_generation FROM projection_state WHERE projection = 'board'"
        ) == (None,)

    def test_the_real_run_then_switches_to_correct_rows(self, model: ReadModel) -> None:
        corrupt_live_board(model)
        model.rebuild("board", dry_run=True)

        report = model.rebuild("board")

        assert report.counts() == (0, len(NAMES), 0)
        (table,) = report.diffs
        assert sorted(new[6] for old, new in table.changed if old[6] == "X") == NAMES
        assert report.switched and model.live_generation("board") == report.generation
        assert customer_names(model) == NAMES


class TestZeroDowntime:
    def test_reads_during_a_rebuild_come_from_the_live_generation(self, model: ReadModel) -> None:
        corrupt_live_board(model)
        during: list[list[str]] = []

        def read_and_book(_done: int) -> None:
            during.append(customer_names(model))
            if len(during) == 1:
                model.book("Zed", starts_at=NINE + minutes(300))

        Rebuild(model.app, model.store, model.projections["board"], 2).run(progress=read_and_book)

        assert len(during) > 2
        assert all(set(names) == {"X"} for names in during)
        assert customer_names(model) == [*NAMES, "Zed"]

    def test_the_switch_is_atomic_for_concurrent_readers(self, model: ReadModel) -> None:
        corrupt_live_board(model)
        done = threading.Event()
        reads: list[list[str]] = []

        def read_until_done() -> None:
            while not done.is_set():
                reads.append(customer_names(model))

        def let_the_reader_read(_done: int) -> None:
            seen = len(reads)
            deadline = time.monotonic() + 5
            while len(reads) == seen and time.monotonic() < deadline:
                time.sleep(0.001)

        reader = threading.Thread(target=read_until_done)
        reader.start()
        try:
            Rebuild(model.app, model.store, model.projections["board"], 1).run(
                progress=let_the_reader_read
            )
        finally:
            done.set()
            reader.join(10)
        reads.append(customer_names(model))

        assert reads.count(["X"] * len(NAMES)) >= model.app.head_position() - 3
        assert all(names in (["X"] * len(NAMES), NAMES) for names in reads)
        assert reads[-1] == NAMES

    def test_a_follower_holding_the_old_generation_cannot_write_to_it(
        self, model: ReadModel
    ) -> None:
        follower = Follower(model.app, model.store, model.projections["board"])
        stale_view = follower.view()
        model.rebuild("board")
        position = model.app.head_position()
        model.book("Zed")

        with pytest.raises(IntegrityError):
            stale_view.process([], model.app.name, position, position + 1)
        assert follower.catch_up() == 1
        assert model.read_side.position("board") == position + 1


class TestResume:
    def test_an_interrupted_rebuild_resumes_the_generation_it_was_building(
        self, model: ReadModel
    ) -> None:
        projection = model.projections["stats"]
        generation, start, head = Rebuild(model.app, model.store, projection).prepare()
        partial = Follower(model.app, model.store, projection, generation, 4).step()
        assert (generation, start) == (2, 0)
        assert 0 < partial < head
        assert model.live_generation("stats") == 1

        report = model.rebuild("stats")

        assert report.generation == generation
        assert report.events == head - partial
        assert report.counts() == (0, 0, 0)
        assert model.live_generation("stats") == generation

    def test_a_second_prepare_picks_up_the_same_generation(self, model: ReadModel) -> None:
        rebuild = Rebuild(model.app, model.store, model.projections["board"])

        first, _, _ = rebuild.prepare()
        second, _, _ = rebuild.prepare()

        assert first == second == 2

    def test_the_next_rebuild_after_a_switch_starts_a_new_generation(
        self, model: ReadModel
    ) -> None:
        model.rebuild("board")

        report = model.rebuild("board")

        assert (report.previous_generation, report.generation) == (2, 3)
        assert report.counts() == (0, 0, 0)
        generations = model.store.fetchall(
            "SELECT DISTINCT generation FROM projection_tracking WHERE projection = 'board'"
        )
        assert sorted(generations) == [(2,), (3,)]  # the one before the live one is kept
