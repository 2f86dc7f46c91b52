"""A real deployment in miniature: `db init`, a token, `serve` with its runner, then `smoke`."""

from __future__ import annotations

import json
import os
import subprocess
import urllib.request
from collections.abc import Iterator

import pytest

from tests.e2e.conftest import statusboard
from tests.e2e.serve_support import children, serve

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


@pytest.fixture
def serving(postgres_url: str) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """`statusboard serve` (two gunicorn workers and a runner) on a fresh database."""
    with serve(postgres_url, "--workers", "2") as running:
        yield running


@pytest.fixture
def served(serving: tuple[str, subprocess.Popen[str]]) -> str:
    return serving[0]


def test_the_web_workers_yield_the_cpu_to_the_projection_runner(
    serving: tuple[str, subprocess.Popen[str]],
) -> None:
    _, server = serving
    found = children(server.pid)
    runners = [pid for pid, command in found.items() if "projections run" in command]
    workers = [pid for pid in found if pid not in runners]
    base = os.getpriority(os.PRIO_PROCESS, server.pid)

    assert len(runners) == 1 and len(workers) == 2
    assert os.getpriority(os.PRIO_PROCESS, runners[0]) == base
    assert {os.getpriority(os.PRIO_PROCESS, pid) for pid in workers} == {min(base + 5, 19)}


def test_smoke_passes_against_a_served_postgres_deployment(served: str, postgres_url: str) -> None:
    token = (
        statusboard(
            "tokens", "create", "--name", "smoke", "--role", "admin", database_url=postgres_url
        )
        .stdout.strip()
        .splitlines()[-1]
    )

    result = statusboard("smoke", served, "--token", token, database_url=postgres_url, check=False)

    assert result.returncode == 0, result.stdout + result.stderr
    checks = [line for line in result.stdout.splitlines() if line.startswith(("PASS", "FAIL"))]
    assert len(checks) == 6 and all(line.startswith("PASS") for line in checks)
    with urllib.request.urlopen(f"{served}/metrics") as response:
        assert b"statusboard_http_request_duration_seconds" in response.read()


def test_smoke_fails_with_a_wrong_token(served: str, postgres_url: str) -> None:
    result = statusboard(
        "smoke", served, "--token", "sb_wrong", database_url=postgres_url, check=False
    )

    assert result.returncode == 1
    assert "FAIL board" in result.stdout
    assert json.dumps("sb_wrong") not in result.stdout
