"""Bookings per second and their p95 through the application, for several source trees,
interleaved: the cost of holding each booking on its staff member's schedule (SPEC §12).

Threads book appointments for staff members of their own, in free 30-minute slots of the
default opening hours, on PostgreSQL and without HTTP, so no booking is refused: before
schedules each booking saves one aggregate, after it saves two. Each measurement runs in a
fresh process whose source is ``--tree``'s; repeats alternate the order of the trees (A B,
B A, ...). Medians of the repeats are printed, with each tree's median ratio to the first.

    git archive fbede7e | tar -x -C /tmp/before
    .venv/bin/python -m benchmarks.booking_rate --threads 8 --seconds 8 --repeats 5 \\
        --tree before=/tmp/before --tree after=.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks.move_rate import report

CHILD = "STATUSBOARD_BOOKING_RATE_CHILD"
SLOTS_PER_DAY = 24  # 08:00 to 20:00 in 30 minutes
FIRST_DAY = datetime(2031, 1, 6, 8, 0, tzinfo=UTC)


def child(database_url: str, seconds: float, threads: int, run: str) -> None:
    """Runs in the measured tree; prints its figures as one line of JSON."""
    from application.statusboard import StatusBoard
    from domain.stamp import Stamp
    from storage.eventstore import StoreOptions, store_env

    options = StoreOptions(create_table=False, pool_size=threads, max_overflow=0)
    app = StatusBoard(store_env(database_url, options))
    latencies: list[list[float]] = [[] for _ in range(threads)]
    stop = time.monotonic() + seconds

    def desk(number: int) -> None:
        stamp = Stamp(actor=f"desk-{number}", request_id=run)
        staff = {"id": f"{run}-{number}", "name": f"Staff {number}"}
        slot = 0
        while time.monotonic() < stop:
            day, part = divmod(slot, SLOTS_PER_DAY)
            starts_at = FIRST_DAY + timedelta(days=day, minutes=30 * part)
            began = time.perf_counter()
            app.book_appointment(
                location_id="bench",
                starts_at=starts_at,
                customer={"name": "Bench"},
                services=[{"code": "CUT"}],
                staff=staff,
                stamp=stamp,
            )
            latencies[number].append((time.perf_counter() - began) * 1000)
            slot += 1

    workers = [threading.Thread(target=desk, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    app.close()
    found = sorted(latency for mine in latencies for latency in mine)
    print(
        json.dumps(
            {
                "moves_per_s": len(found) / seconds,
                "p50_ms": found[len(found) // 2],
                "p95_ms": found[int(0.95 * (len(found) - 1))],
            }
        )
    )


def measure(name: str, tree: Path, database_url: str, args: Any, run: str) -> dict[str, float]:
    env = {**os.environ, CHILD: "1", "PYTHONPATH": str(tree.resolve())}
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        f"--url={database_url}",
        f"--seconds={args.seconds}",
        f"--threads={args.threads}",
        f"--run={run}",
    ]
    done = subprocess.run(command, env=env, cwd=tree, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"the run of {name} failed:\n{done.stderr}")
    found: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def stock(database_url: str) -> None:
    from application.statusboard import StatusBoard
    from domain.stamp import Stamp
    from storage.eventstore import StoreOptions, store_env

    app = StatusBoard(store_env(database_url, StoreOptions(create_table=True)))
    stamp = Stamp(actor="bench", request_id="stock")
    app.add_service(
        code="CUT", name="Cut", category="hair", price_cents=1, duration_minutes=30, stamp=stamp
    )
    app.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--tree", action="append", default=[], help="NAME=PATH (repeatable)")
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--run", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if os.environ.get(CHILD):
        child(args.url, args.seconds, args.threads, args.run)
        return
    from benchmarks.load.stack import scratch_database, stop_on_sigterm

    trees = dict(item.split("=", 1) for item in args.tree) or {"this tree": "."}
    stop_on_sigterm()
    with scratch_database("statusboard_booking_rate") as database_url:
        stock(database_url)
        results: dict[str, list[dict[str, float]]] = {name: [] for name in trees}
        for repeat in range(1, args.repeats + 1):
            order = list(trees.items())
            for name, tree in order if repeat % 2 else reversed(order):
                found = measure(name, Path(tree), database_url, args, f"r{repeat}-{name}")
                results[name].append(found)
                rate, p95 = found["moves_per_s"], found["p95_ms"]
                print(f"  repeat {repeat} {name}: {rate:,.0f} bookings/s, p95 {p95:.1f} ms")
    report(results)


if __name__ == "__main__":
    main()
