"""Events told as field-level changes, and the fingerprints that guard idempotency keys."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from application.history import diff, replay
from application.idempotency import fingerprint, record_id
from domain.appointment import Appointment
from domain.stamp import Stamp

BOB = Stamp(actor="bob", request_id="req-bob", idempotency_key="key-bob")


class TestDiff:
    def test_names_only_the_fields_that_changed(self) -> None:
        before = {"notes": "", "status": "scheduled", "staff": None}
        after = {"notes": "x", "status": "scheduled", "staff": None}

        assert diff(before, after) == {"notes": ("", "x")}

    def test_a_field_that_appears_changes_from_none(self) -> None:
        assert diff({}, {"status": "scheduled", "staff": None}) == {"status": (None, "scheduled")}


class TestReplay:
    def test_tells_each_event_as_its_change_and_stamp(self, booking: dict[str, Any]) -> None:
        appointment = Appointment.book(**booking)
        appointment.move("checked_in", None, BOB)
        appointment.edit_notes("late", BOB)

        changes = [change for change, _ in replay(None, appointment.collect_events())]

        assert [(c.version, c.type, c.actor) for c in changes] == [
            (1, "Booked", "ann"),
            (2, "Moved", "bob"),
            (3, "NotesEdited", "bob"),
        ]
        assert changes[0].changes["status"] == (None, "scheduled")
        assert changes[1].changes == {"status": ("scheduled", "checked_in")}
        assert changes[2].changes == {"notes": ("", "late")}
        assert (changes[2].request_id, changes[2].idempotency_key) == ("req-bob", "key-bob")

    def test_yields_the_state_after_each_event(self, booking: dict[str, Any]) -> None:
        appointment = Appointment.book(**booking)
        appointment.move("cancelled", None, BOB)
        appointment.move("scheduled", "called back", BOB)

        # The state is one aggregate, mutated as the replay goes: read it at each step.
        steps = [
            (change.reason, state.version, state.state()["status"])
            for change, state in replay(None, appointment.collect_events())
        ]

        assert steps == [
            (None, 1, "scheduled"),
            (None, 2, "cancelled"),
            ("called back", 3, "scheduled"),
        ]


class TestFingerprint:
    def test_does_not_depend_on_the_order_of_arguments(self) -> None:
        assert fingerprint("move", {"a": 1, "b": [1, 2]}) == fingerprint(
            "move", {"b": [1, 2], "a": 1}
        )

    def test_tells_commands_and_arguments_apart(self) -> None:
        when = datetime(2030, 1, 1, tzinfo=UTC)
        prints = {
            fingerprint("move", {"to": "ready"}),
            fingerprint("edit", {"to": "ready"}),
            fingerprint("move", {"to": "completed"}),
            fingerprint("move", {"at": when}),
        }

        assert len(prints) == 4

    def test_keys_are_scoped_to_their_actor(self) -> None:
        assert record_id("ann", "key-1") == record_id("ann", "key-1")
        assert record_id("ann", "key-1") != record_id("bob", "key-1")
