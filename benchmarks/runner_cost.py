"""What the projection runner costs per move, and how far behind it runs, at a steady rate.

Moves are made in this process at ``--rate`` per second (through the application, no HTTP)
while `statusboard projections run` follows them in a process of its own; the runner's CPU, the
database backends' CPU (the runner's queries and the moves' own writes) and each move's
read-your-writes lag are measured. ``--tree`` runs the runner from another source tree (for
example ``git archive`` of an older commit), so two versions can be compared in one run;
repeats alternate between the trees.

    .venv/bin/python -m benchmarks.runner_cost --rate 100 --seconds 8 --repeats 3 \\
        --tree before=/tmp/before --tree after=.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID

import psutil

from application.statusboard import StatusBoard
from benchmarks.ceilings import catch_up, deal_cards
from benchmarks.load.cpu import database_seconds
from benchmarks.load.lag import Sampler, move_lags
from benchmarks.load.report import percentile
from benchmarks.load.run import location_names, seeded_days
from benchmarks.load.stack import Seed, prepare, scratch_database, stop_on_sigterm
from benchmarks.moves import Card
from domain.stamp import Stamp
from storage.eventstore import StoreOptions, store_env

SEED = Seed(locations=4, days=3, per_day=200)


def _cpu(pid: int) -> float:
    try:
        process = psutil.Process(pid)
        family = [process, *process.children(recursive=True)]
        return sum(p.cpu_times().user + p.cpu_times().system for p in family)
    except psutil.NoSuchProcess:
        return 0.0


def measure(
    url: str, tree: Path, app: StatusBoard, cards: list[Card], rate: float, seconds: float
) -> dict[str, float | None]:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "PYTHONPATH": str(tree.resolve()),
        "STATUSBOARD_LOG_LEVEL": "WARNING",
    }
    runner = subprocess.Popen(
        [sys.executable, "-m", "adapters.cli", "projections", "run"],
        env=env,
        cwd="/",
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    sampler = Sampler(None, url)
    try:
        time.sleep(3)  # leadership taken, caught up
        sampler.start()
        database = url.rsplit("/", 1)[1]
        runner_before, database_before = _cpu(runner.pid), database_seconds(database)
        samples, stamp, started = [], Stamp("bench", "runner-cost"), time.monotonic()
        for turn in range(int(rate * seconds)):
            card = cards[turn % len(cards)]
            move = card.next_move()
            before = time.time()
            outcome = app.move_appointment(
                UUID(card.id),
                move["to_status"],
                move.get("reason"),
                expected_version=move["expected_version"],
                stamp=stamp,
            )
            samples.append([before, "move", (time.time() - before) * 1000, 200, outcome.position])
            card.status, card.version = outcome.aggregate.status, outcome.version
            time.sleep(max(0.0, started + (turn + 1) / rate - time.monotonic()))
        elapsed = time.monotonic() - started
        time.sleep(1.0)
        moves = len(samples)
        runner_ms = (_cpu(runner.pid) - runner_before) * 1000 / moves
        database_ms = (database_seconds(database) - database_before) * 1000 / moves
    finally:
        sampler.stop()
        runner.send_signal(signal.SIGTERM)
        try:
            runner.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(runner.pid, signal.SIGKILL)
            runner.wait()
    lags = move_lags(samples, sampler.positions, "board")
    return {
        "moves_per_s": moves / elapsed,
        "runner_cpu_ms_per_move": runner_ms,
        "database_cpu_ms_per_move": database_ms,
        "board_lag_p50_ms": percentile(lags, 0.50),
        "board_lag_p95_ms": percentile(lags, 0.95),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rate", type=float, default=100.0, help="moves per second")
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--tree", action="append", default=[], help="NAME=PATH (repeatable)")
    args = parser.parse_args()
    trees = dict(item.split("=", 1) for item in args.tree) or {"this tree": "."}
    stop_on_sigterm()
    with scratch_database("statusboard_runner_cost") as url:
        prepare(url, SEED)
        read_side = catch_up(url)
        days = seeded_days(SEED.days, datetime.now(UTC).date())
        spots = [(location, days[-1]) for location in location_names(SEED.locations)]
        (cards,) = deal_cards(read_side, spots, 1, 800)
        read_side.close()
        app = StatusBoard(store_env(url, StoreOptions(create_table=False)))
        results: dict[str, list[dict[str, float | None]]] = {name: [] for name in trees}
        for repeat in range(args.repeats):
            for name, tree in trees.items():
                found = measure(url, Path(tree), app, cards, args.rate, args.seconds)
                results[name].append(found)
                print(
                    f"  repeat {repeat + 1} {name}: "
                    + ", ".join(
                        f"{key} {value:.2f}" for key, value in found.items() if value is not None
                    ),
                    flush=True,
                )
        app.close()
    print(f"\nmedians of {args.repeats} repeats at {args.rate:.0f} moves/s:")
    for name, runs in results.items():
        keys = runs[0].keys()
        print(
            f"  {name}: "
            + ", ".join(
                f"{key} {statistics.median(r[key] for r in runs if r[key] is not None):.2f}"
                for key in keys
            )
        )


if __name__ == "__main__":
    main()
