"""Support's tools: the activity trail and read-model verification, on every store."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from uuid import UUID

import pytest
from click.testing import CliRunner, Result
from flask.cli import ScriptInfo

from adapters.app import create_app
from domain import status as st
from domain.stamp import Stamp
from projections.activity import ActivityFilter
from projections.paging import InvalidCursorError
from projections.verify import verify_all, verify_appointments
from tests.integration.test_projection_harness import BOOKED_AT, NINE, ReadModel, minutes


def day_of_moves(model: ReadModel) -> list[UUID]:
    """Three appointments at two locations, moved through part of the day."""
    first = model.book("Ada", location="north")
    second = model.book("Bo", location="south", starts_at=NINE + minutes(30))
    third = model.book("Cy", location="north", starts_at=NINE + minutes(60))
    model.walk(first, (st.CHECKED_IN, NINE), (st.IN_PROGRESS, NINE + minutes(5)))
    model.walk(second, (st.CANCELLED, NINE + minutes(10)))
    model.walk(third, (st.NO_SHOW, NINE + minutes(90)))
    model.catch_up()
    return [first, second, third]


def all_activity(model: ReadModel, filters: ActivityFilter, limit: int) -> list[tuple[str, int]]:
    seen, cursor = [], None
    while True:
        page = model.read_side.activity(filters, limit=limit, cursor=cursor)
        seen += [(str(item.appointment_id), item.version) for item in page.items]
        if page.next_cursor is None:
            return seen
        cursor = page.next_cursor


class TestActivity:
    def test_every_event_is_listed_once_in_time_order_across_pages(self, model: ReadModel):
        ids = day_of_moves(model)

        listed = all_activity(model, ActivityFilter(), limit=2)

        # Bookings made at the same moment are listed by appointment id.
        expected = sorted((str(i), 1) for i in ids) + [
            (str(ids[0]), 2),
            (str(ids[0]), 3),
            (str(ids[1]), 2),
            (str(ids[2]), 2),
        ]
        assert listed == expected

    def test_filters_by_location_type_and_time(self, model: ReadModel):
        first, second, third = day_of_moves(model)

        north_moves = all_activity(model, ActivityFilter(location="north", type="Moved"), limit=1)
        after_nine = all_activity(model, ActivityFilter(since=NINE + minutes(1)), limit=10)
        before_nine = all_activity(model, ActivityFilter(until=NINE), limit=10)

        assert north_moves == [(str(first), 2), (str(first), 3), (str(third), 2)]
        assert after_nine == [(str(first), 3), (str(second), 2), (str(third), 2)]
        assert before_nine == sorted((str(i), 1) for i in (first, second, third))

    def test_filters_by_actor(self, model: ReadModel):
        ident = model.book("Ada")
        model.app.edit_appointment(
            ident, expected_version=1, notes="late", stamp=Stamp("sam", "r-1")
        )
        model.catch_up()

        by_sam = model.read_side.activity(ActivityFilter(actor="sam")).items

        assert [(item.type, item.actor, item.request_id) for item in by_sam] == [
            ("NotesEdited", "sam", "r-1")
        ]

    def test_moves_carry_their_from_and_to_status(self, model: ReadModel):
        first, *_ = day_of_moves(model)

        moves = model.read_side.activity(ActivityFilter(type="Moved"), limit=1).items

        assert [(m.appointment_id, m.from_status, m.to_status) for m in moves] == [
            (first, st.SCHEDULED, st.CHECKED_IN)
        ]

    def test_a_cursor_it_did_not_issue_is_refused(self, model: ReadModel):
        with pytest.raises(InvalidCursorError):
            model.read_side.activity(ActivityFilter(), cursor="bm90LWEtY3Vyc29y")


class TestVerify:
    def test_a_consistent_store_has_no_drift(self, model: ReadModel):
        day_of_moves(model)

        report = verify_all(model.app, model.store, model.projections.values())

        assert report.drifts == []
        assert report.position == model.app.head_position()

    def test_a_board_row_changed_behind_its_back_is_reported_exactly(self, model: ReadModel):
        first, *_ = day_of_moves(model)
        with model.store.transaction() as cursor:
            cursor.execute(
                "UPDATE board_g1 SET customer_name = 'Mallory' WHERE id = ?", (str(first),)
            )

        drifts = verify_all(model.app, model.store, model.projections.values()).drifts

        assert [(d.projection, d.table, d.key, d.kind) for d in drifts] == [
            ("board", "board", (str(first),), "different")
        ]
        assert "customer_name stored 'Mallory', events say 'Ada'" in drifts[0].describe()

    def test_a_deleted_row_is_reported_missing(self, model: ReadModel):
        _, second, _ = day_of_moves(model)
        with model.store.transaction() as cursor:
            cursor.execute("DELETE FROM board_g1 WHERE id = ?", (str(second),))
            cursor.execute("DELETE FROM activity_g1 WHERE appointment_id = ?", (str(second),))

        drifts = verify_all(model.app, model.store, model.projections.values()).drifts

        assert sorted((d.table, d.kind) for d in drifts) == [
            ("activity", "missing"),
            ("activity", "missing"),
            ("board", "missing"),
        ]

    def test_a_day_total_changed_behind_its_back_is_reported(self, model: ReadModel):
        day_of_moves(model)
        with model.store.transaction() as cursor:
            cursor.execute("UPDATE stats_g1 SET n_cancelled = 5 WHERE location_id = 'south'")

        drifts = verify_all(model.app, model.store, model.projections.values()).drifts

        assert [(d.table, d.kind) for d in drifts] == [("stats", "different")]

    def test_one_appointment_can_be_checked_on_its_own(self, model: ReadModel):
        first, second, _ = day_of_moves(model)
        with model.store.transaction() as cursor:
            cursor.execute("UPDATE board_g1 SET status = 'ready' WHERE id = ?", (str(first),))

        clean = verify_appointments(model.app, model.store, model.projections.values(), [second])
        dirty = verify_appointments(model.app, model.store, model.projections.values(), [first])

        assert clean.drifts == []
        assert [(d.key, d.kind) for d in dirty.drifts] == [((str(first),), "different")]

    def test_a_lagging_projection_is_compared_at_its_own_position(self, model: ReadModel):
        first, *_ = day_of_moves(model)
        model.move(first, st.READY, NINE + minutes(50))  # not caught up on purpose

        report = verify_all(model.app, model.store, model.projections.values())

        assert report.drifts == []


@pytest.fixture
def moved_on_sqlite(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[ReadModel, UUID]]:
    """A day of moves on SQLite, the store DATABASE_URL names for the commands, and its first
    appointment."""
    model = ReadModel(sqlite_url)
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    first, *_ = day_of_moves(model)
    yield model, first
    model.close()


def audit_command(*args: str) -> Result:
    """Runs ``statusboard audit`` with ``args`` in process."""
    from adapters.commands.audit import audit

    return CliRunner().invoke(audit, obj=ScriptInfo(create_app=create_app), args=list(args))


class TestVerifyCommand:
    def test_exit_status_says_whether_there_is_drift(
        self, moved_on_sqlite: tuple[ReadModel, UUID]
    ) -> None:
        model, first = moved_on_sqlite
        clean = audit_command("verify", "--all")
        with model.store.transaction() as cursor:
            cursor.execute("UPDATE board_g1 SET version = 99 WHERE id = ?", (str(first),))
        dirty = audit_command("verify", "--all")
        one = audit_command("verify", str(first))

        assert clean.exit_code == 0, clean.output
        assert "no drift" in clean.output
        assert dirty.exit_code == 1
        assert f"board/board {first}: version stored 99, events say 3" in dirty.output
        assert one.exit_code == 1


class TestHistoryCommands:
    def test_history_and_replay_tell_the_same_story(
        self, moved_on_sqlite: tuple[ReadModel, UUID]
    ) -> None:
        _, first = moved_on_sqlite
        history = audit_command("history", str(first), "--json")
        at_two = audit_command("replay", str(first), "--version", "2", "--diff-to-now")
        between = audit_command("replay", str(first), "--at", (NINE + minutes(2)).isoformat())
        day_before = (BOOKED_AT - timedelta(days=1)).isoformat()
        before = audit_command("replay", str(first), "--at", day_before)
        table = audit_command("history", str(first))

        items = json.loads(history.output)["items"]
        assert [(i["version"], i["type"], i["actor"]) for i in items] == [
            (1, "Booked", "front-desk"),
            (2, "Moved", "front-desk"),
            (3, "Moved", "front-desk"),
        ]
        assert items[2]["changes"] == {"status": ["checked_in", "in_progress"]}
        replayed = json.loads(at_two.output)
        assert replayed["appointment"]["status"] == st.CHECKED_IN
        assert replayed["changed_since"]["changes"]["status"] == [st.CHECKED_IN, st.IN_PROGRESS]
        assert json.loads(between.output)["appointment"]["version"] == 2
        assert before.exit_code != 0
        assert "req-desk" in table.output
