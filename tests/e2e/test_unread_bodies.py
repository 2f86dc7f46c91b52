"""A body the service does not read leaves other clients' kept-alive connections alone.

`gunicorn -w 2 --threads 4 wsgi:app`, as the issue ran it (gunicorn's keep-alive of two seconds):
one session sends small requests while another sends bodies the service answers without reading.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from adapters.app import MAX_BODY_BYTES
from tests.e2e.conftest import STATUSBOARD, statusboard
from tests.e2e.serve_support import free_port, wait_until_ready

pytestmark = pytest.mark.slow

GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
ROOT = Path(__file__).resolve().parents[2]
API = "/api/admin"
ROUNDS = 12
OVERSIZED = b'{"notes": "' + b"a" * (MAX_BODY_BYTES + 6 * 1024) + b'"}'


def token(database_url: str, role: str) -> str:
    created = statusboard(
        "tokens", "create", "--name", role, "--role", role, database_url=database_url
    )
    return created.stdout.strip().splitlines()[-1]


@contextlib.contextmanager
def served(
    database_url: str, roles: tuple[str, ...] = ("viewer", "admin"), *, serve: bool = False
) -> Iterator[tuple[str, dict[str, str]]]:
    """`gunicorn -w 2 --threads 4 wsgi:app` (or `statusboard serve`, which also runs the
    projections of a PostgreSQL store) on an initialised database, and a token per role."""
    statusboard("db", "init", database_url=database_url)
    tokens = {role: token(database_url, role) for role in roles}
    url = f"http://127.0.0.1:{free_port()}"
    env = {**os.environ, "DATABASE_URL": database_url, "STATUSBOARD_LOG_LEVEL": "WARNING"}
    command = [GUNICORN, "-w", "2", "--threads", "4", "-k", "gthread", "-b", url[7:], "wsgi:app"]
    if serve:
        command = [STATUSBOARD, "serve", "--bind", url[7:], "--workers", "2"]
    server = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_until_ready(url, server)  # type: ignore[arg-type]
        yield url, tokens
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


@pytest.fixture(scope="module")
def gunicorn(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    """The production app under gunicorn's threaded workers, on SQLite."""
    with served(f"sqlite:///{tmp_path_factory.mktemp('unread') / 'statusboard.sqlite3'}") as up:
        yield up


#: Requests answered before their body is read: path, role of the token, and the answer.
UNREAD = {
    "oversized": (f"{API}/appointments", "admin", 413),
    "no token": (f"{API}/appointments", None, 401),
    "role too low": (f"{API}/services", "viewer", 403),
    "no such path": (f"{API}/nowhere", "admin", 404),
}


class TestUnreadBodies:
    @pytest.mark.parametrize("kind", UNREAD)
    def test_other_sessions_keep_their_connections(
        self, gunicorn: tuple[str, dict[str, str]], kind: str
    ) -> None:
        url, tokens = gunicorn
        path, role, status = UNREAD[kind]
        mine, theirs = requests.Session(), requests.Session()
        mine.headers["Authorization"] = f"Bearer {tokens['viewer']}"
        headers = {"Content-Type": "application/json"}
        if role is not None:
            headers["Authorization"] = f"Bearer {tokens[role]}"
        failures: list[str] = []
        for round_ in range(ROUNDS):
            for when in ("before", "after"):
                try:
                    assert mine.get(f"{url}{API}/services").status_code == 200
                except requests.ConnectionError as error:
                    failures.append(f"round {round_}, {when}: {error}")
                if when == "before":
                    answer = theirs.post(f"{url}{path}", data=OVERSIZED, headers=headers)
                    assert answer.status_code == status, answer.text[:200]
        assert failures == []
