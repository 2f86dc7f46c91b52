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

from adapters.app import create_app
from adapters.runtime import EXTENSION
from adapters.settings import Settings
from domain.appointment import Appointment
from projections.follower import Follower, ProjectionFailedError
from projections.runner import Runner
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


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
class TestStoppedProjectionIsShown:
    def test_status_and_readiness_name_the_position_and_type_while_the_rest_run(
        self, model: ReadModel
    ) -> None:
        position = append_raw(model, RESCHEDULED, newer_reschedule(model))
        projections = [model.projections["board"], model.projections["services"]]
        runner = Runner(model.app, model.store, projections, model.url, poll_interval=0.1)
        runner.start()
        try:
            runner.workers[0].join(10)
            followed = model.read_side.wait_for("services", model.app.head_position(), 10)
            statuses = {s.name: s for s in model.read_side.status(model.app)}
            app = create_app(Settings(database_url=model.url, embedded_projections=False))
            ready = app.test_client().get("/readyz")
            app.extensions[EXTENSION].close()
        finally:
            runner.stop()

        stopped = f"stopped at position {position} ({RESCHEDULED})"
        assert not statuses["board"].running and stopped in (statuses["board"].reason or "")
        assert followed  # the services projection folds past the event it does not take
        assert ready.status_code == 503
        assert f"projection board is not running: projection board {stopped}" in ready.get_data(
            as_text=True
        )
