"""A reschedule records why (Rescheduled version 2); older reschedules read as giving no reason."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.appointment import Appointment
from domain.errors import FieldError
from domain.stamp import Stamp
from domain.values import MAX_REASON


def later(appointment: Appointment) -> tuple[object, object]:
    hour = timedelta(hours=1)
    return appointment.starts_at + hour, appointment.ends_at + hour


class TestRescheduleReason:
    def test_a_reschedule_records_its_reason(self, appointment: Appointment, stamp: Stamp) -> None:
        appointment.collect_events()

        appointment.reschedule(*later(appointment), stamp, reason="  the customer is late ")

        (event,) = appointment.collect_events()
        assert isinstance(event, Appointment.Rescheduled)
        assert event.reason == "the customer is late"

    def test_a_reschedule_without_a_reason_records_none(
        self, appointment: Appointment, stamp: Stamp
    ) -> None:
        appointment.collect_events()

        appointment.reschedule(*later(appointment), stamp)

        (event,) = appointment.collect_events()
        assert isinstance(event, Appointment.Rescheduled)
        assert event.reason is None

    @pytest.mark.parametrize("reason", ["x" * (MAX_REASON + 1), 7])
    def test_a_bad_reason_is_refused_and_changes_nothing(
        self, appointment: Appointment, stamp: Stamp, reason: object
    ) -> None:
        appointment.collect_events()

        with pytest.raises(FieldError) as refused:
            appointment.reschedule(*later(appointment), stamp, reason=reason)

        assert refused.value.field == "reason"
        assert appointment.collect_events() == []

    def test_a_version_1_reschedule_is_upcast_to_no_reason(self) -> None:
        state: dict[str, object] = {"starts_at": None, "ends_at": None}

        Appointment.Rescheduled.upcast_v1_v2(state)

        assert state["reason"] is None
