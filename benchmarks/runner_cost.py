"""What the projection runner costs per move, and how far behind it runs, at a steady rate.

Moves are made in this process at ``--rate`` per second (through the application, no HTTP;
``--rate 0``: as fast as ``--clients`` threads can, which saturates the database) while
`statusboard projections run` follows them in a process of its own. Measured per move: the
runner's CPU; the database backends' CPU (all of this database's: the runner's queries, the
moves' own writes and the 5 ms position polling of the lag measurement) and that of the
runner's own connections; the statements the runner sent (counted in its process by
``benchmarks/counted_runner.py``); and each move's read-your-writes lag. ``--tree`` runs the
runner from another source tree (for example ``git archive`` of an older commit), so two
versions can be compared in one run; repeats alternate between the trees.

    .venv/bin/python -m benchmarks.runner_cost --rate 200 --rate 0 --seconds 8 --repeats 3 \\
        --tree before=/tmp/before --tree after=.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil

from application.statusboard import StatusBoard
from benchmarks.ceilings import catch_up, deal_cards
from benchmarks.load.cpu import database_seconds, voluntary_switches
from benchmarks.load.lag import Sampler, move_lags
from benchmarks.load.report import percentile
from benchmarks.load.run import location_names, seeded_days
from benchmarks.load.stack import Seed, prepare, scratch_database, stop_on_sigterm
from benchmarks.moves import Card, move_once
from domain.stamp import Stamp
from storage.eventstore import StoreOptions, store_env

SEED = Seed(locations=4, days=3, per_day=200)
COUNTED_RUNNER = Path(__file__).with_name("counted_runner.py").resolve()
Sample = list[Any]


def _cpu(pid: int) -> float:
    try:
        process = psutil.Process(pid)
        family = [process, *process.children(recursive=True)]
        return sum(p.cpu_times().user + p.cpu_times().system for p in family)
    except psutil.NoSuchProcess:
        return 0.0


def _runner_backends(pid: int) -> dict[int, float]:
    """CPU seconds of the PostgreSQL backends serving the runner's connections, by backend."""
    try:
        ports = {c.laddr.port for c in psutil.Process(pid).net_connections("tcp") if c.raddr}
    except psutil.NoSuchProcess:
        return {}
    found = {}
    for process in psutil.process_iter(["cmdline"]):
        command = " ".join(process.info.get("cmdline") or [])
        if command.startswith("postgres:") and any(f"({port})" in command for port in ports):
            try:
                times = process.cpu_times()
            except psutil.NoSuchProcess:
                continue
            found[process.pid] = times.user + times.system
    return found


def _statements(path: Path) -> dict[str, int]:
    try:
        return {k: int(v) for k, v in json.loads(path.read_text()).items()}
    except (OSError, ValueError):
        return {}


def _move(app: StatusBoard, card: Card, stamp: Stamp) -> Sample:
    before = time.time()
    outcome = move_once(app, card, stamp)
    return [before, "move", (time.time() - before) * 1000, 200, outcome.position]


def paced_moves(app: StatusBoard, cards: list[Card], rate: float, seconds: float) -> list[Sample]:
    samples, stamp, started = [], Stamp("bench", "runner-cost"), time.monotonic()
    for turn in range(int(rate * seconds)):
        samples.append(_move(app, cards[turn % len(cards)], stamp))
        time.sleep(max(0.0, started + (turn + 1) / rate - time.monotonic()))
    return samples


def saturating_moves(app: StatusBoard, hands: list[list[Card]], seconds: float) -> list[Sample]:
    """As many moves as ``len(hands)`` threads make in ``seconds``, each moving its own cards."""
    samples: list[Sample] = []
    until = time.monotonic() + seconds

    def client(cards: list[Card]) -> None:
        stamp, turn = Stamp("bench", "runner-cost"), 0
        while time.monotonic() < until:
            samples.append(_move(app, cards[turn % len(cards)], stamp))
            turn += 1

    threads = [threading.Thread(target=client, args=(hand,)) for hand in hands]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return samples


@contextmanager
def running(url: str, tree: Path, counts: Path) -> Iterator[subprocess.Popen[bytes]]:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "PYTHONPATH": str(tree.resolve()),
        "STATUSBOARD_LOG_LEVEL": "WARNING",
        "STATUSBOARD_STATEMENT_COUNTS": str(counts),
    }
    runner = subprocess.Popen(
        [sys.executable, str(COUNTED_RUNNER)],
        env=env,
        cwd="/",
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        yield runner
    finally:
        runner.send_signal(signal.SIGTERM)
        try:
            runner.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(runner.pid, signal.SIGKILL)
            runner.wait()


def measure(
    url: str, tree: Path, app: StatusBoard, hands: list[list[Card]], rate: float, seconds: float
) -> dict[str, float | None]:
    counts = Path(tempfile.mkdtemp()) / "statements.json"
    sampler = Sampler(None, url)
    database = url.rsplit("/", 1)[1]
    with running(url, tree, counts) as runner:
        try:
            time.sleep(3)  # leadership taken, caught up
            sampler.start()
            runner_before, database_before = _cpu(runner.pid), database_seconds(database)
            wakes_before = voluntary_switches(runner.pid)
            backends_before, statements_before = _runner_backends(runner.pid), _statements(counts)
            started = time.monotonic()
            if rate:
                samples = paced_moves(app, hands[0], rate, seconds)
            else:
                samples = saturating_moves(app, hands, seconds)
            elapsed = time.monotonic() - started
            time.sleep(1.0)
            moves = len(samples)
            runner_ms = (_cpu(runner.pid) - runner_before) * 1000 / moves
            runner_wakes = (voluntary_switches(runner.pid) - wakes_before) / moves
            database_ms = (database_seconds(database) - database_before) * 1000 / moves
            backends = _runner_backends(runner.pid)
            time.sleep(0.2)  # the counts are written every 100 ms
            statements = _statements(counts)
        finally:
            sampler.stop()
    backends_ms = sum(v - backends_before.get(k, 0.0) for k, v in backends.items()) * 1000
    lags = move_lags(samples, sampler.positions, "board")
    kinds = {k: (v - statements_before.get(k, 0)) / moves for k, v in statements.items()}
    return {
        "moves_per_s": moves / elapsed,
        "runner_cpu_ms_per_move": runner_ms,
        "runner_wakes_per_move": runner_wakes,
        "database_cpu_ms_per_move": database_ms,
        "runner_connections_db_cpu_ms_per_move": backends_ms / moves,
        "statements_per_move": kinds.get("total", 0.0),
        "board_lag_p50_ms": percentile(lags, 0.50),
        "board_lag_p95_ms": percentile(lags, 0.95),
        **{f"  {k}": v for k, v in sorted(kinds.items()) if k != "total"},
    }


def _line(values: dict[str, float | None]) -> str:
    return ", ".join(f"{key} {value:.2f}" for key, value in values.items() if value is not None)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--rate", type=float, action="append", help="moves per second, 0: saturate (repeatable)"
    )
    parser.add_argument("--clients", type=int, default=4, help="threads moving at --rate 0")
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--tree", action="append", default=[], help="NAME=PATH (repeatable)")
    parser.add_argument("--kinds", action="store_true", help="statements per move by kind")
    args = parser.parse_args()
    rates = args.rate or [100.0]
    trees = dict(item.split("=", 1) for item in args.tree) or {"this tree": "."}
    stop_on_sigterm()
    with scratch_database("statusboard_runner_cost") as url:
        prepare(url, SEED)
        read_side = catch_up(url)
        days = seeded_days(SEED.days, datetime.now(UTC).date())
        spots = [(location, days[-1]) for location in location_names(SEED.locations)]
        hands = deal_cards(read_side, spots, args.clients, 800 // args.clients)
        read_side.close()
        app = StatusBoard(store_env(url, StoreOptions(create_table=False)))
        runs = {(rate, name): [] for rate in rates for name in trees}  # type: ignore[var-annotated]
        for repeat in range(args.repeats):
            for rate in rates:
                for name, tree in trees.items():
                    found = measure(url, Path(tree), app, hands, rate, args.seconds)
                    if not args.kinds:
                        found = {k: v for k, v in found.items() if not k.startswith(" ")}
                    runs[rate, name].append(found)
                    print(f"  repeat {repeat + 1} {rate:.0f}/s {name}: {_line(found)}", flush=True)
        app.close()
    print(f"\nmedians of {args.repeats} repeats (0/s: saturated by {args.clients} clients):")
    for (rate, name), repeats in runs.items():
        medians = {k: statistics.median(r.get(k) or 0.0 for r in repeats) for k in repeats[0]}
        print(f"  {rate:.0f}/s {name}: {_line(medians)}")


if __name__ == "__main__":
    main()
