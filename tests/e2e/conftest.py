# ruff: noqa: F811 - fixtures arrive as arguments named like their imports
"""Fixtures for the end-to-end tests: the statusboard command, in process and as a program."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner

from adapters.app import create_app
from adapters.runtime import EXTENSION
from adapters.settings import Settings
from tests.e2e.web_support import browser, context, site  # noqa: F401 - the browser tests' fixtures
from tests.integration.http_support import store_url  # noqa: F401 - a fresh store on each

STATUSBOARD = str(Path(sys.executable).with_name("statusboard"))


@pytest.fixture
def app(store_url: str) -> Iterator[Flask]:
    """The app as a deployment has it: tables are made by `db init`, not by the app."""
    app = create_app(
        Settings(database_url=store_url, create_table=False, embedded_projections=False)
    )
    yield app
    app.extensions[EXTENSION].close()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """Runs statusboard commands in process, against the app's database."""
    return app.test_cli_runner()


def statusboard(
    *args: str, database_url: str, check: bool = True, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Runs the installed `statusboard` program with the database in its environment."""
    env = {**os.environ, "DATABASE_URL": database_url, "STATUSBOARD_LOG_LEVEL": "WARNING"}
    result = subprocess.run(
        [STATUSBOARD, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result
