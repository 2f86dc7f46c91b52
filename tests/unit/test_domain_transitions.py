"""Every cell of the 7x7 status matrix, checked against the table of SPEC §3."""

from __future__ import annotations

from collections import deque
from itertools import product

import pytest

from domain import status as st
from domain.appointment import Appointment
from domain.errors import FieldError, InvalidTransitionError
from domain.stamp import Stamp

#: SPEC §3, row by row, in the order the SPEC lists the targets.
SPEC_TABLE: dict[str, tuple[str, ...]] = {
    "scheduled": ("checked_in", "cancelled", "no_show"),
    "checked_in": ("in_progress", "scheduled", "cancelled"),
    "in_progress": ("ready", "checked_in", "cancelled"),
    "ready": ("completed", "in_progress"),
    "completed": ("ready",),
    "cancelled": ("scheduled",),
    "no_show": ("scheduled", "checked_in"),
}
BOARD_ORDER = (
    "scheduled",
    "checked_in",
    "in_progress",
    "ready",
    "completed",
    "cancelled",
    "no_show",
)
REOPENING = frozenset({"completed", "cancelled", "no_show"})
REASON = "customer came back"

PAIRS = list(product(BOARD_ORDER, BOARD_ORDER))
ALLOWED = [(old, new) for old, new in PAIRS if new in SPEC_TABLE[old]]
REFUSED = [(old, new) for old, new in PAIRS if old != new and new not in SPEC_TABLE[old]]
REOPENINGS = [(old, new) for old, new in ALLOWED if old in REOPENING]
PLAIN_MOVES = [(old, new) for old, new in ALLOWED if old not in REOPENING]


def pair_id(pair: tuple[str, str]) -> str:
    return f"{pair[0]}->{pair[1]}"


def path_to(target: str) -> list[str]:
    """The shortest walk of allowed moves from a new booking to ``target``."""
    came_from: dict[str, str | None] = {"scheduled": None}
    queue = deque(["scheduled"])
    while queue:
        here = queue.popleft()
        for there in SPEC_TABLE[here]:
            if there not in came_from:
                came_from[there] = here
                queue.append(there)
    path: list[str] = []
    step: str | None = target
    while step != "scheduled" and step is not None:
        path.append(step)
        step = came_from[step]
    return path[::-1]


def drive_to(appointment: Appointment, target: str, stamp: Stamp) -> None:
    for step in path_to(target):
        assert appointment.move(step, REASON, stamp)
    appointment.collect_events()
    assert appointment.status == target


class TestTheTable:
    def test_covers_every_pair_of_the_seven_columns(self) -> None:
        assert len(PAIRS) == 49
        assert (len(ALLOWED), len(REFUSED)) == (15, 27)

    def test_columns_are_in_board_order(self) -> None:
        assert st.STATUSES == BOARD_ORDER

    def test_domain_table_is_the_spec_table(self) -> None:
        assert st.TRANSITIONS == SPEC_TABLE

    @pytest.mark.parametrize("target", BOARD_ORDER)
    def test_path_finder_reaches_every_column(self, target: str) -> None:
        here = "scheduled"
        for step in path_to(target):
            assert step in SPEC_TABLE[here]
            here = step
        assert here == target


class TestMoveAppointment:
    @pytest.mark.parametrize("pair", ALLOWED, ids=pair_id)
    def test_allowed_move_appends_one_moved_event(
        self, appointment: Appointment, stamp: Stamp, pair: tuple[str, str]
    ) -> None:
        old, new = pair
        drive_to(appointment, old, stamp)
        version = appointment.version

        assert appointment.move(new, REASON, stamp) is True

        (event,) = appointment.collect_events()
        assert isinstance(event, Appointment.Moved)
        assert (event.from_status, event.to_status, event.reason) == (old, new, REASON)
        assert event.originator_version == version + 1
        assert (appointment.status, appointment.version) == (new, version + 1)
        assert appointment.status_since == event.timestamp

    @pytest.mark.parametrize("pair", REFUSED, ids=pair_id)
    def test_refused_move_answers_with_the_allowed_targets(
        self, appointment: Appointment, stamp: Stamp, pair: tuple[str, str]
    ) -> None:
        old, new = pair
        drive_to(appointment, old, stamp)
        version = appointment.version

        with pytest.raises(InvalidTransitionError) as refused:
            appointment.move(new, REASON, stamp)

        assert refused.value.allowed == SPEC_TABLE[old]
        assert (refused.value.from_status, refused.value.to_status) == (old, new)
        assert refused.value.appointment_id == appointment.id
        assert appointment.collect_events() == []
        assert (appointment.status, appointment.version) == (old, version)

    @pytest.mark.parametrize("status", BOARD_ORDER)
    def test_move_to_the_current_column_is_a_no_op(
        self, appointment: Appointment, stamp: Stamp, status: str
    ) -> None:
        drive_to(appointment, status, stamp)
        version, since = appointment.version, appointment.status_since

        assert appointment.move(status, REASON, stamp) is False

        assert appointment.collect_events() == []
        assert (appointment.version, appointment.status_since) == (version, since)

    @pytest.mark.parametrize("status", BOARD_ORDER)
    def test_allowed_moves_are_the_row_of_the_table(
        self, appointment: Appointment, stamp: Stamp, status: str
    ) -> None:
        drive_to(appointment, status, stamp)

        assert appointment.allowed_moves() == SPEC_TABLE[status]

    def test_unknown_column_is_a_field_error(self, appointment: Appointment, stamp: Stamp) -> None:
        with pytest.raises(FieldError) as refused:
            appointment.move("done", None, stamp)

        assert refused.value.field == "to_status"
        assert appointment.collect_events() == []


class TestReopening:
    @pytest.mark.parametrize("pair", REOPENINGS, ids=pair_id)
    @pytest.mark.parametrize("reason", [None, "", "   "], ids=["none", "empty", "blank"])
    def test_leaving_a_closed_column_without_a_reason_is_refused(
        self, appointment: Appointment, stamp: Stamp, pair: tuple[str, str], reason: str | None
    ) -> None:
        old, new = pair
        drive_to(appointment, old, stamp)

        with pytest.raises(FieldError) as refused:
            appointment.move(new, reason, stamp)

        assert refused.value.field == "reason"
        assert appointment.collect_events() == []
        assert appointment.status == old

    @pytest.mark.parametrize("pair", REOPENINGS, ids=pair_id)
    def test_leaving_a_closed_column_with_a_reason_records_it(
        self, appointment: Appointment, stamp: Stamp, pair: tuple[str, str]
    ) -> None:
        old, new = pair
        drive_to(appointment, old, stamp)

        assert appointment.move(new, "  wrong button  ", stamp) is True

        (event,) = appointment.collect_events()
        assert isinstance(event, Appointment.Moved)
        assert event.reason == "wrong button"
        assert appointment.status == new

    @pytest.mark.parametrize("pair", PLAIN_MOVES, ids=pair_id)
    def test_other_moves_need_no_reason(
        self, appointment: Appointment, stamp: Stamp, pair: tuple[str, str]
    ) -> None:
        old, new = pair
        drive_to(appointment, old, stamp)

        assert appointment.move(new, None, stamp) is True

        (event,) = appointment.collect_events()
        assert isinstance(event, Appointment.Moved)
        assert event.reason is None

    def test_reason_longer_than_500_characters_is_refused(
        self, appointment: Appointment, stamp: Stamp
    ) -> None:
        drive_to(appointment, "cancelled", stamp)

        with pytest.raises(FieldError) as refused:
            appointment.move("scheduled", "x" * 501, stamp)

        assert refused.value.field == "reason"
        assert appointment.move("scheduled", "x" * 500, stamp) is True
