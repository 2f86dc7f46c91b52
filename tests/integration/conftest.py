# ruff: noqa: F811 - fixtures arrive as arguments named like their imports
"""Fixtures of the integration tests: two StatusBoards on one database, standing for two web
workers (SQLite and PostgreSQL), each counting the reads it makes; a stocked read model; the
runners a test starts; and, from ``http_support``, the HTTP service on each store."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from storage.eventstore import store_env
from tests.integration.app_support import ANN, CountingBoard
from tests.integration.http_support import (  # noqa: F401 - the HTTP tests' fixtures
    app,
    client,
    haircut,
    runner,
    store_url,
    tokens,
)
from tests.integration.test_projection_harness import ReadModel
from tests.support import add_haircut


@pytest.fixture
def app_workers(store_url: str) -> Iterator[tuple[CountingBoard, CountingBoard]]:
    """Ann's worker and Bob's, with the service BOOKING books in the catalog."""
    first, second = CountingBoard(store_env(store_url)), CountingBoard(store_env(store_url))
    add_haircut(first, ANN)
    yield first, second
    first.close()
    second.close()


@pytest.fixture
def model(database_url: str) -> Iterator[ReadModel]:
    """A stocked status board and its read side, on each store."""
    model = ReadModel(database_url)
    yield model
    model.close()


@pytest.fixture
def runners() -> Iterator[list[Any]]:
    """Runners (or embedded projections) the test starts, stopped after it."""
    started: list[Any] = []
    yield started
    for started_runner in started:
        started_runner.stop()
