"""`statusboard run`: one command runs the whole thing on a laptop, with SQLite."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

from tests.e2e.conftest import STATUSBOARD
from tests.e2e.serve_support import free_port


def interruptible() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_run_prints_an_admin_url_and_serves_the_board(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'board.sqlite3'}"}
    server = subprocess.Popen(
        [STATUSBOARD, "run", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        # Ctrl-C as at a terminal, even when the suite itself runs where SIGINT is ignored
        # (started in the background), which the server would inherit.
        preexec_fn=interruptible,
    )
    try:
        assert server.stdout is not None
        lines = [server.stdout.readline() for _ in range(2)]
        match = re.search(
            rf"http://127\.0\.0\.1:{port}/\?location=downtown#token=(sb_\S+)", lines[1]
        )
        assert match, lines
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/admin/appointments/board?location=main",
            headers={"Authorization": f"Bearer {match[1]}"},
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                with urllib.request.urlopen(request, timeout=2) as response:
                    assert response.status == 200
                    break
            except OSError:
                assert time.monotonic() < deadline
                time.sleep(0.1)
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=20)
