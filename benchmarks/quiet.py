"""Waits until the machine is quiet, then runs a command: measurements on a shared machine are
only comparable when nothing else is using it.

    .venv/bin/python -m benchmarks.quiet --max-wait 1800 -- make loadtest

Quiet means: the CPUs were less than ``--busy`` percent busy over each of ``--windows``
consecutive ``--window``-second windows. After ``--max-wait`` seconds it gives up (exit 3)
unless ``--anyway`` is given, in which case it runs the command and says so.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

import psutil


def wait_for_quiet(busy: float, window: float, windows: int, max_wait: float) -> bool:
    deadline = time.monotonic() + max_wait
    quiet = 0
    while time.monotonic() < deadline:
        percent = psutil.cpu_percent(interval=window)
        quiet = quiet + 1 if percent < busy else 0
        print(
            f"  CPUs {percent:5.1f}% busy, load average {os.getloadavg()[0]:.2f}"
            f" ({quiet}/{windows} quiet windows)",
            flush=True,
        )
        if quiet >= windows:
            return True
    return False


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--busy", type=float, default=15.0, help="percent, all CPUs")
    parser.add_argument("--window", type=float, default=10.0)
    parser.add_argument("--windows", type=int, default=3)
    parser.add_argument("--max-wait", type=float, default=1800.0)
    parser.add_argument("--anyway", action="store_true", help="run even if never quiet")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the command to run after --")
    if not wait_for_quiet(args.busy, args.window, args.windows, args.max_wait):
        if not args.anyway:
            print(f"the machine was not quiet within {args.max_wait:.0f} s; not running")
            return 3
        print("the machine was not quiet; running anyway (say so next to the figures)")
    return subprocess.run(command).returncode


if __name__ == "__main__":
    sys.exit(main())
