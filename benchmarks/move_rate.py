"""Application moves per second and their p95, for one source tree or several, interleaved.

The movers of the ceilings script (threads with a StatusBoard and cards of their own, spread
over ``--processes`` processes as web workers are) move cards through the application without
HTTP, on PostgreSQL. Each measurement runs in a fresh process whose source is ``--tree``'s,
so two versions of the application compare on one database in one run; repeats alternate
between the trees (A B, B A, A B ...) so that a busy machine's drift falls on both. Medians of the
repeats are printed, with each tree's ratio to the first.

    .venv/bin/python -m benchmarks.move_rate --movers 16 --seconds 8 --repeats 5 \\
        --tree before=/tmp/before --tree after=.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

CHILD = "STATUSBOARD_MOVE_RATE_CHILD"
FIGURES = (
    ("moves_per_s", "{:,.0f} moves/s"),
    ("p50_ms", "p50 {:.1f} ms"),
    ("p95_ms", "p95 {:.1f} ms"),
)


def child(database_url: str, seconds: float, processes: int) -> None:
    """Runs in the measured tree: the card ids come on standard input, one list per mover; the
    cards are read as they are now (earlier runs moved them), then moved."""
    from uuid import UUID

    from application.statusboard import StatusBoard
    from benchmarks.moves import Card, app_moves
    from storage.eventstore import StoreOptions, store_env

    hands = json.loads(sys.stdin.read())
    app = StatusBoard(store_env(database_url, StoreOptions(create_table=False)))
    cards = []
    for hand in hands:
        loaded = {ident: app.get_appointment(UUID(ident)) for ident in hand}
        cards.append([Card(ident, now.status, now.version) for ident, now in loaded.items()])
    app.close()
    moves = app_moves(database_url, cards, seconds, processes=processes)
    latencies = sorted(moves.latencies_ms)
    p95 = latencies[int(0.95 * (len(latencies) - 1))] if latencies else float("nan")
    print(json.dumps({"moves_per_s": moves.rate, "p50_ms": moves.p50_ms, "p95_ms": p95}))


def measure(tree: Path, database_url: str, hands: list[list[str]], args: Any) -> dict[str, float]:
    env = {**os.environ, CHILD: "1", "PYTHONPATH": str(tree.resolve())}
    command = [
        sys.executable,
        # This file, whichever tree is measured: older trees may not have it.
        str(Path(__file__).resolve()),
        f"--url={database_url}",
        f"--seconds={args.seconds}",
        f"--processes={args.processes}",
    ]
    done = subprocess.run(
        command, env=env, cwd=tree, input=json.dumps(hands), capture_output=True, text=True
    )
    if done.returncode != 0:
        raise RuntimeError(f"the run in {tree} failed:\n{done.stderr}")
    found: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def deal(database_url: str, movers: int, size: int) -> list[list[str]]:
    """Seeds the database and deals each mover ``size`` cards of its own."""
    from benchmarks.ceilings import catch_up, deal_cards
    from benchmarks.load.run import location_names, seeded_days
    from benchmarks.load.stack import Seed, prepare

    seed = Seed(locations=max(1, -(-movers * size // 200)), days=1, per_day=200)
    prepare(database_url, seed)
    read_side = catch_up(database_url)
    day = seeded_days(1, date.today())[0]
    spots = [(location, day) for location in location_names(seed.locations)]
    hands = deal_cards(read_side, spots, movers, size)
    read_side.close()
    return [[card.id for card in hand] for hand in hands]


def report(results: dict[str, list[dict[str, float]]]) -> None:
    """Medians of each tree's repeats, and the median of its ratios to the first tree's run
    of the same repeat (neighbours in time, so the steadier comparison on a busy machine)."""
    runs = list(results.values())
    if not runs[0]:
        print("\nno repeat completed")
        return
    print(f"\nmedians of {len(runs[0])} repeats (ratio: median of the per-repeat ratios):")
    for name, found in results.items():
        parts = []
        for key, shape in FIGURES:
            median = statistics.median(run[key] for run in found)
            ratio = statistics.median(
                run[key] / base[key] for run, base in zip(found, runs[0], strict=True)
            )
            parts.append(f"{shape.format(median)} (x{ratio:.3f})")
        print(f"  {name}: " + ", ".join(parts))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--movers", type=int, default=16)
    parser.add_argument("--cards", type=int, default=20, help="cards per mover")
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--tree", action="append", default=[], help="NAME=PATH (repeatable)")
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if os.environ.get(CHILD):
        child(args.url, args.seconds, args.processes)
        return
    from benchmarks.load.stack import scratch_database, stop_on_sigterm

    trees = dict(item.split("=", 1) for item in args.tree) or {"this tree": "."}
    stop_on_sigterm()
    with scratch_database("statusboard_move_rate") as database_url:
        print("seeding ...", flush=True)
        hands = deal(database_url, args.movers, args.cards)
        results: dict[str, list[dict[str, float]]] = {name: [] for name in trees}
        for repeat in range(1, args.repeats + 1):
            found = repeat_once(repeat, trees, database_url, hands, args)
            for name in trees if found else ():
                results[name].append(found[name])
    report(results)


def repeat_once(
    repeat: int, trees: dict[str, str], database_url: str, hands: list[list[str]], args: Any
) -> dict[str, dict[str, float]]:
    """One run of each tree, or none when one of them failed (on a shared machine a run may
    not get a connection in time): the ratios compare runs of the same repeat. Every other
    repeat runs the trees in reverse order (A B, B A, ...), so going first or second, right
    after the other tree's run, favours neither."""
    found: dict[str, dict[str, float]] = {}
    order = list(trees.items())
    for name, tree in order if repeat % 2 else reversed(order):
        try:
            found[name] = measure(Path(tree), database_url, hands, args)
        except RuntimeError as error:
            print(f"  repeat {repeat} dropped: {name} failed ({str(error).splitlines()[-1]})")
            return {}
        rate, p95 = found[name]["moves_per_s"], found[name]["p95_ms"]
        print(f"  repeat {repeat} {name}: {rate:,.0f} moves/s, p95 {p95:.1f} ms", flush=True)
    return found


if __name__ == "__main__":
    main()
