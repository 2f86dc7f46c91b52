"""A deployment in miniature for measurements: a scratch PostgreSQL database, `statusboard db
init`, demo data, a token, and `statusboard serve` (gunicorn and its projection runner) on a free
port — all made with the real commands, and all removed afterwards, whatever happens."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql

SERVER = os.environ.get("STATUSBOARD_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
STATUSBOARD = str(Path(sys.executable).with_name("statusboard"))


@dataclass(frozen=True)
class Seed:
    locations: int
    days: int
    per_day: int


@dataclass(frozen=True)
class Stack:
    url: str
    token: str
    database_url: str
    server_pid: int
    #: The server's log (JSON request lines at INFO), when this process started the server.
    log_path: Path | None = None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def scratch_database(prefix: str = "statusboard_load") -> Iterator[str]:
    """A fresh empty database, dropped on the way out (connections and all)."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield f"{SERVER}/{name}"
    finally:
        with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def statusboard(database_url: str, *args: str, timeout: float = 1800) -> str:
    """Runs one `statusboard` command and returns what it printed."""
    env = {**os.environ, "DATABASE_URL": database_url, "STATUSBOARD_LOG_LEVEL": "WARNING"}
    done = subprocess.run(
        [STATUSBOARD, *args], env=env, capture_output=True, text=True, timeout=timeout
    )
    if done.returncode != 0:
        raise RuntimeError(f"statusboard {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def prepare(database_url: str, seed: Seed) -> str:
    """Tables, demo data and an admin token; returns the token."""
    statusboard(database_url, "db", "init")
    statusboard(
        database_url,
        "seed-demo",
        f"--locations={seed.locations}",
        f"--days={seed.days}",
        f"--per-day={seed.per_day}",
    )
    created = statusboard(database_url, "tokens", "create", "--name", "load", "--role", "admin")
    return created.strip().splitlines()[-1]


@contextmanager
def served(
    database_url: str,
    *,
    workers: int | None = None,
    threads: int | None = None,
    log_path: Path | None = None,
    log_level: str = "INFO",
    options: Sequence[str] = (),
) -> Iterator[tuple[str, int]]:
    """`statusboard serve` on a free port until the block ends; yields (URL, server pid)."""
    url = f"http://127.0.0.1:{free_port()}"
    command = [STATUSBOARD, "serve", "--bind", url.removeprefix("http://"), *options]
    if workers:
        command += ["--workers", str(workers)]
    if threads:
        command += ["--threads", str(threads)]
    env = {**os.environ, "DATABASE_URL": database_url, "STATUSBOARD_LOG_LEVEL": log_level}
    log = open(log_path or os.devnull, "w")  # noqa: SIM115 - closed below
    server = subprocess.Popen(
        command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        wait_until_ready(url, server)
        yield url, server.pid
    finally:
        stop(server)
        log.close()


def wait_until_ready(url: str, server: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"statusboard serve exited with {server.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/readyz", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"statusboard serve was not ready within {timeout:.0f} s")


def stop(server: subprocess.Popen[bytes]) -> None:
    """SIGTERM (gunicorn stops its workers, serve its runner), then SIGKILL the whole group."""
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        with suppress(subprocess.TimeoutExpired):
            server.wait(timeout=30)
    with suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGKILL)
    server.wait()


@contextmanager
def local_stack(
    seed: Seed,
    *,
    workers: int | None = None,
    threads: int | None = None,
    log_path: Path | None = None,
    log_level: str = "INFO",
    options: Sequence[str] = (),
) -> Iterator[Stack]:
    with scratch_database() as database_url:
        token = prepare(database_url, seed)
        with served(
            database_url,
            workers=workers,
            threads=threads,
            log_path=log_path,
            log_level=log_level,
            options=options,
        ) as (url, pid):
            yield Stack(url, token, database_url, pid, log_path)


def stop_on_sigterm() -> None:
    """A SIGTERM unwinds like Ctrl-C, so every `finally` (servers, database) still runs."""

    def _raise(_signal: int, _frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _raise)
