"""The appointment answers built directly equal what their schemas dump, member for member."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from uuid import uuid4

from flask import Flask
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.api.appointment_json import (
    appointment_document,
    edit_result_document,
    move_result_document,
)
from adapters.schemas import AppointmentSchema, EditResultSchema, MoveResultSchema
from application.statusboard import Outcome
from domain import status
from domain.appointment import Appointment
from domain.service import Service
from domain.stamp import Stamp

STAMP = Stamp("ann", "req-1")
NAMES = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1).map(
    str.strip
)


def _dumps() -> Any:
    app = Flask(__name__)
    app.json.sort_keys = False  # type: ignore[attr-defined]
    return app.json.dumps


DUMPS = _dumps()


def _service(code: str, price: int, minutes: int) -> Service:
    service = Service.add(
        code=code, name=f"Service {code}", category="hair", price_cents=price,
        duration_minutes=minutes, stamp=STAMP,
    )  # fmt: skip
    service.collect_events()
    return service


@st.composite
def appointments(draw: st.DrawFn) -> Appointment:
    offset = timezone(timedelta(minutes=draw(st.integers(-12 * 60, 14 * 60))))
    starts = datetime(2030, 3, 4, 9, 0, tzinfo=UTC).astimezone(offset) + timedelta(
        minutes=draw(st.integers(0, 60 * 24 * 30)), microseconds=draw(st.integers(0, 999_999))
    )
    codes = draw(st.lists(st.sampled_from(["CUT", "DYE", "OIL"]), min_size=1, max_size=3))
    lines = [
        _service(code, draw(st.integers(0, 10**6)), draw(st.integers(5, 240))).line(
            draw(st.integers(1, 9))
        )
        for code in codes
    ]
    name = draw(NAMES.filter(lambda text: 0 < len(text) <= 120))
    appointment = Appointment.book(
        id=uuid4(),
        location_id="downtown",
        starts_at=starts,
        ends_at=starts + timedelta(minutes=draw(st.integers(5, 600))),
        customer={
            "name": name,
            "phone": draw(st.sampled_from([None, "", "+44 20 7946 0000"])),
            "email": draw(st.sampled_from([None, "ada@x.org"])),
        },
        staff=draw(st.sampled_from([None, {"id": "s-1", "name": "Grace"}])),
        service_lines=lines,
        notes=draw(st.sampled_from(["", "Allergic to lavender", "ünïcode ✂"])),
        stamp=STAMP,
    )
    for _ in range(draw(st.integers(0, 6))):
        target = draw(st.sampled_from(appointment.allowed_moves()))
        reason = "came back" if status.needs_reason(appointment.status) else None
        appointment.move(target, reason, STAMP)
    appointment.collect_events()
    return appointment


def assert_same(built: Any, dumped: Any) -> None:
    """Equal, with members in the same order, and the same response text."""
    assert built == dumped
    assert DUMPS(built) == DUMPS(dumped)


@settings(max_examples=150, deadline=None)
@given(appointments())
def test_an_appointment_is_built_as_its_schema_dumps_it(appointment: Appointment) -> None:
    assert_same(appointment_document(appointment), AppointmentSchema().dump(appointment))


@settings(max_examples=60, deadline=None)
@given(appointments(), st.booleans(), st.integers(0, 2**63 - 1))
def test_command_results_are_built_as_their_schemas_dump_them(
    appointment: Appointment, applied: bool, position: int
) -> None:
    outcome = Outcome(appointment, applied, position)
    assert_same(move_result_document(outcome), MoveResultSchema().dump(outcome))
    assert_same(edit_result_document(outcome), EditResultSchema().dump(outcome))
