# ruff: noqa: F811 - pytest fixtures arrive as arguments named like their imports
"""Schedules for the appointments booked before they existed, and the overlaps found there."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from flask import Flask
from flask.testing import FlaskCliRunner

from application.backfill import backfill_schedules, recorded_overlaps
from domain.appointment import Appointment
from domain.schedule import Schedule, schedule_id_for
from domain.stamp import Stamp
from tests.integration.http_support import (  # noqa: F401 - fixtures by name
    app,
    runner,
    runtime,
    store_url,
)

OLD = Stamp(actor="old-desk", request_id="req-old")
NINE = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)
LINE: dict[str, Any] = {
    "service_id": "s",
    "code": "CUT",
    "name": "Haircut",
    "unit_price_cents": 2500,
    "duration_minutes": 30,
    "quantity": 1,
}


def booked_before_schedules(app: Flask, name: str, start: datetime, staff: str = "s1") -> UUID:
    """An appointment saved on its own, as bookings were before schedules existed."""
    appointment = Appointment.book(
        id=uuid4(),
        location_id="downtown",
        starts_at=start,
        ends_at=start + timedelta(minutes=30),
        customer={"name": name},
        staff={"id": staff, "name": staff.upper()},
        service_lines=[LINE],
        notes="",
        stamp=OLD,
    )
    runtime(app).components.board.save(appointment)
    return appointment.id


def schedule(app: Flask, staff: str = "s1") -> Schedule:
    found = runtime(app).components.board.repository.get(schedule_id_for(staff, "2030-03-04"))
    assert isinstance(found, Schedule)
    return found


def overlapping_pair(app: Flask) -> tuple[UUID, UUID]:
    """Ada at nine and Bo at a quarter past, both with Sam, booked before schedules existed."""
    return booked_before_schedules(app, "Ada", NINE), booked_before_schedules(
        app, "Bo", NINE + timedelta(minutes=15)
    )


class TestBackfill:
    def test_every_active_appointment_with_staff_is_held_and_overlaps_are_recorded(
        self, app: Flask, runner: FlaskCliRunner
    ) -> None:
        ada, bo = overlapping_pair(app)
        cy = booked_before_schedules(app, "Cy", NINE, staff="s2")

        result = runner.invoke(args=["schedules", "backfill"])

        assert result.exit_code == 0, result.output
        assert set(schedule(app).holds) == {str(ada), str(bo)}
        assert set(schedule(app, "s2").holds) == {str(cy)}
        assert schedule(app).overlaps() == [(ada, bo)]

    def test_running_it_again_writes_nothing(self, app: Flask) -> None:
        booked_before_schedules(app, "Ada", NINE)
        board = runtime(app).components.board
        assert backfill_schedules(board, OLD) == 1
        position = board.head_position()

        assert backfill_schedules(board, OLD) == 0

        assert board.head_position() == position

    def test_db_init_runs_it(self, app: Flask, runner: FlaskCliRunner) -> None:
        ada = booked_before_schedules(app, "Ada", NINE)

        result = runner.invoke(args=["db", "init"])

        assert result.exit_code == 0, result.output
        assert set(schedule(app).holds) == {str(ada)}


class TestAuditOverlaps:
    def test_lists_the_overlaps_by_location_and_day(
        self, app: Flask, runner: FlaskCliRunner
    ) -> None:
        ada, bo = overlapping_pair(app)
        runner.invoke(args=["schedules", "backfill"])

        result = runner.invoke(args=["audit", "overlaps", "--date", "2030-03-04", "--json"])

        assert result.exit_code == 0, result.output
        (overlap,) = json.loads(result.output)
        assert overlap["staff_id"] == "s1"
        assert [item["appointment_id"] for item in overlap["appointments"]] == [str(ada), str(bo)]
        board = runtime(app).components.board
        assert recorded_overlaps(board, "uptown") == []
        assert recorded_overlaps(board, day="2030-03-05") == []

    def test_prints_a_table_and_refuses_a_bad_date(
        self, app: Flask, runner: FlaskCliRunner
    ) -> None:
        booked_before_schedules(app, "Ada", NINE)
        booked_before_schedules(app, "Bo", NINE)
        runner.invoke(args=["schedules", "backfill"])

        assert "1 overlaps" in runner.invoke(args=["audit", "overlaps"]).output
        assert runner.invoke(args=["audit", "overlaps", "--date", "soon"]).exit_code == 2
