"""A real deployment in miniature: `db init`, a token, `serve` with its runner, then `smoke`."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from tests.e2e.conftest import STATUSBOARD, statusboard

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_ready(url: str, server: subprocess.Popen[str], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        assert server.poll() is None, f"serve exited with {server.returncode}"
        try:
            with urllib.request.urlopen(f"{url}/readyz", timeout=2) as response:
                if response.status == 200:
                    return
        except urllib.error.HTTPError as error:
            last = error.read().decode()
        except OSError as error:
            last = str(error)
        time.sleep(0.2)
    raise AssertionError(f"not ready within {timeout}s: {last}")


@pytest.fixture
def served(postgres_url: str) -> Iterator[str]:
    """`statusboard serve` (two gunicorn workers and a runner) on a fresh database."""
    statusboard("db", "init", database_url=postgres_url)
    url = f"http://127.0.0.1:{free_port()}"
    env = {**os.environ, "DATABASE_URL": postgres_url, "STATUSBOARD_LOG_LEVEL": "WARNING"}
    server = subprocess.Popen(
        [STATUSBOARD, "serve", "--bind", url.removeprefix("http://"), "--workers", "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        wait_until_ready(url, server)
        yield url
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        else:
            # The runner is the server's child: SIGTERM to the server stops it as well.
            with pytest.raises(ProcessLookupError):
                os.killpg(server.pid, 0)


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
