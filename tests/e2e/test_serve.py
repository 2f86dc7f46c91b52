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
def serving(postgres_url: str) -> Iterator[tuple[str, subprocess.Popen[str]]]:
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
        yield url, server
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


@pytest.fixture
def served(serving: tuple[str, subprocess.Popen[str]]) -> str:
    return serving[0]


def children(pid: int) -> dict[int, str]:
    """The processes whose parent is ``pid``, with their command lines."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat, open(f"/proc/{entry}/cmdline") as cmdline:
                parent = int(stat.read().rsplit(")", 1)[1].split()[1])
                command = cmdline.read().replace("\0", " ")
        except OSError:
            continue
        if parent == pid:
            found[int(entry)] = command
    return found


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
