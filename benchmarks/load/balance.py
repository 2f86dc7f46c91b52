"""How evenly `statusboard serve`'s workers share requests: one shared socket against a socket
per worker (SO_REUSEPORT), interleaved, with keep-alive clients that all connect at once.

    .venv/bin/python -m benchmarks.load.balance --clients 32 --seconds 10 --repeats 3

For each listening mode and each load — closed loop (every client sends its next request as
soon as the last is answered) and paced (each client ``--pace`` requests a second) — it prints
the requests each worker answered (``X-Worker``), the busiest worker's share, and p50/p95 as
the clients saw them and as the server logged them.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

from benchmarks.load.pool import Connection
from benchmarks.load.report import percentile
from benchmarks.load.stack import scratch_database, served, statusboard, stop_on_sigterm
from benchmarks.load.workers import server_side

MODES = {"shared socket": ["--shared-socket"], "socket per worker": ["--reuse-port"]}


def clients(
    url: str, count: int, seconds: float, pace: float, path: str
) -> list[tuple[str, float]]:
    """(worker, milliseconds) of every request; all clients connect before any sends."""
    connections = [Connection(url, None) for _ in range(count)]
    for connection in connections:
        connection.call("GET", path)  # opens it; not counted
    answers: list[tuple[str, float]] = []
    until = time.monotonic() + seconds

    def work(connection: Connection) -> None:
        next_at = time.monotonic()
        while time.monotonic() < until:
            started = time.perf_counter()
            answer = connection.call("GET", path)
            answers.append((answer.headers["X-Worker"], (time.perf_counter() - started) * 1000))
            if pace:
                next_at += 1 / pace
                time.sleep(max(0.0, next_at - time.monotonic()))

    threads = [threading.Thread(target=work, args=(c,)) for c in connections]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for connection in connections:
        connection.close()
    return answers


def measure(url: str, log: Path, args: argparse.Namespace, pace: float) -> dict[str, Any]:
    started = time.time()
    answers = clients(url, args.clients, args.seconds, pace, args.path)
    counts = Counter(worker for worker, _ in answers)
    latencies = [ms for _, ms in answers]
    server = server_side(log, started, time.time() + 1)["routes"].get(args.path, {})
    return {
        "per_worker": sorted(counts.values(), reverse=True),
        "busiest_share": max(counts.values()) / len(answers),
        "rate": len(answers) / args.seconds,
        "p50_ms": percentile(latencies, 0.50),
        "p95_ms": percentile(latencies, 0.95),
        "server_p95_ms": server.get("p95_ms"),
    }


def one_repeat(database_url: str, args: argparse.Namespace) -> dict[str, dict[str, Any]]:
    found = {}
    for mode, options in MODES.items():
        log = Path(tempfile.mkstemp(suffix=".log")[1])
        with served(database_url, workers=args.workers, log_path=log, options=options) as (url, _):
            for load, pace in (("closed loop", 0.0), ("paced", args.pace)):
                found[f"{mode}, {load}"] = measure(url, log, args, pace)
        log.unlink()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--pace", type=float, default=5.0, help="requests/s per paced client")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--path", default="/readyz", help="what every client asks for")
    args = parser.parse_args()
    stop_on_sigterm()
    repeats: list[dict[str, dict[str, Any]]] = []
    with scratch_database("statusboard_balance") as database_url:
        statusboard(database_url, "db", "init")
        for repeat in range(args.repeats):
            repeats.append(one_repeat(database_url, args))
            print(f"repeat {repeat + 1}: {json.dumps(repeats[-1])}", flush=True)
    print(f"\nmedians of {args.repeats}, {args.clients} keep-alive clients, {args.workers} workers")
    for name in repeats[0]:
        runs = [found[name] for found in repeats]
        median = {k: statistics.median(r[k] for r in runs) for k in runs[0] if k != "per_worker"}
        print(
            f"{name:<32} busiest {median['busiest_share']:.0%} (per worker, each repeat:"
            f" {[r['per_worker'] for r in runs]}), {median['rate']:.0f} req/s,"
            f" client p50 {median['p50_ms']:.1f} / p95 {median['p95_ms']:.1f} ms,"
            f" server p95 {median['server_p95_ms']:.1f} ms"
        )


if __name__ == "__main__":
    main()
