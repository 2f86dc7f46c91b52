"""Fixtures of the integration tests: two StatusBoards on one database, standing for two web
workers (SQLite and PostgreSQL), each counting the reads it makes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from storage.eventstore import store_env
from tests.integration.app_support import ANN, CountingBoard
from tests.support import add_haircut


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
    ]
)
def app_workers(request: pytest.FixtureRequest) -> Iterator[tuple[CountingBoard, CountingBoard]]:
    """Ann's worker and Bob's, with the service BOOKING books in the catalog."""
    url: str = request.getfixturevalue(f"{request.param}_url")
    first, second = CountingBoard(store_env(url)), CountingBoard(store_env(url))
    add_haircut(first, ANN)
    yield first, second
    first.close()
    second.close()
