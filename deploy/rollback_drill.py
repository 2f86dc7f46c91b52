"""The rollback drill (`make rollback-drill [REF=tag-or-commit]`), timed step by step.

Installs the previous release (the last git tag, or REF) and this one (HEAD) side by side in two
virtual environments, on a scratch PostgreSQL database: the previous release serves first and
records itself, this one is rolled out over it and run under a short load, `release
check-rollback` decides whether the previous one may come back, it comes back (`smoke`, `audit
verify --all`), and this one is rolled forward again. A refused check ends the drill, exit 1,
before the previous release starts. Both environments share this checkout's dependencies.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SERVER = os.environ.get("STATUSBOARD_DRILL_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
STEPS: list[tuple[str, float]] = []


@contextmanager
def step(name: str) -> Iterator[None]:
    print(f"… {name}", flush=True)
    started = time.perf_counter()
    yield
    STEPS.append((name, time.perf_counter() - started))
    print(f"✓ {name} ({STEPS[-1][1]:.1f} s)", flush=True)


def git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.strip()


def previous_ref(given: str | None) -> str:
    if given:
        return given
    try:
        return git("describe", "--tags", "--abbrev=0", "HEAD^")
    except subprocess.CalledProcessError:
        sys.exit("no git tag before HEAD: name the previous release with REF=<tag or commit>")


def install(ref: str, into: Path) -> Path:
    """The tree at ``ref``, installed (not editable) in a venv that borrows our dependencies."""
    source = into / "src"
    source.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", ref], cwd=ROOT, check=True, capture_output=True)
    subprocess.run(["tar", "-x", "-C", str(source)], input=archive.stdout, check=True)
    venv = into / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = next((venv / "lib").glob("python*/site-packages"))
    (site / "shared-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--no-deps"]
    subprocess.run([*pip, str(source)], check=True, cwd=into)
    return venv / "bin" / "statusboard"


@contextmanager
def scratch_database() -> Iterator[str]:
    name = f"statusboard_drill_{uuid.uuid4().hex[:12]}"
    psql = ["psql", f"{SERVER}/postgres", "-q", "-v", "ON_ERROR_STOP=1", "-c"]
    subprocess.run([*psql, f'CREATE DATABASE "{name}"'], check=True)
    try:
        yield f"{SERVER}/{name}"
    finally:
        subprocess.run([*psql, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'], check=False)


class Release:
    def __init__(self, name: str, command: Path, database_url: str) -> None:
        self.name, self.command = name, command
        self.env = {**os.environ, "DATABASE_URL": database_url, "STATUSBOARD_LOG_LEVEL": "WARNING"}

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [str(self.command), *args], env=self.env, capture_output=True, text=True
        )
        if check and done.returncode != 0:
            sys.exit(
                f"{self.name}: statusboard {' '.join(args)} failed:\n{done.stdout}{done.stderr}"
            )
        return done

    @contextmanager
    def serving(self) -> Iterator[str]:
        port = free_port()
        server = subprocess.Popen(
            [str(self.command), "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_ready(url, server)
            yield url
        finally:
            server.terminate()
            server.wait(timeout=30)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_ready(url: str, server: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"the server at {url} exited with {server.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/readyz", timeout=2):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    sys.exit(f"the server at {url} was not ready within {timeout:.0f} s")


def call(url: str, token: str, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"{url}/api/admin{path}", data=data, method=method)
    request.add_header("Authorization", f"Bearer {token}")
    request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, None


def load(url: str, token: str, seconds: float, clients: int = 4) -> dict[int, int]:
    """Clients book, reschedule and move appointments for ``seconds``; answers by status."""
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    code = call(url, token, "GET", "/services?limit=1")[1]["items"][0]["code"]
    stop = time.monotonic() + seconds

    def client(seed: int) -> None:
        chance = random.Random(seed)
        while time.monotonic() < stop:
            starts = datetime.now(UTC).replace(microsecond=0) + timedelta(
                minutes=chance.randrange(600)
            )
            booking = {
                "location_id": "drill",
                "starts_at": starts.isoformat(),
                "customer": {"name": f"Drill {seed}"},
                "services": [{"code": code}],
            }
            status, made = call(url, token, "POST", "/appointments", booking)
            answers = [status]
            if status == 201:
                later = (starts + timedelta(minutes=15)).isoformat()
                status, edited = call(
                    url,
                    token,
                    "PATCH",
                    f"/appointments/{made['id']}",
                    {"expected_version": 1, "starts_at": later},
                )
                answers.append(status)
                move = {"to_status": "checked_in", "expected_version": 2}
                answers.append(
                    call(url, token, "POST", f"/appointments/{made['id']}/move", move)[0]
                )
            with lock:
                for answer in answers:
                    statuses[answer] = statuses.get(answer, 0) + 1

    threads = [threading.Thread(target=client, args=(seed,)) for seed in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def checked_and_served(release: Release, token: str) -> None:
    with release.serving() as url:
        release.run("smoke", url, "--token", token)
    release.run("audit", "verify", "--all")


def drill(old: Release, new: Release, load_seconds: float) -> None:
    with step(f"{old.name}: db init, record, seed"):
        old.run("db", "init")
        old.run("release", "record", old.name)
        old.run(
            "seed-demo", "--locations", "2", "--days", "2", "--per-day", "40", "--services", "20"
        )
        token = old.run(
            "tokens", "create", "--name", "drill", "--role", "admin"
        ).stdout.splitlines()[-1]
    with step(f"{new.name}: roll out (db init, record) and serve under load"):
        new.run("db", "init")
        new.run("release", "record", new.name)
        with new.serving() as url:
            print(f"  answers by status: {load(url, token, load_seconds)}")
    with step(f"{new.name}: release check-rollback {old.name}"):
        checked = new.run("release", "check-rollback", old.name, check=False)
        print("  " + (checked.stdout + checked.stderr).strip().replace("\n", "\n  "))
        if checked.returncode != 0:
            sys.exit(f"rolling back to {old.name} is refused; nothing was started")
    with step(f"{old.name}: roll back, smoke, audit verify --all"):
        for name in rebuilds(checked.stdout):
            old.run("projections", "rebuild", name)
        checked_and_served(old, token)
    with step(f"{new.name}: roll forward, smoke, audit verify --all"):
        new.run("db", "init")
        checked_and_served(new, token)


def rebuilds(report: str) -> list[str]:
    prefix = "After rolling back, rebuild: "
    lines = [line for line in report.splitlines() if line.startswith(prefix)]
    return lines[0].removeprefix(prefix).split(", ") if lines else []


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ref", help="the previous release: a tag or commit (default: last tag)")
    parser.add_argument("--load-seconds", type=float, default=10.0)
    args = parser.parse_args()
    ref = previous_ref(args.ref)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="statusboard-drill-") as scratch:
        with step(f"install {ref} and HEAD side by side"):
            old_command = install(ref, Path(scratch) / "previous")
            new_command = install("HEAD", Path(scratch) / "current")
        with scratch_database() as database_url:
            old = Release(f"previous-{git('rev-parse', '--short', ref)}", old_command, database_url)
            new = Release(
                f"current-{git('rev-parse', '--short', 'HEAD')}", new_command, database_url
            )
            drill(old, new, args.load_seconds)
    total = time.perf_counter() - started
    print("\nstep times:")
    for name, seconds in STEPS:
        print(f"  {seconds:6.1f} s  {name}")
    print(f"  {total:6.1f} s  in all (target: under 180 s)")
    return 0 if total < 180 else 1


if __name__ == "__main__":
    sys.exit(main())
