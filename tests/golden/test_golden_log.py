"""Every event ever written stays readable: the golden log loads, replays and projects exactly
as it did when it was recorded (issue 16, SPEC §12)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from adapters.manifest import event_versions
from application.statusboard import StatusBoard
from tests.golden.golden import (
    aggregates,
    events,
    loaded,
    notifications,
    read_expected,
    read_models,
    read_rows,
    row_of,
)

ROWS = read_rows()
EXPECTED = read_expected()


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
    ]
)
def url(request: pytest.FixtureRequest) -> str:
    """A fresh database, once on SQLite and once on PostgreSQL."""
    found: str = request.getfixturevalue(f"{request.param}_url")
    return found


@pytest.fixture
def app(url: str) -> Iterator[StatusBoard]:
    """Today's StatusBoard on a store that holds the golden rows."""
    app = loaded(url, ROWS)
    yield app
    app.close()


class TestGoldenLog:
    def test_it_holds_every_version_of_every_event_type_this_code_writes(self) -> None:
        held = {(row["topic"], row["class_version"]) for row in ROWS}

        for topic, version in event_versions().items():
            for older in range(1, version + 1):
                assert (topic, older) in held, f"{topic} v{older}: run tests/golden/record.py"

    def test_rows_are_stored_at_their_recorded_positions(self, app: StatusBoard) -> None:
        stored = [row_of(notification) for notification in notifications(app)]

        assert stored == [{k: v for k, v in row.items() if k != "era"} for row in ROWS]

    def test_events_load_as_recorded(self, app: StatusBoard) -> None:
        assert events(app) == EXPECTED["events"]

    def test_aggregates_replay_as_recorded(self, app: StatusBoard) -> None:
        assert aggregates(app) == EXPECTED["aggregates"]

    def test_read_models_project_as_recorded(self, app: StatusBoard, url: str) -> None:
        assert read_models(app, url) == EXPECTED["read_models"]
