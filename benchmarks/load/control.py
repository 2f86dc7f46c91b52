"""A control measured in the same run: what pacing costs this machine on work that is not ours.

The service's CPU a move at a paced rate is compared with its CPU a move at saturation. Part of
that ratio is the machine's, not the service's: work that arrives on idle cores pays for each
wake (caches and branch predictors gone cold, a sleeping core woken, the scheduler's path) what
back-to-back work shares or avoids. ``pgbench``'s own transactions on the same PostgreSQL server
show that part: CPU a transaction (its backends and pgbench itself), paced at the same rate
(``-R``, random arrivals as pgbench schedules them) and then saturated by closed-loop clients.

    python -m benchmarks.load.control --rate 200      # or `sweep --control`
    python -m benchmarks.load.control --rate 200 --python   # and the same Python work

``--python`` also times one fixed piece of interpreter work (JSON in and out, a dict built and
sorted: what a request handler does), back to back and then at random moments at ``--rate``,
in sizes from about 0.15 to 5 ms: the CPU a piece costs either way, in this process.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import subprocess
import time
from typing import Any
from urllib.parse import urlsplit

from benchmarks.load.cpu import database_seconds
from benchmarks.load.stack import scratch_database

#: pgbench's scale: 4 branches, 400,000 accounts (about 60 MB), built in a few seconds.
SCALE = 4
PACED_CLIENTS = 4
SATURATING_CLIENTS = 8
#: Sizes of the Python work, in steps of about 10 µs: from about 0.15 to 5 ms of CPU a piece.
PYTHON_STEPS = (15, 60, 150, 500)
#: Left out at each end of a measured window: connecting, and the last transactions.
MARGIN = 0.5


def _children_seconds() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _pgbench_command(database_url: str, *options: str) -> list[str]:
    parts = urlsplit(database_url)
    return [
        "pgbench",
        *("-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432)),
        *("-U", parts.username or "postgres"),
        *options,
        parts.path.lstrip("/"),
    ]


def _pgbench(database_url: str, seconds: int, options: list[str]) -> dict[str, float]:
    """One pgbench run (its built-in TPC-B-like transaction); CPU a transaction of the
    database's backends (sampled inside the run) and of pgbench (over the whole run)."""
    database = urlsplit(database_url).path.lstrip("/")
    client_before = _children_seconds()
    with subprocess.Popen(
        _pgbench_command(database_url, "-n", "-T", str(round(seconds)), *options),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    ) as run:
        time.sleep(MARGIN)
        backends_before, window_started = database_seconds(database), time.monotonic()
        time.sleep(seconds - 2 * MARGIN)
        backends = database_seconds(database) - backends_before
        window = time.monotonic() - window_started
        output, _ = run.communicate()
    if run.returncode != 0:
        raise RuntimeError(f"pgbench failed:\n{output}")
    found = re.search(r"tps = ([0-9.]+)", output)
    if found is None:
        raise RuntimeError(f"pgbench printed no rate:\n{output}")
    tps = float(found.group(1))
    return {
        "tps": round(tps, 1),
        "backends_ms": round(backends * 1000 / (window * tps), 4),
        "pgbench_ms": round((_children_seconds() - client_before) * 1000 / (seconds * tps), 4),
    }


def pgbench_control(rate: float, seconds: int = 8) -> dict[str, Any]:
    """pgbench paced at ``rate`` transactions a second and saturated, on a scratch database of
    the same server; ``ratio`` is the CPU a transaction paced against saturated (backends and
    pgbench together), the machine's share of what the same ratio is for a move."""
    with scratch_database("statusboard_control") as database_url:
        initialise = _pgbench_command(database_url, "-i", "-q", "-s", str(SCALE))
        subprocess.run(initialise, check=True, capture_output=True)
        paced = _pgbench(database_url, seconds, ["-c", str(PACED_CLIENTS), "-R", str(rate)])
        saturated = _pgbench(database_url, seconds, ["-c", str(SATURATING_CLIENTS)])
    total = {
        name: run["backends_ms"] + run["pgbench_ms"]
        for name, run in (("paced", paced), ("saturated", saturated))
    }
    return {
        "rate": rate,
        "paced": paced,
        "saturated": saturated,
        "ratio": round(total["paced"] / total["saturated"], 3),
        "backends_ratio": round(paced["backends_ms"] / saturated["backends_ms"], 3),
    }


#: A document like a move's answer, encoded and decoded by each step of the Python work.
DOCUMENT = {
    "appointment": {"id": "0" * 36, "status": "checked_in", "version": 7, "services": ["CUT"]},
    "applied": True,
    "position": 123456,
}


def _work(steps: int) -> None:
    for _ in range(steps):
        json.loads(json.dumps(DOCUMENT))
        sorted({str(key): key for key in range(20)}.items())


def python_control(rate: float, steps: int, pieces: int = 1000) -> dict[str, float]:
    """CPU milliseconds a piece of ``steps`` steps of work costs back to back, and paced at
    ``rate`` pieces a second at random moments (as the paced clients send)."""
    found = {}
    for name, paced in (("back to back", False), ("paced", True)):
        chance = random.Random(1)
        started, due = time.thread_time(), time.monotonic()
        for _ in range(pieces):
            if paced:
                due += chance.expovariate(rate)
                time.sleep(max(0.0, due - time.monotonic()))
            _work(steps)
        found[name] = (time.thread_time() - started) * 1000 / pieces
    return {**found, "ratio": found["paced"] / found["back to back"]}


def describe(control: dict[str, Any]) -> str:
    paced, saturated = control["paced"], control["saturated"]
    return (
        f"pgbench at {control['rate']:.0f}/s against saturated ({saturated['tps']:.0f}/s):"
        f" CPU a transaction {paced['backends_ms'] + paced['pgbench_ms']:.3f} against"
        f" {saturated['backends_ms'] + saturated['pgbench_ms']:.3f} ms,"
        f" ratio {control['ratio']:.2f} (backends alone {control['backends_ratio']:.2f})"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=200.0, help="transactions/s, paced")
    parser.add_argument("--seconds", type=int, default=8, help="each of the two runs")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--python", action="store_true", help="and the Python work too")
    args = parser.parse_args(argv)
    for _ in range(args.repeats):
        print(describe(pgbench_control(args.rate, args.seconds)), flush=True)
        for steps in PYTHON_STEPS if args.python else ():
            found = python_control(args.rate, steps)
            print(
                f"Python work of {steps} steps: {found['back to back']:.3f} ms CPU a piece back"
                f" to back, {found['paced']:.3f} paced at {args.rate:.0f}/s,"
                f" ratio {found['ratio']:.2f}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
