"""Builders for the domain's unit tests: a valid booking, its stamp, a booked appointment."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import pytest

from domain.appointment import Appointment
from domain.service import Service
from domain.stamp import Stamp
from domain.values import ServiceLine
from tests.support import HAIRCUT

NINE = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)


@pytest.fixture
def stamp() -> Stamp:
    """Who the unit tests act as."""
    return Stamp(actor="ann", request_id="req-1", idempotency_key="key-1")


@pytest.fixture
def haircut(stamp: Stamp) -> Service:
    """An active catalog service, as it is after being added."""
    service = Service.add(**HAIRCUT, stamp=stamp)
    service.collect_events()
    return service


@pytest.fixture
def line(haircut: Service) -> ServiceLine:
    """One haircut, as a booking copies it."""
    return haircut.line(1)


@pytest.fixture
def booking(line: ServiceLine, stamp: Stamp) -> dict[str, Any]:
    """The keyword arguments of a valid Appointment.book call."""
    return {
        "id": uuid4(),
        "location_id": "main-street",
        "starts_at": NINE,
        "ends_at": NINE + timedelta(minutes=30),
        "customer": {"name": "Ada Lovelace", "phone": "+44 20 7946 0000", "email": "ada@x.org"},
        "staff": {"id": "s-1", "name": "Grace"},
        "service_lines": [line],
        "notes": "",
        "stamp": stamp,
    }


@pytest.fixture
def appointment(booking: dict[str, Any]) -> Appointment:
    """A freshly booked appointment whose Booked event has been collected."""
    booked = Appointment.book(**booking)
    booked.collect_events()
    return booked
