"""Every stored event type names its version, and can upcast every older one."""

from __future__ import annotations

from eventsourcing.utils import get_topic

from adapters.manifest import event_versions, snapshot_versions, stored_event_types
from application.idempotency import IdempotencyRecord
from domain.appointment import Appointment
from domain.hours import OpeningHours
from domain.schedule import Schedule
from domain.service import Service


class TestEventVersions:
    def test_every_stored_event_type_declares_its_own_version(self) -> None:
        for cls in stored_event_types():
            # The library redefines an event declared outside the aggregate's Event class as a
            # subclass of it, under the same name: the declaration is on the one it redefines.
            declared = [base for base in cls.__mro__ if base.__qualname__ == cls.__qualname__]
            assert any("class_version" in vars(base) for base in declared), get_topic(cls)

    def test_every_version_after_the_first_has_an_upcaster_from_the_one_before(self) -> None:
        for cls in stored_event_types():
            for version in range(1, cls.class_version):  # type: ignore[attr-defined]
                assert callable(getattr(cls, f"upcast_v{version}_v{version + 1}", None)), cls

    def test_the_manifest_names_each_aggregates_events(self) -> None:
        topics = set(event_versions())

        assert get_topic(Appointment.Booked) in topics
        assert get_topic(Service.Retired) in topics
        assert get_topic(IdempotencyRecord.Recorded) in topics
        assert get_topic(Appointment.Created) not in topics  # the library's, never stored
        assert get_topic(Schedule.IntervalHeld) in topics
        assert get_topic(OpeningHours.HoursSet) in topics
        assert len(topics) == 17

    def test_snapshots_of_every_aggregate_are_versioned(self) -> None:
        assert set(snapshot_versions()) == {
            get_topic(Appointment),
            get_topic(Service),
            get_topic(IdempotencyRecord),
            get_topic(Schedule),
            get_topic(OpeningHours),
        }
