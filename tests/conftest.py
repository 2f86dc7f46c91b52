"""Fixtures shared by every test folder: database URLs for each store, and Hypothesis profiles."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from hypothesis import settings
from psycopg import sql

DEFAULT_POSTGRES_SERVER = "postgresql://postgres@127.0.0.1:5432"
POSTGRES_SKIP_REASON = "PostgreSQL UNREACHABLE"

settings.register_profile("default", deadline=None, max_examples=50)
settings.register_profile("ci", deadline=None, max_examples=30, derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() not in ("", "0", "false", "no")


def _postgres_required() -> bool:
    return _flag("STATUSBOARD_REQUIRE_POSTGRES") or _flag("CI")


def _admin_connection(server_url: str) -> psycopg.Connection[tuple[object, ...]]:
    return psycopg.connect(f"{server_url}/postgres", connect_timeout=2, autocommit=True)


@pytest.fixture(scope="session")
def postgres_server_url() -> str:
    """Base URL (no database) of a reachable PostgreSQL server, or skip/fail loudly."""
    server_url = os.environ.get("STATUSBOARD_TEST_POSTGRES", DEFAULT_POSTGRES_SERVER).rstrip("/")
    try:
        _admin_connection(server_url).close()
    except psycopg.OperationalError as error:
        message = f"{POSTGRES_SKIP_REASON} at {server_url}: {error}".strip()
    else:
        return server_url
    if _postgres_required():
        pytest.fail(
            f"{message}\nPostgreSQL is required here (STATUSBOARD_REQUIRE_POSTGRES or CI "
            "is set): start the server or point STATUSBOARD_TEST_POSTGRES at one.",
            pytrace=False,
        )
    pytest.skip(f"!!! {message} -- set STATUSBOARD_REQUIRE_POSTGRES=1 to fail instead !!!")


@pytest.fixture
def postgres_url(postgres_server_url: str) -> Iterator[str]:
    """URL of a fresh, empty PostgreSQL database, dropped after the test."""
    name = f"statusboard_test_{uuid.uuid4().hex}"
    with _admin_connection(postgres_server_url) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        # No test crashes the server, so no commit need wait for the disk: the tests' hundreds
        # of databases and their schemas are made in a fraction of the time. What depends on
        # the server's own setting is tested with it reset (test_store_durability.py).
        admin.execute(
            sql.SQL("ALTER DATABASE {} SET synchronous_commit = off").format(sql.Identifier(name))
        )
    yield f"{postgres_server_url}/{name}"
    with _admin_connection(postgres_server_url) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """URL of a SQLite file in the test's own temporary folder."""
    return f"sqlite:///{tmp_path / 'statusboard.sqlite3'}"


@pytest.fixture(
    params=[
        pytest.param("memory", id="memory"),
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
    ]
)
def database_url(request: pytest.FixtureRequest) -> str:
    """The same test once per store: in memory, SQLite, PostgreSQL."""
    if request.param == "memory":
        return "memory://"
    url: str = request.getfixturevalue(f"{request.param}_url")
    return url


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Any test that reaches the server is a postgres test, so `-m "not postgres"` leaves it out.
    for item in items:
        if "postgres_server_url" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.postgres)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    skipped = [
        report
        for report in terminalreporter.stats.get("skipped", [])
        if POSTGRES_SKIP_REASON in str(getattr(report, "longrepr", ""))
    ]
    if not skipped:
        return
    terminalreporter.section("POSTGRESQL TESTS SKIPPED", sep="!", red=True, bold=True)
    terminalreporter.write_line(
        f"{len(skipped)} PostgreSQL test(s) did NOT run: no server at "
        f"{os.environ.get('STATUSBOARD_TEST_POSTGRES', DEFAULT_POSTGRES_SERVER)}.",
        red=True,
        bold=True,
    )
    terminalreporter.write_line(
        "Concurrency guarantees are only proven on PostgreSQL. Start it, or set "
        "STATUSBOARD_REQUIRE_POSTGRES=1 to turn these skips into failures.",
        red=True,
    )
