"""``statusboard serve``'s projection runner, restarted whenever it exits."""

from __future__ import annotations

import logging
import os
import subprocess
import threading
import time
from collections.abc import Sequence

from prometheus_client import Counter

from adapters.metrics import forget_process
from projections.supervision import Backoff

_log = logging.getLogger("statusboard.supervisor")

#: Held while a process is being started, and by every ``os.fork()`` of this process.
#: ``subprocess.Popen`` waits for its child's exec on a pipe that the exec closes; a gunicorn
#: worker forked meanwhile (its arbiter is this process) inherits that pipe's writing end and,
#: never exec'ing, holds it open for its whole life: the Popen, and with it every later restart
#: of the runner, would wait for that worker to end.
SPAWNING = threading.Lock()
os.register_at_fork(
    before=SPAWNING.acquire, after_in_parent=SPAWNING.release, after_in_child=SPAWNING.release
)


class RunnerSupervisor(threading.Thread):
    """Starts the runner's process and starts it again, after a backoff, each time it exits.

    The runner keeps every board current; whether it was killed, ran out of memory or stopped
    on an error, a board that nobody keeps current is worse than trying again.
    """

    def __init__(self, command: Sequence[str], restarts: Counter, backoff: Backoff) -> None:
        super().__init__(name="runner-supervisor", daemon=True)
        self.command = list(command)
        self.restarts = restarts
        self.backoff = backoff
        self.stopping = threading.Event()
        self.process: subprocess.Popen[bytes] | None = None
        self.owner = os.getpid()
        self._lock = threading.Lock()

    def run(self) -> None:
        while self._start():
            assert self.process is not None
            started = time.monotonic()
            code = self.process.wait()
            if self.stopping.is_set():
                return
            delay = self.backoff.after_exit(time.monotonic() - started)
            _log.warning(
                "projection runner (pid %s) exited with %s; restarting it in %.1f s",
                self.process.pid,
                code,
                delay,
                extra={"fields": {"pid": self.process.pid, "exit": code, "delay_s": delay}},
            )
            self.restarts.inc()
            forget_process(self.process.pid)
            self.stopping.wait(delay)

    def _start(self) -> bool:
        with self._lock:
            if self.stopping.is_set():
                return False
            with SPAWNING:
                self.process = subprocess.Popen(self.command)
            return True

    def stop(self, timeout: float = 15) -> None:
        """The runner is asked to stop (SIGTERM), and killed if it has not after ``timeout``.

        Only in the process that started it: a forked gunicorn worker leaves through the same
        ``finally`` as the server, and has neither this thread nor the runner as its child.
        """
        if os.getpid() != self.owner:
            return
        with self._lock:
            self.stopping.set()
            process = self.process
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.join(timeout)
