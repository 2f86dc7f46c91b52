"""Moves between columns, checked against a tiny model written straight from SPEC §3."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from hypothesis import given, note
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from domain.appointment import Appointment
from domain.errors import FieldError, InvalidTransitionError
from domain.stamp import Stamp

COLUMNS = ("scheduled", "checked_in", "in_progress", "ready", "completed", "cancelled", "no_show")

#: The model: which (from, to) moves the SPEC allows, and which of them reopen a closed card.
ALLOWED = frozenset(
    {
        ("scheduled", "checked_in"),
        ("scheduled", "cancelled"),
        ("scheduled", "no_show"),
        ("checked_in", "in_progress"),
        ("checked_in", "scheduled"),
        ("checked_in", "cancelled"),
        ("in_progress", "ready"),
        ("in_progress", "checked_in"),
        ("in_progress", "cancelled"),
        ("ready", "completed"),
        ("ready", "in_progress"),
        ("completed", "ready"),
        ("cancelled", "scheduled"),
        ("no_show", "scheduled"),
        ("no_show", "checked_in"),
    }
)
NEEDS_REASON = frozenset({"completed", "cancelled", "no_show"})

#: A hand-picked way from a new booking to each column.
ROUTES: dict[str, tuple[str, ...]] = {
    "scheduled": (),
    "checked_in": ("checked_in",),
    "in_progress": ("checked_in", "in_progress"),
    "ready": ("checked_in", "in_progress", "ready"),
    "completed": ("checked_in", "in_progress", "ready", "completed"),
    "cancelled": ("cancelled",),
    "no_show": ("no_show",),
}

STAMP = Stamp(actor="walker", request_id="req-walk")
NINE = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)
columns = st.sampled_from(COLUMNS)
reasons = st.sampled_from([None, "", "  ", "late arrival"])


def expected(old: str, new: str, reason: str | None) -> str:
    """What the model says a move does: "noop", "moved", "invalid" or "reason"."""
    if old == new:
        return "noop"
    if (old, new) not in ALLOWED:
        return "invalid"
    if old in NEEDS_REASON and not (reason or "").strip():
        return "reason"
    return "moved"


def book() -> Appointment:
    return Appointment.book(
        id=uuid4(),
        location_id="main",
        starts_at=NINE,
        ends_at=NINE + timedelta(minutes=30),
        customer={"name": "Ada"},
        staff=None,
        service_lines=[
            {
                "service_id": str(uuid4()),
                "code": "CUT",
                "name": "Haircut",
                "unit_price_cents": 2500,
                "duration_minutes": 30,
                "quantity": 1,
            }
        ],
        notes="",
        stamp=STAMP,
    )


def attempt(appointment: Appointment, new: str, reason: str | None) -> str:
    """What the real aggregate did, in the model's words."""
    try:
        return "moved" if appointment.move(new, reason, STAMP) else "noop"
    except InvalidTransitionError as refused:
        assert set(refused.allowed) == {to for frm, to in ALLOWED if frm == appointment.status}
        return "invalid"
    except FieldError as refused:
        assert refused.field == "reason"
        return "reason"


@given(old=columns, new=columns, reason=reasons)
def test_every_move_does_what_the_model_says(old: str, new: str, reason: str | None) -> None:
    appointment = book()
    for step in ROUTES[old]:
        appointment.move(step, "walking there", STAMP)
    version = appointment.version

    outcome = attempt(appointment, new, reason)

    assert outcome == expected(old, new, reason)
    moved = outcome == "moved"
    assert appointment.status == (new if moved else old)
    assert appointment.version == version + moved


class RandomWalk(RuleBasedStateMachine):
    """Any sequence of moves: the aggregate follows the model, one event per applied move."""

    def __init__(self) -> None:
        super().__init__()
        self.appointment = book()
        self.status = "scheduled"
        self.applied = 0

    @rule(new=columns, reason=reasons)
    def move(self, new: str, reason: str | None) -> None:
        predicted = expected(self.status, new, reason)
        note(f"{self.status} -> {new} (reason {reason!r}): expect {predicted}")

        assert attempt(self.appointment, new, reason) == predicted

        if predicted == "moved":
            self.status = new
            self.applied += 1

    @invariant()
    def status_follows_the_model(self) -> None:
        assert self.appointment.status == self.status

    @invariant()
    def version_is_one_plus_the_applied_moves(self) -> None:
        assert self.appointment.version == 1 + self.applied

    @invariant()
    def only_applied_moves_append_events(self) -> None:
        pending = self.appointment.pending_events
        assert len(pending) == 1 + self.applied
        assert all(isinstance(event, Appointment.Moved) for event in pending[1:])


TestRandomWalk = RandomWalk.TestCase


@pytest.mark.parametrize("column", COLUMNS)
def test_routes_only_take_allowed_moves(column: str) -> None:
    here = "scheduled"
    for step in ROUTES[column]:
        assert (here, step) in ALLOWED
        here = step
    assert here == column
