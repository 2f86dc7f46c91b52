"""The demo data keeps the rules real bookings keep: no staff member is double-booked, and each
active appointment with staff is held on its schedules."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from application.backfill import originators, recorded_overlaps
from application.demo import DemoPlan, seed_demo
from application.statusboard import StatusBoard
from domain.appointment import Appointment
from domain.placement import placement_of
from domain.schedule import Schedule, schedule_id_for
from storage.eventstore import store_env

NOW = datetime(2030, 3, 6, 13, 0, tzinfo=UTC)


@pytest.fixture
def seeded(store_url: str) -> Iterator[StatusBoard]:
    board = StatusBoard(store_env(store_url))
    seed_demo(board, DemoPlan(locations=2, days=2, per_day=40, services=20), NOW)
    yield board
    board.close()


def test_no_staff_member_is_double_booked(seeded: StatusBoard) -> None:
    assert recorded_overlaps(seeded) == []


def test_every_active_appointment_with_staff_is_held_and_nothing_else(
    seeded: StatusBoard,
) -> None:
    held: set[str] = set()
    for schedule_id in originators(seeded, Schedule.Started):
        held |= set(seeded.loader.get(Schedule, schedule_id).holds)
    expected = set()
    for appointment_id in originators(seeded, Appointment.Booked):
        appointment = seeded.loader.get(Appointment, appointment_id)
        placement = placement_of(appointment)
        if placement is not None:
            expected.add(str(appointment.id))
            day = appointment.starts_at.date().isoformat()
            assert (
                str(appointment.id)
                in seeded.loader.get(Schedule, schedule_id_for(placement.staff_id, day)).holds
            )

    assert held == expected and len(expected) > 40
