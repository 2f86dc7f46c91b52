"""`statusboard serve` as a deployment runs it, for the tests that need a real server."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO, Any

from tests.e2e.conftest import STATUSBOARD, statusboard


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_ready(
    url: str, server: subprocess.Popen[str], timeout: float = 30, output: IO[str] | None = None
) -> None:
    """Until /readyz answers 200; a server that exits instead fails with what it printed."""
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        if server.poll() is not None:
            printed = ""
            if output is not None:
                output.seek(0)
                printed = output.read()[-4000:]
            raise AssertionError(f"serve exited with {server.returncode}; it printed:\n{printed}")
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


@contextmanager
def serve(postgres_url: str, *options: str) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """`statusboard serve` on a fresh database until the block ends; yields its URL and process.

    SIGTERM to the server stops its workers and its runner: nothing is left in its group.
    """
    statusboard("db", "init", database_url=postgres_url)
    url = f"http://127.0.0.1:{free_port()}"
    env = {**os.environ, "DATABASE_URL": postgres_url, "STATUSBOARD_LOG_LEVEL": "WARNING"}
    # A file, not a pipe: nobody reads the output while the server runs, and a full pipe
    # would stop it mid-request.
    with tempfile.TemporaryFile("w+") as output:
        server = subprocess.Popen(
            [STATUSBOARD, "serve", "--bind", url.removeprefix("http://"), *options],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        try:
            wait_until_ready(url, server, output=output)
            try:
                yield url, server
            except AssertionError as failure:  # what the server said is half of the story
                output.seek(0)
                printed = output.read()[-6000:]
                raise AssertionError(f"{failure}\nserve printed:\n{printed}") from None
        finally:
            _stop(server, output)


def _stop(server: subprocess.Popen[str], output: IO[str]) -> None:
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
        output.seek(0)
        raise AssertionError(f"serve did not stop; its output:\n{output.read()}") from None
    try:
        os.killpg(server.pid, 0)
    except ProcessLookupError:
        return
    os.killpg(server.pid, signal.SIGKILL)
    raise AssertionError("serve left processes behind")


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


def runner_pids(server: subprocess.Popen[str]) -> list[int]:
    return [pid for pid, command in children(server.pid).items() if "projections run" in command]


def get(url: str) -> tuple[dict[str, str], bytes]:
    """Over a fresh connection: the answer's headers and body, whatever its status."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return dict(error.headers), error.read()


def metric(url: str, sample: str) -> float | None:
    """One sample's value in a scrape of ``/metrics`` (the line's name and labels, exactly)."""
    for line in get(f"{url}/metrics")[1].decode().splitlines():
        name, _, value = line.rpartition(" ")
        if name == sample:
            return float(value)
    return None


def projections(url: str) -> list[dict[str, Any]]:
    """Each projection's status as /readyz reports it (an empty list while it is not ready)."""
    body = json.loads(get(f"{url}/readyz")[1] or b"{}")
    found: list[dict[str, Any]] = body.get("projections", [])
    return found


def wait_for(check: Callable[[], bool], timeout: float, interval: float = 0.05) -> float:
    """Seconds until ``check`` held; fails after ``timeout``."""
    started = time.monotonic()
    while not check():
        assert time.monotonic() - started < timeout, f"not within {timeout} s"
        time.sleep(interval)
    return time.monotonic() - started
