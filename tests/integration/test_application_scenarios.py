"""The status board's use cases, each run on every store: in memory, SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest

from application.errors import (
    ConflictError,
    DuplicateServiceError,
    IdempotencyKeyReusedError,
    NotFoundError,
    VersionAheadError,
)
from application.history import replay
from application.statusboard import Outcome, StatusBoard
from domain.appointment import Appointment
from domain.errors import FieldError, InvalidTransitionError
from domain.service import service_id_for
from domain.stamp import Stamp
from storage.eventstore import store_env
from tests.support import HAIRCUT, add_haircut

NINE = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)
ADMIN = Stamp(actor="admin", request_id="req-admin")
ANN = Stamp(actor="ann", request_id="req-ann")
BOB = Stamp(actor="bob", request_id="req-bob")
CUT_ID, WASH_ID = service_id_for("CUT"), service_id_for("WASH")
BOOKING: dict[str, Any] = {
    "location_id": "main-street",
    "starts_at": NINE,
    "customer": {"name": "Ada Lovelace"},
    "services": [{"code": "CUT"}],
}


def stock(board: StatusBoard) -> None:
    add_haircut(board, ADMIN)
    board.add_service(
        code="WASH", name="Wash", category="hair", price_cents=800, duration_minutes=15, stamp=ADMIN
    )


@pytest.fixture
def board(database_url: str) -> Iterator[StatusBoard]:
    """A status board on each store, with haircuts and washes in its catalog."""
    app = StatusBoard(store_env(database_url))
    stock(app)
    yield app
    app.close()


def book(board: StatusBoard, stamp: Stamp = ANN, **fields: object) -> Appointment:
    return board.book_appointment(**{**BOOKING, **fields}, stamp=stamp).aggregate


def keyed(stamp: Stamp, key: str, request_id: str | None = None) -> Stamp:
    return Stamp(stamp.actor, request_id or stamp.request_id, key)


def head(board: StatusBoard) -> int:
    return board.recorder.max_notification_id() or 0


def appends_nothing(board: StatusBoard, command: Callable[[], object]) -> Any:
    """Runs ``command`` (which may raise) and checks that the event log did not grow."""
    before = head(board)
    try:
        return command()
    finally:
        assert head(board) == before


def count_booked(board: StatusBoard) -> int:
    notifications = board.recorder.select_notifications(start=1, limit=1000)
    return sum(n.topic.endswith("Appointment.Booked") for n in notifications)


class TestBookAppointment:
    def test_new_appointment_is_scheduled_at_version_one(self, board: StatusBoard) -> None:
        outcome = board.book_appointment(**BOOKING, stamp=ANN)

        assert outcome.applied is True
        assert (outcome.aggregate.status, outcome.version) == ("scheduled", 1)
        assert outcome.position == head(board)
        assert board.get_appointment(outcome.aggregate.id).state() == outcome.aggregate.state()

    def test_ends_at_defaults_to_start_plus_total_service_duration(
        self, board: StatusBoard
    ) -> None:
        services = [{"code": "CUT", "quantity": 2}, {"code": "WASH"}]

        appointment = book(board, services=services)

        assert appointment.ends_at == NINE + timedelta(minutes=2 * 30 + 15)

    def test_given_ends_at_is_kept(self, board: StatusBoard) -> None:
        appointment = book(board, ends_at=NINE + timedelta(hours=2))

        assert appointment.ends_at == NINE + timedelta(hours=2)

    def test_lines_copy_name_and_price_at_booking_time(self, board: StatusBoard) -> None:
        appointment = book(board, services=[{"code": "CUT"}, {"code": "WASH", "quantity": 3}])
        board.update_service(
            CUT_ID, {"price_cents": 9900, "name": "Deluxe cut"}, expected_version=1, stamp=ADMIN
        )

        lines = board.get_appointment(appointment.id).service_lines

        assert [(x["code"], x["name"], x["unit_price_cents"]) for x in lines] == [
            ("CUT", "Haircut", 2500),
            ("WASH", "Wash", 800),
        ]
        assert board.get_appointment(appointment.id).total_cents == 2500 + 3 * 800

    @pytest.mark.parametrize(
        ("services", "field"),
        [
            ([{"code": "NOPE"}], "services.0.code"),
            ([{"code": "CUT"}, {"code": "NOPE"}], "services.1.code"),
            ([{"code": "cut"}], "services.0.code"),
            (["CUT"], "services.0"),
            ([], "services"),
        ],
    )
    def test_unknown_service_is_refused_naming_the_line(
        self, board: StatusBoard, services: list[object], field: str
    ) -> None:
        with pytest.raises(FieldError) as refused:
            appends_nothing(board, lambda: book(board, services=services))

        assert refused.value.field == field

    def test_retired_service_is_refused(self, board: StatusBoard) -> None:
        board.retire_service(WASH_ID, stamp=ADMIN)

        with pytest.raises(FieldError) as refused:
            appends_nothing(board, lambda: book(board, services=[{"code": "WASH"}]))

        assert refused.value.field == "services.0.code"
        assert "retired" in refused.value.message

    @pytest.mark.parametrize("key", [None, "book-1"], ids=["unkeyed", "keyed"])
    def test_text_that_cannot_be_stored_is_refused(
        self, board: StatusBoard, key: str | None
    ) -> None:
        stamp = Stamp(ANN.actor, ANN.request_id, key)

        with pytest.raises(FieldError) as refused:
            appends_nothing(board, lambda: book(board, stamp, notes="half a pair \ud83d"))

        assert refused.value.field == "notes"

    def test_any_unicode_text_is_stored_as_given(self, board: StatusBoard) -> None:
        notes = "Zoë prefers 北京 tea 🍵\nno lavender"
        appointment = book(board, customer={"name": "Zoë Ōkubo"}, notes=notes)

        stored: Appointment = board.repository.get(appointment.id, version=1)

        assert (stored.customer["name"], stored.notes) == ("Zoë Ōkubo", notes)

    def test_a_start_with_no_room_left_in_the_calendar_is_refused(self, board: StatusBoard) -> None:
        last_minutes = datetime(9999, 12, 31, 23, 50, tzinfo=UTC)

        with pytest.raises(FieldError) as refused:
            appends_nothing(board, lambda: book(board, starts_at=last_minutes))

        assert refused.value.field == "ends_at"

    def test_bad_booking_writes_nothing(self, board: StatusBoard) -> None:
        with pytest.raises(FieldError) as refused:
            appends_nothing(board, lambda: book(board, location_id="Main Street"))

        assert refused.value.field == "location_id"


class TestMoveAppointment:
    def test_move_from_the_current_version_applies(self, board: StatusBoard) -> None:
        appointment = book(board)

        outcome = board.move_appointment(
            appointment.id, "checked_in", expected_version=1, stamp=ANN
        )

        assert (outcome.applied, outcome.version, outcome.aggregate.status) == (
            True,
            2,
            "checked_in",
        )
        assert outcome.position == head(board)

    def test_stale_move_after_notes_edit_still_applies(self, board: StatusBoard) -> None:
        appointment = book(board)
        board.edit_appointment(appointment.id, expected_version=1, notes="Prefers Grace", stamp=BOB)

        outcome = board.move_appointment(
            appointment.id, "checked_in", expected_version=1, stamp=ANN
        )

        assert (outcome.applied, outcome.version) == (True, 3)
        assert (outcome.aggregate.status, outcome.aggregate.notes) == (
            "checked_in",
            "Prefers Grace",
        )

    def test_stale_move_is_checked_against_the_current_status(self, board: StatusBoard) -> None:
        appointment = book(board)
        board.edit_appointment(appointment.id, expected_version=1, notes="Prefers Grace", stamp=BOB)

        with pytest.raises(InvalidTransitionError) as refused:
            board.move_appointment(appointment.id, "ready", expected_version=1, stamp=ANN)

        assert refused.value.allowed == ("checked_in", "cancelled", "no_show")

    def test_stale_move_someone_already_made_is_not_applied_again(self, board: StatusBoard) -> None:
        appointment = book(board)
        board.move_appointment(appointment.id, "checked_in", expected_version=1, stamp=BOB)

        outcome = appends_nothing(
            board,
            lambda: board.move_appointment(
                appointment.id, "checked_in", expected_version=1, stamp=ANN
            ),
        )

        assert (outcome.applied, outcome.version, outcome.aggregate.status) == (
            False,
            2,
            "checked_in",
        )

    def test_stale_move_after_a_different_move_names_the_winning_change(
        self, board: StatusBoard
    ) -> None:
        appointment = book(board)
        board.move_appointment(appointment.id, "checked_in", expected_version=1, stamp=BOB)

        with pytest.raises(ConflictError) as conflict:
            appends_nothing(
                board,
                lambda: board.move_appointment(
                    appointment.id, "cancelled", expected_version=1, stamp=ANN
                ),
            )

        assert conflict.value.fields == ("status",)
        assert (conflict.value.current.status, conflict.value.current.version) == ("checked_in", 2)
        winner = conflict.value.conflicting
        assert (winner.actor, winner.request_id, winner.version, winner.type) == (
            "bob",
            "req-bob",
            2,
            "Moved",
        )
        assert winner.changes == {"status": ("scheduled", "checked_in")}
        assert winner.at == board.appointment_history(appointment.id)[1].at

    def test_conflict_names_the_latest_unseen_move(self, board: StatusBoard) -> None:
        appointment = book(board)
        board.move_appointment(appointment.id, "checked_in", expected_version=1, stamp=BOB)
        board.edit_appointment(appointment.id, expected_version=2, notes="in chair 3", stamp=BOB)
        board.move_appointment(appointment.id, "in_progress", expected_version=3, stamp=BOB)

        with pytest.raises(ConflictError) as conflict:
            board.move_appointment(appointment.id, "no_show", expected_version=1, stamp=ANN)

        assert conflict.value.conflicting.version == 4
        assert conflict.value.conflicting.changes == {"status": ("checked_in", "in_progress")}

    def test_status_moved_away_and_back_is_still_a_conflict(self, board: StatusBoard) -> None:
        appointment = book(board)
        board.move_appointment(appointment.id, "checked_in", expected_version=1, stamp=BOB)
        board.move_appointment(appointment.id, "scheduled", expected_version=2, stamp=BOB)

        with pytest.raises(ConflictError) as conflict:
            board.move_appointment(appointment.id, "checked_in", expected_version=1, stamp=ANN)

        assert conflict.value.conflicting.changes == {"status": ("checked_in", "scheduled")}

    def test_move_to_the_current_column_is_a_no_op(self, board: StatusBoard) -> None:
        appointment = book(board)

        outcome = appends_nothing(
            board,
            lambda: board.move_appointment(
                appointment.id, "scheduled", expected_version=1, stamp=ANN
            ),
        )

        assert (outcome.applied, outcome.version) == (False, 1)

    def test_invalid_move_answers_with_the_allowed_targets(self, board: StatusBoard) -> None:
        appointment = book(board)

        with pytest.raises(InvalidTransitionError) as refused:
            appends_nothing(
                board,
                lambda: board.move_appointment(
                    appointment.id, "completed", expected_version=1, stamp=ANN
                ),
            )

        assert refused.value.allowed == ("checked_in", "cancelled", "no_show")

    def test_reopening_needs_a_reason(self, board: StatusBoard) -> None:
        appointment = book(board)
        board.move_appointment(appointment.id, "cancelled", expected_version=1, stamp=ANN)

        with pytest.raises(FieldError) as refused:
            board.move_appointment(appointment.id, "scheduled", expected_version=2, stamp=ANN)
        outcome = board.move_appointment(
            appointment.id, "scheduled", "called back", expected_version=2, stamp=ANN
        )

        assert refused.value.field == "reason"
        assert (outcome.applied, outcome.version) == (True, 3)
        assert board.appointment_history(appointment.id)[-1].reason == "called back"

    def test_expected_version_ahead_is_refused(self, board: StatusBoard) -> None:
        appointment = book(board)

        with pytest.raises(VersionAheadError) as refused:
            board.move_appointment(appointment.id, "checked_in", expected_version=2, stamp=ANN)

        assert (refused.value.expected_version, refused.value.current_version) == (2, 1)

    def test_expected_version_below_one_is_refused(self, board: StatusBoard) -> None:
        appointment = book(board)
        board.edit_appointment(appointment.id, expected_version=1, notes="x", stamp=ANN)

        with pytest.raises(FieldError) as refused:
            board.move_appointment(appointment.id, "checked_in", expected_version=0, stamp=ANN)

        assert refused.value.field == "expected_version"

    def test_unknown_appointment_is_not_found(self, board: StatusBoard) -> None:
        with pytest.raises(NotFoundError):
            board.move_appointment(uuid4(), "checked_in", expected_version=1, stamp=ANN)

    def test_a_service_is_not_an_appointment(self, board: StatusBoard) -> None:
        with pytest.raises(NotFoundError):
            board.move_appointment(CUT_ID, "checked_in", expected_version=1, stamp=ANN)


class TestEditAppointment:
    def test_edit_changes_only_the_fields_sent(self, board: StatusBoard) -> None:
        appointment = book(board, notes="first visit")

        outcome = board.edit_appointment(
            appointment.id, expected_version=1, staff={"id": "s-1", "name": "Grace"}, stamp=ANN
        )

        assert (outcome.applied, outcome.version) == (True, 2)
        assert outcome.aggregate.staff == {"id": "s-1", "name": "Grace"}
        assert outcome.aggregate.notes == "first visit"
        assert outcome.position == head(board)

    def test_stale_edit_of_another_field_merges(self, board: StatusBoard) -> None:
        appointment = book(board)
        board.edit_appointment(appointment.id, expected_version=1, notes="Prefers Grace", stamp=BOB)

        outcome = board.edit_appointment(
            appointment.id, expected_version=1, staff={"id": "s-1", "name": "Grace"}, stamp=ANN
        )

        assert outcome.version == 3
        assert outcome.aggregate.notes == "Prefers Grace"
        assert outcome.aggregate.staff == {"id": "s-1", "name": "Grace"}

    def test_stale_edit_of_the_same_field_conflicts_with_the_current_value(
        self, board: StatusBoard
    ) -> None:
        appointment = book(board)
        board.edit_appointment(appointment.id, expected_version=1, notes="Prefers Grace", stamp=BOB)

        with pytest.raises(ConflictError) as conflict:
            appends_nothing(
                board,
                lambda: board.edit_appointment(
                    appointment.id, expected_version=1, notes="Running late", stamp=ANN
                ),
            )

        assert conflict.value.fields == ("notes",)
        assert conflict.value.current.notes == "Prefers Grace"
        assert conflict.value.current.version == 2
        assert conflict.value.conflicting.actor == "bob"
        assert conflict.value.conflicting.changes == {"notes": ("", "Prefers Grace")}

    def test_conflict_names_only_the_fields_that_clash(self, board: StatusBoard) -> None:
        appointment = book(board)
        board.edit_appointment(appointment.id, expected_version=1, notes="Prefers Grace", stamp=BOB)

        with pytest.raises(ConflictError) as conflict:
            appends_nothing(
                board,
                lambda: board.edit_appointment(
                    appointment.id,
                    expected_version=1,
                    notes="Running late",
                    staff={"id": "s-2", "name": "Linus"},
                    stamp=ANN,
                ),
            )

        assert conflict.value.fields == ("notes",)

    def test_writing_the_value_someone_already_wrote_is_no_conflict(
        self, board: StatusBoard
    ) -> None:
        appointment = book(board)
        board.edit_appointment(appointment.id, expected_version=1, notes="Prefers Grace", stamp=BOB)

        outcome = appends_nothing(
            board,
            lambda: board.edit_appointment(
                appointment.id, expected_version=1, notes=" Prefers Grace ", stamp=ANN
            ),
        )

        assert (outcome.applied, outcome.version) == (False, 2)

    def test_stale_edit_after_a_move_applies(self, board: StatusBoard) -> None:
        appointment = book(board)
        board.move_appointment(appointment.id, "checked_in", expected_version=1, stamp=BOB)

        outcome = board.edit_appointment(
            appointment.id, expected_version=1, notes="Running late", stamp=ANN
        )

        assert (outcome.version, outcome.aggregate.status) == (3, "checked_in")

    def test_moving_only_the_start_keeps_the_length(self, board: StatusBoard) -> None:
        appointment = book(board, ends_at=NINE + timedelta(minutes=45))

        outcome = board.edit_appointment(
            appointment.id, expected_version=1, starts_at=NINE + timedelta(hours=2), stamp=ANN
        )

        assert outcome.aggregate.starts_at == NINE + timedelta(hours=2)
        assert outcome.aggregate.ends_at == NINE + timedelta(hours=2, minutes=45)

    def test_moving_only_the_end_keeps_the_start(self, board: StatusBoard) -> None:
        appointment = book(board)

        outcome = board.edit_appointment(
            appointment.id, expected_version=1, ends_at=NINE + timedelta(hours=1), stamp=ANN
        )

        assert (outcome.aggregate.starts_at, outcome.aggregate.ends_at) == (
            NINE,
            NINE + timedelta(hours=1),
        )

    def test_moving_the_start_past_the_end_of_the_calendar_is_refused(
        self, board: StatusBoard
    ) -> None:
        appointment = book(board)
        last_minutes = datetime(9999, 12, 31, 23, 50, tzinfo=UTC)

        with pytest.raises(FieldError) as refused:
            board.edit_appointment(
                appointment.id, expected_version=1, starts_at=last_minutes, stamp=ANN
            )

        assert refused.value.field == "ends_at"

    def test_stale_reschedule_conflicts_with_an_unseen_reschedule(self, board: StatusBoard) -> None:
        appointment = book(board)
        board.edit_appointment(
            appointment.id, expected_version=1, starts_at=NINE + timedelta(hours=1), stamp=BOB
        )

        with pytest.raises(ConflictError) as conflict:
            board.edit_appointment(
                appointment.id, expected_version=1, ends_at=NINE + timedelta(hours=3), stamp=ANN
            )

        assert conflict.value.fields == ("ends_at",)
        assert conflict.value.conflicting.type == "Rescheduled"
        assert conflict.value.current.ends_at == NINE + timedelta(hours=1, minutes=30)

    def test_edit_that_changes_nothing_appends_nothing(self, board: StatusBoard) -> None:
        appointment = book(board, notes="first visit")

        outcome = appends_nothing(
            board,
            lambda: board.edit_appointment(
                appointment.id, expected_version=1, notes="first visit", starts_at=NINE, stamp=ANN
            ),
        )

        assert (outcome.applied, outcome.version) == (False, 1)

    def test_bad_value_writes_nothing(self, board: StatusBoard) -> None:
        appointment = book(board)

        with pytest.raises(FieldError) as refused:
            appends_nothing(
                board,
                lambda: board.edit_appointment(
                    appointment.id, expected_version=1, notes="fine", ends_at=NINE, stamp=ANN
                ),
            )

        assert refused.value.field == "ends_at"

    def test_expected_version_ahead_is_refused(self, board: StatusBoard) -> None:
        appointment = book(board)

        with pytest.raises(VersionAheadError):
            board.edit_appointment(appointment.id, expected_version=7, notes="x", stamp=ANN)


class TestIdempotency:
    def test_retried_move_returns_the_original_outcome_and_appends_nothing(
        self, board: StatusBoard
    ) -> None:
        appointment = book(board)
        first = board.move_appointment(
            appointment.id, "checked_in", expected_version=1, stamp=keyed(ANN, "key-1", "req-1")
        )

        again = appends_nothing(
            board,
            lambda: board.move_appointment(
                appointment.id, "checked_in", expected_version=1, stamp=keyed(ANN, "key-1", "req-2")
            ),
        )

        assert (again.applied, again.version, again.aggregate.status) == (True, 2, "checked_in")
        assert again.aggregate.id == first.aggregate.id

    def test_retry_after_later_changes_returns_the_version_it_made(
        self, board: StatusBoard
    ) -> None:
        appointment = book(board)
        board.move_appointment(
            appointment.id, "checked_in", expected_version=1, stamp=keyed(ANN, "key-1")
        )
        board.move_appointment(appointment.id, "in_progress", expected_version=2, stamp=BOB)

        again = board.move_appointment(
            appointment.id, "checked_in", expected_version=1, stamp=keyed(ANN, "key-1")
        )

        assert (again.applied, again.version, again.aggregate.status) == (True, 2, "checked_in")

    def test_retried_no_op_is_still_a_no_op(self, board: StatusBoard) -> None:
        appointment = book(board)
        first = board.move_appointment(
            appointment.id, "scheduled", expected_version=1, stamp=keyed(ANN, "key-1")
        )

        again = appends_nothing(
            board,
            lambda: board.move_appointment(
                appointment.id, "scheduled", expected_version=1, stamp=keyed(ANN, "key-1")
            ),
        )

        assert (first.applied, again.applied, again.version) == (False, False, 1)

    def test_same_key_with_different_arguments_is_refused(self, board: StatusBoard) -> None:
        appointment = book(board)
        board.move_appointment(
            appointment.id, "checked_in", expected_version=1, stamp=keyed(ANN, "key-1")
        )

        with pytest.raises(IdempotencyKeyReusedError) as refused:
            appends_nothing(
                board,
                lambda: board.move_appointment(
                    appointment.id, "cancelled", expected_version=1, stamp=keyed(ANN, "key-1")
                ),
            )
        with pytest.raises(IdempotencyKeyReusedError):
            board.edit_appointment(
                appointment.id, expected_version=2, notes="x", stamp=keyed(ANN, "key-1")
            )

        assert refused.value.key == "key-1"

    def test_retried_booking_creates_no_second_appointment(self, board: StatusBoard) -> None:
        first = board.book_appointment(**BOOKING, stamp=keyed(ANN, "book-1", "req-1"))

        again = appends_nothing(
            board,
            lambda: board.book_appointment(**BOOKING, stamp=keyed(ANN, "book-1", "req-2")),
        )

        assert again.aggregate.id == first.aggregate.id
        assert (again.applied, again.version) == (True, 1)
        assert count_booked(board) == 1

    def test_booking_with_a_used_key_and_another_body_is_refused(self, board: StatusBoard) -> None:
        board.book_appointment(**BOOKING, stamp=keyed(ANN, "book-1"))

        with pytest.raises(IdempotencyKeyReusedError):
            appends_nothing(
                board,
                lambda: board.book_appointment(
                    **{**BOOKING, "notes": "other"}, stamp=keyed(ANN, "book-1")
                ),
            )

    def test_keys_belong_to_the_actor_that_used_them(self, board: StatusBoard) -> None:
        appointment = book(board)
        board.move_appointment(
            appointment.id, "checked_in", expected_version=1, stamp=keyed(ANN, "key-1")
        )

        outcome = board.edit_appointment(
            appointment.id, expected_version=2, notes="x", stamp=keyed(BOB, "key-1")
        )

        assert (outcome.applied, outcome.version) == (True, 3)

    def test_refused_command_does_not_use_up_its_key(self, board: StatusBoard) -> None:
        appointment = book(board)
        with pytest.raises(InvalidTransitionError):
            board.move_appointment(
                appointment.id, "ready", expected_version=1, stamp=keyed(ANN, "key-1")
            )

        outcome = board.move_appointment(
            appointment.id, "checked_in", expected_version=1, stamp=keyed(ANN, "key-1")
        )

        assert (outcome.applied, outcome.version) == (True, 2)

    def test_events_record_the_key_that_made_them(self, board: StatusBoard) -> None:
        appointment = board.book_appointment(**BOOKING, stamp=keyed(ANN, "book-1")).aggregate
        board.move_appointment(
            appointment.id, "checked_in", expected_version=1, stamp=keyed(BOB, "move-1")
        )
        board.edit_appointment(appointment.id, expected_version=2, notes="x", stamp=ANN)

        history = board.appointment_history(appointment.id)

        assert [change.idempotency_key for change in history] == ["book-1", "move-1", None]


class TestServiceCatalog:
    def test_added_service_is_found_by_its_code(self, board: StatusBoard) -> None:
        service = board.get_service_by_code("CUT")

        assert (service.id, service.version, service.active) == (CUT_ID, 1, True)
        assert service.state() == {
            "code": "CUT",
            "name": "Haircut",
            "category": "hair",
            "price_cents": 2500,
            "duration_minutes": 30,
            "active": True,
        }

    def test_duplicate_code_is_refused(self, board: StatusBoard) -> None:
        with pytest.raises(DuplicateServiceError) as refused:
            appends_nothing(
                board,
                lambda: board.add_service(**(HAIRCUT | {"name": "Another cut"}), stamp=ANN),
            )

        assert refused.value.code == "CUT"

    def test_bad_value_is_refused(self, board: StatusBoard) -> None:
        with pytest.raises(FieldError) as refused:
            board.update_service(CUT_ID, {"price_cents": -1}, expected_version=1, stamp=ADMIN)

        assert refused.value.field == "price_cents"

    def test_stale_update_of_the_same_field_conflicts(self, board: StatusBoard) -> None:
        board.update_service(CUT_ID, {"price_cents": 3000}, expected_version=1, stamp=ADMIN)

        with pytest.raises(ConflictError) as conflict:
            appends_nothing(
                board,
                lambda: board.update_service(
                    CUT_ID, {"price_cents": 2800}, expected_version=1, stamp=BOB
                ),
            )

        assert conflict.value.fields == ("price_cents",)
        assert conflict.value.current.price_cents == 3000
        assert conflict.value.conflicting.changes == {"price_cents": (2500, 3000)}
        assert (conflict.value.conflicting.actor, conflict.value.conflicting.type) == (
            "admin",
            "Updated",
        )

    def test_stale_update_of_another_field_applies(self, board: StatusBoard) -> None:
        board.update_service(CUT_ID, {"price_cents": 3000}, expected_version=1, stamp=ADMIN)

        outcome = board.update_service(
            CUT_ID, {"name": "Classic cut"}, expected_version=1, stamp=BOB
        )

        assert outcome.version == 3
        assert (outcome.aggregate.name, outcome.aggregate.price_cents) == ("Classic cut", 3000)

    def test_expected_version_ahead_is_refused(self, board: StatusBoard) -> None:
        with pytest.raises(VersionAheadError):
            board.update_service(CUT_ID, {"name": "Classic cut"}, expected_version=2, stamp=ADMIN)

    def test_retired_service_is_bookable_again_once_reactivated(self, board: StatusBoard) -> None:
        retired = board.retire_service(WASH_ID, expected_version=1, stamp=ADMIN)
        with pytest.raises(FieldError):
            book(board, services=[{"code": "WASH"}])

        reactivated = board.reactivate_service(WASH_ID, expected_version=2, stamp=ADMIN)

        assert (retired.version, retired.aggregate.active) == (2, False)
        assert (reactivated.version, reactivated.aggregate.active) == (3, True)
        assert book(board, services=[{"code": "WASH"}]).service_lines[0]["code"] == "WASH"

    def test_retiring_a_retired_service_changes_nothing(self, board: StatusBoard) -> None:
        board.retire_service(WASH_ID, stamp=ADMIN)

        outcome = appends_nothing(board, lambda: board.retire_service(WASH_ID, stamp=ADMIN))

        assert (outcome.applied, outcome.version) == (False, 2)

    def test_unknown_service_is_not_found(self, board: StatusBoard) -> None:
        with pytest.raises(NotFoundError):
            board.get_service_by_code("NOPE")
        with pytest.raises(NotFoundError):
            board.update_service(uuid4(), {"name": "x"}, stamp=ADMIN)

    def test_an_appointment_is_not_a_service(self, board: StatusBoard) -> None:
        appointment = book(board)

        with pytest.raises(NotFoundError):
            board.get_service(appointment.id)


class TestServiceLines:
    def test_added_line_copies_todays_price_and_extends_the_total(self, board: StatusBoard) -> None:
        appointment = book(board)
        board.update_service(WASH_ID, {"price_cents": 900}, expected_version=1, stamp=ADMIN)

        outcome = board.add_service_line(appointment.id, "WASH", 2, expected_version=1, stamp=ANN)

        assert (outcome.applied, outcome.version) == (True, 2)
        assert outcome.aggregate.service_lines[-1]["unit_price_cents"] == 900
        assert outcome.aggregate.total_cents == 2500 + 2 * 900

    def test_adding_a_booked_service_raises_its_quantity(self, board: StatusBoard) -> None:
        appointment = book(board)

        outcome = board.add_service_line(appointment.id, "CUT", expected_version=1, stamp=ANN)

        assert [line["quantity"] for line in outcome.aggregate.service_lines] == [2]

    def test_stale_add_still_applies(self, board: StatusBoard) -> None:
        appointment = book(board)
        board.edit_appointment(appointment.id, expected_version=1, notes="x", stamp=BOB)

        outcome = board.add_service_line(appointment.id, "WASH", expected_version=1, stamp=ANN)

        assert outcome.version == 3

    @pytest.mark.parametrize("code", ["NOPE", "WASH"])
    def test_unknown_or_retired_service_cannot_be_added(
        self, board: StatusBoard, code: str
    ) -> None:
        appointment = book(board)
        board.retire_service(WASH_ID, stamp=ADMIN)

        with pytest.raises(FieldError) as refused:
            appends_nothing(
                board,
                lambda: board.add_service_line(appointment.id, code, expected_version=1, stamp=ANN),
            )

        assert refused.value.field.endswith("code")

    def test_removed_line_leaves_the_appointment(self, board: StatusBoard) -> None:
        appointment = book(board, services=[{"code": "CUT"}, {"code": "WASH"}])

        outcome = board.remove_service_line(
            appointment.id, str(WASH_ID), expected_version=1, stamp=ANN
        )

        assert [line["code"] for line in outcome.aggregate.service_lines] == ["CUT"]
        assert outcome.aggregate.total_cents == 2500

    def test_last_line_cannot_be_removed(self, board: StatusBoard) -> None:
        appointment = book(board)

        with pytest.raises(FieldError) as refused:
            board.remove_service_line(appointment.id, str(CUT_ID), expected_version=1, stamp=ANN)

        assert refused.value.field == "service_id"

    def test_removing_a_line_someone_already_removed_conflicts(self, board: StatusBoard) -> None:
        appointment = book(board, services=[{"code": "CUT"}, {"code": "WASH"}])
        board.remove_service_line(appointment.id, str(WASH_ID), expected_version=1, stamp=BOB)

        with pytest.raises(ConflictError) as conflict:
            board.remove_service_line(appointment.id, str(WASH_ID), expected_version=1, stamp=ANN)

        assert conflict.value.fields == ("service_lines",)
        assert (conflict.value.conflicting.actor, conflict.value.conflicting.type) == (
            "bob",
            "ServiceLineRemoved",
        )

    def test_stale_removal_of_a_line_still_there_applies(self, board: StatusBoard) -> None:
        appointment = book(board, services=[{"code": "CUT"}, {"code": "WASH"}])
        board.edit_appointment(appointment.id, expected_version=1, notes="x", stamp=BOB)

        outcome = board.remove_service_line(
            appointment.id, str(WASH_ID), expected_version=1, stamp=ANN
        )

        assert outcome.version == 3


class TestHistory:
    def test_lists_every_event_with_actor_request_and_field_changes(
        self, board: StatusBoard
    ) -> None:
        appointment = book(board, stamp=ANN)
        board.move_appointment(appointment.id, "checked_in", expected_version=1, stamp=BOB)
        board.edit_appointment(appointment.id, expected_version=2, notes="in chair 3", stamp=ANN)
        board.edit_appointment(
            appointment.id, expected_version=3, staff={"id": "s-1", "name": "G"}, stamp=BOB
        )
        board.edit_appointment(
            appointment.id, expected_version=4, starts_at=NINE + timedelta(hours=1), stamp=ANN
        )
        board.add_service_line(appointment.id, "WASH", expected_version=5, stamp=BOB)
        board.remove_service_line(appointment.id, str(WASH_ID), expected_version=6, stamp=ANN)

        history = board.appointment_history(appointment.id)

        assert [(c.version, c.type, c.actor, c.request_id) for c in history] == [
            (1, "Booked", "ann", "req-ann"),
            (2, "Moved", "bob", "req-bob"),
            (3, "NotesEdited", "ann", "req-ann"),
            (4, "Assigned", "bob", "req-bob"),
            (5, "Rescheduled", "ann", "req-ann"),
            (6, "ServiceLineAdded", "bob", "req-bob"),
            (7, "ServiceLineRemoved", "ann", "req-ann"),
        ]
        assert history[0].changes["status"] == (None, "scheduled")
        assert history[0].changes["location_id"] == (None, "main-street")
        assert history[1].changes == {"status": ("scheduled", "checked_in")}
        assert history[2].changes == {"notes": ("", "in chair 3")}
        assert history[3].changes == {"staff": (None, {"id": "s-1", "name": "G"})}
        assert history[4].changes == {
            "starts_at": (NINE, NINE + timedelta(hours=1)),
            "ends_at": (NINE + timedelta(minutes=30), NINE + timedelta(hours=1, minutes=30)),
        }
        assert set(history[5].changes) == set(history[6].changes) == {"service_lines"}
        assert history[6].changes["service_lines"][1] == appointment.service_lines
        times = [change.at for change in history]
        assert times == sorted(times)

    def test_unknown_appointment_has_no_history(self, board: StatusBoard) -> None:
        with pytest.raises(NotFoundError):
            board.appointment_history(uuid4())
        with pytest.raises(NotFoundError):
            board.appointment_history(CUT_ID)


def walk(board: StatusBoard) -> tuple[UUID, list[Outcome[Appointment]]]:
    """An appointment taken through a few changes, with the outcome of each."""
    booked = board.book_appointment(**BOOKING, stamp=ANN)
    ident = booked.aggregate.id
    outcomes = [
        booked,
        board.move_appointment(ident, "checked_in", expected_version=1, stamp=BOB),
        board.edit_appointment(ident, expected_version=2, notes="in chair 3", stamp=ANN),
        board.move_appointment(ident, "in_progress", expected_version=3, stamp=BOB),
        board.edit_appointment(
            ident, expected_version=4, staff={"id": "s-1", "name": "G"}, stamp=ANN
        ),
    ]
    return ident, outcomes


class TestTimeTravel:
    def test_each_version_is_the_appointment_as_it_was(self, board: StatusBoard) -> None:
        ident, outcomes = walk(board)

        for outcome in outcomes:
            then = board.get_appointment(ident, version=outcome.version)
            assert (then.version, then.state()) == (outcome.version, outcome.aggregate.state())

    def test_a_time_between_two_events_gives_the_state_then(self, board: StatusBoard) -> None:
        ident, outcomes = walk(board)
        times = [change.at for change in board.appointment_history(ident)]

        for version, (earlier, later) in enumerate(zip(times, times[1:], strict=False), start=1):
            between = earlier + (later - earlier) / 2
            then = board.get_appointment(ident, at=between)
            assert (then.version, then.state()) == (
                version,
                outcomes[version - 1].aggregate.state(),
            )
        assert board.get_appointment(ident, at=times[-1]).version == len(outcomes)

    def test_a_time_before_booking_is_not_found(self, board: StatusBoard) -> None:
        ident, _ = walk(board)
        booked_at = board.appointment_history(ident)[0].at

        with pytest.raises(NotFoundError):
            board.get_appointment(ident, at=booked_at - timedelta(microseconds=1))

    def test_a_version_that_never_was_is_refused(self, board: StatusBoard) -> None:
        ident, outcomes = walk(board)

        with pytest.raises(NotFoundError):
            board.get_appointment(ident, version=len(outcomes) + 1)
        with pytest.raises(FieldError):
            board.get_appointment(ident, version=0)

    def test_time_must_carry_an_offset(self, board: StatusBoard) -> None:
        ident, _ = walk(board)

        with pytest.raises(FieldError) as refused:
            board.get_appointment(ident, at=datetime(2030, 1, 1))

        assert refused.value.field == "at"


class TestSnapshots:
    def test_appointment_with_many_events_loads_from_its_snapshots(
        self, board: StatusBoard
    ) -> None:
        appointment = book(board)
        for version in range(1, 126):
            board.edit_appointment(
                appointment.id, expected_version=version, notes=f"note {version}", stamp=ANN
            )

        events = list(board.events.get(appointment.id))
        *_, (_, replayed) = replay(None, events)
        fresh: Appointment = board.repository.get(appointment.id, version=126)
        halfway = board.get_appointment(appointment.id, version=75)

        assert board.snapshots is not None
        snapshots = list(board.snapshots.get(appointment.id))
        assert [snapshot.originator_version for snapshot in snapshots] == [50, 100]
        assert (fresh.version, fresh.state()) == (126, replayed.state())
        assert board.get_appointment(appointment.id).state() == replayed.state()
        assert (halfway.version, halfway.notes) == (75, "note 74")


class RivalBoard(StatusBoard):
    """A board that lets one rival command in just before its next save.

    As if another worker appended first: the command loses the race for the next version.
    """

    rival: Callable[[], object] | None = None

    def save(self, *objs: Any, **kwargs: Any) -> Any:
        rival, self.rival = self.rival, None
        if rival is not None:
            rival()
        return super().save(*objs, **kwargs)


@pytest.fixture
def rival_board(database_url: str) -> Iterator[RivalBoard]:
    """A board on each store whose next save can be beaten to the punch."""
    app = RivalBoard(store_env(database_url))
    stock(app)
    yield app
    app.close()


class TestLostRace:
    def test_lost_race_against_an_edit_is_retried_and_merged(self, rival_board: RivalBoard) -> None:
        appointment = book(rival_board)
        lost: list[str] = []
        rival_board.conflict_listeners.append(lost.append)
        rival_board.rival = lambda: rival_board.edit_appointment(
            appointment.id, expected_version=1, notes="Prefers Grace", stamp=BOB
        )

        outcome = rival_board.move_appointment(
            appointment.id, "checked_in", expected_version=1, stamp=ANN
        )

        assert (outcome.applied, outcome.version) == (True, 3)
        assert (outcome.aggregate.status, outcome.aggregate.notes) == (
            "checked_in",
            "Prefers Grace",
        )
        assert lost == ["move"]

    def test_lost_race_against_another_move_is_a_conflict(self, rival_board: RivalBoard) -> None:
        appointment = book(rival_board)
        rival_board.rival = lambda: rival_board.move_appointment(
            appointment.id, "cancelled", expected_version=1, stamp=BOB
        )

        with pytest.raises(ConflictError) as conflict:
            rival_board.move_appointment(
                appointment.id, "checked_in", expected_version=1, stamp=ANN
            )

        assert conflict.value.conflicting.actor == "bob"
        assert rival_board.get_appointment(appointment.id).version == 2

    def test_lost_race_against_the_same_move_is_not_applied_twice(
        self, rival_board: RivalBoard
    ) -> None:
        appointment = book(rival_board)
        rival_board.rival = lambda: rival_board.move_appointment(
            appointment.id, "checked_in", expected_version=1, stamp=BOB
        )

        outcome = rival_board.move_appointment(
            appointment.id, "checked_in", expected_version=1, stamp=ANN
        )

        assert (outcome.applied, outcome.version) == (False, 2)
        assert [c.actor for c in rival_board.appointment_history(appointment.id)] == ["ann", "bob"]

    def test_lost_race_for_a_keyed_booking_returns_the_winners_appointment(
        self, rival_board: RivalBoard
    ) -> None:
        rival: list[Appointment] = []
        rival_board.rival = lambda: rival.append(
            rival_board.book_appointment(**BOOKING, stamp=keyed(ANN, "book-1")).aggregate
        )

        outcome = rival_board.book_appointment(**BOOKING, stamp=keyed(ANN, "book-1"))

        assert outcome.aggregate.id == rival[0].id
        assert count_booked(rival_board) == 1

    def test_saves_are_announced_with_their_position(self, rival_board: RivalBoard) -> None:
        positions: list[int] = []
        rival_board.save_listeners.append(positions.append)

        outcome = rival_board.book_appointment(**BOOKING, stamp=ANN)
        rival_board.move_appointment(
            outcome.aggregate.id, "scheduled", expected_version=1, stamp=ANN
        )

        assert positions == [outcome.position]
