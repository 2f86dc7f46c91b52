"""Copies of aggregates: equal to the original, independent of it wherever a command writes."""

from __future__ import annotations

import copy
import dataclasses
import pickle

from domain.appointment import Appointment
from domain.service import Service
from domain.stamp import Stamp


def _pickled_copy(aggregate: object) -> object:
    """What a generic deep copy produces: every value rebuilt."""
    return pickle.loads(pickle.dumps(aggregate))


def test_an_appointment_copy_equals_a_generic_deep_copy(appointment: Appointment) -> None:
    appointment.move("checked_in", None, Stamp("bo", "req-2"))
    twin = copy.deepcopy(appointment)
    assert type(twin) is Appointment
    assert vars(twin) == vars(_pickled_copy(appointment))
    assert twin.version == appointment.version
    assert twin.state() == appointment.state()


def test_an_appointment_copy_shares_no_container(appointment: Appointment, stamp: Stamp) -> None:
    twin = copy.deepcopy(appointment)
    for name, value in vars(appointment).items():
        if isinstance(value, list | dict):
            assert getattr(twin, name) is not value, name
    assert twin.service_lines[0] is not appointment.service_lines[0]
    assert twin.customer is not appointment.customer

    twin.move("checked_in", None, stamp)
    twin.add_service_line({**twin.service_lines[0], "quantity": 2}, stamp)
    twin.customer["name"] = "changed in place"

    assert appointment.status == "scheduled"
    assert appointment.service_lines[0]["quantity"] == 1
    assert appointment.customer["name"] == "Ada Lovelace"
    assert appointment.collect_events() == []
    assert len(twin.collect_events()) == 2


def test_a_service_copy_is_equal_and_independent(haircut: Service, stamp: Stamp) -> None:
    twin = copy.deepcopy(haircut)
    assert vars(twin) == vars(_pickled_copy(haircut))
    twin.update({"price_cents": 3000}, stamp)
    assert haircut.price_cents == 2500
    assert haircut.collect_events() == []


def test_a_stamps_event_fields_are_its_fields() -> None:
    for stamp in (Stamp("ann", "req-1"), Stamp("bo", "req-2", "key-2")):
        assert stamp.event_fields() == dataclasses.asdict(stamp)
