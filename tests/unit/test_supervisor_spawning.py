"""Starting the runner's process and forking gunicorn's workers take turns."""

from __future__ import annotations

import os
import threading

from adapters.supervisor import SPAWNING


def fork_and_reap(forked: threading.Event) -> None:
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
    forked.set()


class TestForkingWhileTheRunnerIsStarted:
    def test_a_fork_waits_until_the_process_being_started_has_exec_d(self) -> None:
        forked = threading.Event()
        forker = threading.Thread(target=fork_and_reap, args=(forked,))

        with SPAWNING:  # as RunnerSupervisor holds it around subprocess.Popen
            forker.start()
            assert not forked.wait(0.3)
        forker.join(10)

        assert forked.is_set()

    def test_after_a_fork_both_processes_can_start_processes_again(self) -> None:
        pid = os.fork()
        if pid == 0:
            os._exit(0 if SPAWNING.acquire(timeout=5) else 1)
        _, status = os.waitpid(pid, 0)

        assert os.waitstatus_to_exitcode(status) == 0
        assert SPAWNING.acquire(timeout=5)
        SPAWNING.release()
