"""An event this release cannot read — stored by a newer release, or corrupted — stops the
projections that fold it, naming its position and type; the others keep following the log."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from uuid import UUID

import pytest
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import get_topic

from domain.appointment import Appointment
from projections.follower import Follower, ProjectionFailedError
from storage.versions import NewerEventVersionError
from tests.integration.test_projection_harness import ADMIN, NINE, ReadModel

RESCHEDULED = get_topic(Appointment.Rescheduled)
#: Projections that fold reschedules, and one that does not.
FOLDING = ("board", "stats", "activity")


@pytest.fixture
def model(database_url: str) -> Iterator[ReadModel]:
    """Ada booked and rescheduled once; everything projected."""
    model = ReadModel(database_url)
    ada = model.book("Ada")
    model.edit(ada, starts_at=NINE + timedelta(hours=1))
    model.catch_up()
    yield model
    model.close()


def append_raw(model: ReadModel, topic: str, state: bytes) -> int:
    """A row as another release (or a fault) left it: a second reschedule of Ada's booking."""
    (ada,) = {
        n.originator_id
        for n in model.app.recorder.select_notifications(1, 100)
        if n.topic == get_topic(Appointment.Booked)
    }
    version = model.app.get_appointment(UUID(str(ada))).version + 1
    model.app.recorder.insert_events([StoredEvent(ada, version, topic, state)])
    return model.app.head_position()


def newer_reschedule(model: ReadModel) -> bytes:
    (last,) = [n for n in model.app.recorder.select_notifications(1, 100) if n.topic == RESCHEDULED]
    state = json.loads(last.state)
    state.update(class_version=Appointment.Rescheduled.class_version + 1, rescheduled_by="kiosk")
    return json.dumps(state).encode()


def catch_up(model: ReadModel, name: str) -> None:
    Follower(model.app, model.store, model.projections[name]).catch_up()


class TestEventFromANewerRelease:
    def test_reading_it_is_refused_naming_its_type_and_versions(self, model: ReadModel) -> None:
        append_raw(model, RESCHEDULED, newer_reschedule(model))
        last = list(model.app.recorder.select_notifications(1, 100))[-1]

        with pytest.raises(NewerEventVersionError) as refused:
            model.app.mapper.to_domain_event(last)

        known = Appointment.Rescheduled.class_version
        assert f"{RESCHEDULED} was stored at version {known + 1}" in str(refused.value)
        assert f"reads it up to version {known}" in str(refused.value)

    @pytest.mark.parametrize("name", FOLDING)
    def test_the_projections_that_fold_it_stop_there_naming_it(
        self, model: ReadModel, name: str
    ) -> None:
        position = append_raw(model, RESCHEDULED, newer_reschedule(model))

        with pytest.raises(ProjectionFailedError) as stopped:
            catch_up(model, name)

        assert (stopped.value.position, stopped.value.topic) == (position, RESCHEDULED)
        assert model.read_side.position(name) == position - 1

    def test_the_other_projections_keep_following_the_log(self, model: ReadModel) -> None:
        append_raw(model, RESCHEDULED, newer_reschedule(model))
        model.app.add_service(
            code="LATE",
            name="Late",
            category="x",
            price_cents=1,
            duration_minutes=5,
            stamp=ADMIN,
        )

        catch_up(model, "services")

        assert model.read_side.position("services") == model.app.head_position()


class TestCorruptedEvent:
    def test_a_row_that_is_not_json_stops_the_projections_that_fold_its_type(
        self, model: ReadModel
    ) -> None:
        position = append_raw(model, RESCHEDULED, b'{"starts_at": ')

        with pytest.raises(ProjectionFailedError) as stopped:
            catch_up(model, "board")

        assert (stopped.value.position, stopped.value.topic) == (position, RESCHEDULED)
