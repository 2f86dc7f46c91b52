"""`schemathesis run --checks all` against the production server finds the document exact.

The command a reader runs (docs/RELIABILITY.md), with a fixed seed and few examples per
operation: coverage, fuzzing and the stateful phase that follows the document's links. The
allowances for rules a JSON schema cannot state are in schemathesis.toml, read from the root.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.e2e.test_unread_bodies import ROOT, served

pytestmark = pytest.mark.slow

SCHEMATHESIS = str(Path(sys.executable).with_name("schemathesis"))
EXAMPLES = 8
SEED = 1
HAIRCUT = {
    "code": "HAIRCUT",
    "name": "Haircut",
    "category": "Hair",
    "price_cents": 2500,
    "duration_minutes": 30,
}


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
    ]
)
def server(request: pytest.FixtureRequest) -> Iterator[tuple[str, str]]:
    """The served app on a fresh database with one service, and an admin token."""
    database_url: str = request.getfixturevalue(f"{request.param}_url")
    serve = request.param == "postgres"  # gunicorn alone runs no projections there
    with served(database_url, roles=("admin",), serve=serve) as (url, tokens):
        admin = {"Authorization": f"Bearer {tokens['admin']}"}
        added = requests.post(f"{url}/api/admin/services", json=HAIRCUT, headers=admin, timeout=10)
        assert added.status_code == 201, added.text
        yield url, tokens["admin"]


class TestOpenApiContract:
    def test_schemathesis_finds_no_failure(self, server: tuple[str, str]) -> None:
        url, token = server
        command = [
            SCHEMATHESIS,
            "run",
            f"{url}/api/openapi.json",
            "--checks",
            "all",
            "--header",
            f"Authorization: Bearer {token}",
            "--seed",
            str(SEED),
            "--max-examples",
            str(EXAMPLES),
        ]
        run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)

        assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
        assert "Stateful" in run.stdout
