"""Where a request's time goes under load: py-spy samples every gunicorn worker (and the
projection runner) while 16 closed-loop clients drive one endpoint, then the stacks are folded
into the share of busy samples spent in each part of the code.

    .venv/bin/python -m benchmarks.profile_hot_paths [--seconds 15] [--only board,move]

Writes `benchmarks/results/profile-<endpoint>-*.txt` (collapsed stacks, for flame graph tools)
and prints the top frames by inclusive share, grouped into named parts (auth, schema dump,
read model, event store, ...).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import threading
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.ceilings import catch_up, deal_cards
from benchmarks.load.pool import fixed, run_pool
from benchmarks.load.run import location_names, seeded_days
from benchmarks.load.stack import Seed, prepare, scratch_database, served, stop_on_sigterm
from benchmarks.moves import http_mover

RESULTS = Path(__file__).resolve().parent / "results"
PY_SPY = str(Path(sys.executable).with_name("py-spy"))
SEED = Seed(locations=20, days=3, per_day=200)

#: Named parts of a request, by a frame that marks them (first match from the leaf wins).
PARTS = (
    ("token lookup (adapters/tokens.py)", "principal (adapters/tokens.py"),
    ("schema dump (marshmallow)", "dump (marshmallow/schema.py"),
    ("query/body load (marshmallow)", "load (marshmallow/schema.py"),
    ("read model (projections/readside.py)", "(projections/readside.py"),
    ("event store save (eventsourcing)", "save (eventsourcing/application.py"),
    ("aggregate load (eventsourcing)", "get (eventsourcing/application.py"),
    ("conflict policy (application)", "(application/statusboard.py"),
    ("request log and metrics", "(adapters/observability.py"),
    ("projection runner", "(projections/runner.py"),
    ("flask/werkzeug/gunicorn", "(gunicorn/"),
)


def record(pid: int, seconds: float, out: Path) -> subprocess.Popen[bytes]:
    command = [
        PY_SPY,
        "record",
        "--pid",
        str(pid),
        "--subprocesses",
        "--format",
        "raw",
        "--rate",
        "250",
        "--duration",
        str(round(seconds)),
        "--output",
        str(out),
        "--nonblocking",
    ]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def fold(path: Path) -> tuple[int, Counter[str], Counter[str]]:
    """Busy samples, and per frame the samples that include it and the ones it is the leaf of."""
    total, inclusive, parts = 0, Counter[str](), Counter[str]()
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        if not count.isdigit() or not any("adapters/" in f or "projections/" in f for f in frames):
            continue
        samples = int(count)
        total += samples
        for frame in set(frames):
            inclusive[frame] += samples
        for name, marker in PARTS:
            if any(marker in frame for frame in frames):
                parts[name] += samples
                break
        else:
            parts["other"] += samples
    return total, inclusive, parts


def report(name: str, path: Path) -> None:
    total, inclusive, parts = fold(path)
    if not total:
        print(f"  {name}: no samples (is py-spy allowed to attach?)")
        return
    print(f"\n{name}: {total} busy samples in the workers")
    print("  by part of the request (first marker from the outside in):")
    for part, samples in parts.most_common():
        print(f"    {samples / total:>6.1%}  {part}")
    print("  frames by inclusive share:")
    for frame, samples in inclusive.most_common(40):
        if samples / total >= 0.03 and "<module>" not in frame:
            print(f"    {samples / total:>6.1%}  {frame[:110]}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--only", default="board,move")
    args = parser.parse_args()
    stop_on_sigterm()
    started = datetime.now(UTC)
    RESULTS.mkdir(parents=True, exist_ok=True)
    with scratch_database("statusboard_profile") as database_url:
        token = prepare(database_url, SEED)
        read_side = catch_up(database_url)
        locations = location_names(SEED.locations)
        days = seeded_days(SEED.days, started.date())
        cards = deal_cards(read_side, [(loc, days[-1]) for loc in locations[:4]], args.clients, 20)
        read_side.close()
        board = f"/api/admin/appointments/board?location={locations[5]}&date={days[1]}"
        loads = {
            "board": fixed("GET", board),
            "move": http_mover(cards),
            "stats": fixed("GET", board.replace("appointments/board", "dashboard/stats")),
        }
        with served(database_url, log_level="WARNING") as (url, pid):
            for name in args.only.split(","):
                out = RESULTS / f"profile-{name}-{started:%Y%m%d-%H%M%S}.txt"
                spy = record(pid, args.seconds, out)
                pool = threading.Thread(
                    target=run_pool,
                    args=(name, url, token, loads[name]),
                    kwargs={"clients": args.clients, "seconds": args.seconds, "warmup": 0.5},
                )
                pool.start()
                pool.join(args.seconds + 120)
                _, errors = spy.communicate(timeout=args.seconds + 60)
                if spy.returncode != 0 or not out.exists():
                    print(f"py-spy failed: {errors.decode()[-2000:]}")
                    continue
                report(name, out)


if __name__ == "__main__":
    main()
