"""Ceilings side by side, in one run, on one database, with the same number of clients.

1. Application moves/s without HTTP (N movers, each a thread with its own StatusBoard moving
   cards of its own, spread over as many processes as cores, as web workers are) versus
   `pgbench` running `BEGIN; LOCK TABLE x IN EXCLUSIVE MODE; INSERT one row; COMMIT;` — the
   write the event store makes for every move — with N clients.
2. Each HTTP endpoint versus `GET /healthz`, all measured by the same closed-loop client pool
   (N threads, keep-alive) against `statusboard serve` (gunicorn and its projection runner).

Repeats are interleaved (A B A B ...) and medians reported, since the machine is shared.

    .venv/bin/python -m benchmarks.ceilings --clients 16 --seconds 8 --repeats 3
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from application.statusboard import StatusBoard
from benchmarks.load.cpu import CpuMeter, database_seconds, machine_busy_seconds
from benchmarks.load.pool import PoolResult, fixed, run_pool
from benchmarks.load.stack import Seed, prepare, scratch_database, served, stop_on_sigterm
from benchmarks.load.wrk import WrkResult, available, run_wrk
from benchmarks.moves import Card, app_moves, http_mover
from projections.catalog import build_projections
from projections.follower import Follower
from projections.readside import ReadSide
from storage.eventstore import store_env

RESULTS = Path(__file__).resolve().parent / "results"
SEED = Seed(locations=20, days=3, per_day=200)
STATE = "7b22" + "61" * 296 + "227d"  # a 300-byte JSON-like payload, in hex
# No colons in the text: pgbench reads ``:name`` as one of its variables.
PGBENCH_SCRIPT = f"""BEGIN;
LOCK TABLE bench_locked_insert IN EXCLUSIVE MODE;
INSERT INTO bench_locked_insert (originator_id, originator_version, topic, state)
  VALUES (gen_random_uuid(), 1, 'domain.appointment.Appointment.Moved', decode('{STATE}', 'hex'));
COMMIT;
"""
PGBENCH_TABLE = (
    "CREATE TABLE bench_locked_insert (notification_id BIGSERIAL UNIQUE,"
    " originator_id UUID NOT NULL, originator_version BIGINT NOT NULL, topic TEXT NOT NULL,"
    " state BYTEA NOT NULL, PRIMARY KEY (originator_id, originator_version))"
)


def _database(database_url: str) -> str:
    return urlsplit(database_url).path.lstrip("/")


def catch_up(database_url: str) -> ReadSide:
    app = StatusBoard(store_env(database_url))
    read_side = ReadSide.open(database_url)
    for projection in build_projections("UTC").values():
        Follower(app, read_side.store, projection, batch_size=5000).catch_up()
    app.close()
    return read_side


def deal_cards(
    read_side: ReadSide, spots: list[tuple[str, str]], hands: int, size: int
) -> list[list[Card]]:
    """``hands`` disjoint hands of ``size`` cards from the boards of ``spots``."""
    cards = [
        Card(str(card.id), card.status, card.version)
        for location, day in spots
        for card in read_side.board(location, datetime.fromisoformat(day).date()).cards
    ]
    if len(cards) < hands * size:
        raise RuntimeError(f"only {len(cards)} cards for {hands} x {size}")
    return [cards[i * size : (i + 1) * size] for i in range(hands)]


def pgbench(
    database_url: str, clients: int, seconds: float, script: Path, database: str
) -> dict[str, Any]:
    parts = urlsplit(database_url)
    command = [
        "pgbench",
        "-n",
        "-M",
        "prepared",
        "-h",
        parts.hostname or "127.0.0.1",
        "-p",
        str(parts.port or 5432),
        "-U",
        parts.username or "postgres",
        "-c",
        str(clients),
        "-j",
        str(min(clients, os.cpu_count() or 1)),
        "-T",
        str(round(seconds)),
        "-f",
        str(script),
        parts.path.lstrip("/"),
    ]
    before = (_children_cpu(), database_seconds(database), machine_busy_seconds())
    started = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    backends = before[1]
    while process.poll() is None and time.monotonic() - started < seconds + 120:
        # pgbench's backends end with it, so their CPU is read while they still run.
        backends = max(backends, database_seconds(database))
        time.sleep(0.25)
    out, err = process.communicate(timeout=30)
    elapsed = time.monotonic() - started
    if process.returncode != 0:
        raise RuntimeError(f"pgbench failed:\n{out}{err}")
    tps = float(re.search(r"tps = ([0-9.]+)", out)[1])  # type: ignore[index]
    latency = float(re.search(r"latency average = ([0-9.]+) ms", out)[1])  # type: ignore[index]
    transactions = tps * round(seconds)
    client = _children_cpu() - before[0]
    database_cpu = backends - before[1]
    machine = machine_busy_seconds() - before[2]
    return {
        "rate": tps,
        "latency_avg_ms": latency,
        "cpu_ms_per_insert": {
            "pgbench": round(client * 1000 / transactions, 3),
            "database": round(database_cpu * 1000 / transactions, 3),
        },
        "others_cores": round(max(0.0, machine - client - database_cpu) / elapsed, 2),
    }


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def write_ceiling(
    database_url: str,
    clients: int,
    seconds: float,
    repeats: int,
    cards: list[list[Card]],
    processes: int,
) -> dict[str, Any]:
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute(PGBENCH_TABLE)
    runs: dict[str, list[dict[str, Any]]] = {"app": [], "pgbench": []}
    database = _database(database_url)
    meter = CpuMeter(None, database).read
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "locked_insert.sql"
        script.write_text(PGBENCH_SCRIPT)
        for repeat in range(repeats):
            moves = app_moves(database_url, cards, seconds, meter=meter, processes=processes)
            cpu = {
                ("application" if k == "this process" else k): v
                for k, v in moves.cpu_ms_per_move.items()
            }
            runs["app"].append(
                {
                    "rate": moves.rate,
                    "p50_ms": moves.p50_ms,
                    "cpu_ms_per_move": cpu,
                    "others_cores": moves.others_cores,
                }
            )
            runs["pgbench"].append(pgbench(database_url, clients, seconds, script, database))
            print(
                f"  repeat {repeat + 1}: application {moves.rate:,.0f} moves/s,"
                f" pgbench {runs['pgbench'][-1]['rate']:,.0f} tps",
                flush=True,
            )
    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute("DROP TABLE bench_locked_insert")
    return runs


def http_ceilings(
    url: str,
    token: str,
    clients: int,
    seconds: float,
    repeats: int,
    spot: tuple[str, str],
    cards: list[list[Card]],
    meter: CpuMeter,
) -> dict[str, list[PoolResult]]:
    endpoints = {name: fixed("GET", path) for name, path in read_paths(spot).items()}
    endpoints["move"] = http_mover(cards)
    runs: dict[str, list[PoolResult]] = {name: [] for name in endpoints}
    for repeat in range(repeats):
        for name, client in endpoints.items():
            result = run_pool(
                name, url, token, client, clients=clients, seconds=seconds, meter=meter.read
            )
            result.cpu_ms_per_request["client"] = result.cpu_ms_per_request.pop("this process")
            runs[name].append(result)
        progress("repeat", repeat, runs)
    return runs


def read_paths(spot: tuple[str, str]) -> dict[str, str]:
    """The GET endpoints compared, by name, for the day ``spot`` (location, date)."""
    location, day = spot
    return {
        "healthz": "/healthz",
        "board": f"/api/admin/appointments/board?location={location}&date={day}",
        "stats": f"/api/admin/dashboard/stats?location={location}&date={day}",
        "services": "/api/admin/services",
    }


def progress(label: str, repeat: int, runs: dict[str, list[Any]]) -> None:
    print(
        f"  {label} {repeat + 1}: "
        + ", ".join(f"{name} {results[-1].rate:,.0f}/s" for name, results in runs.items()),
        flush=True,
    )


def wrk_ceilings(
    url: str,
    token: str,
    clients: int,
    seconds: float,
    repeats: int,
    spot: tuple[str, str],
    meter: CpuMeter,
) -> dict[str, list[WrkResult]]:
    """The GET endpoints again, measured by wrk: the same comparison without a Python client
    queueing for its own interpreter lock on the same two cores."""
    paths = read_paths(spot)
    runs: dict[str, list[WrkResult]] = {name: [] for name in paths}
    for repeat in range(repeats):
        for name, path in paths.items():
            runs[name].append(
                run_wrk(name, url, token, path, clients=clients, seconds=seconds, meter=meter.read)
            )
        progress("wrk repeat", repeat, runs)
    return runs


def summarise(
    writes: dict[str, Any],
    http: dict[str, list[PoolResult]],
    wrk: dict[str, list[WrkResult]] | None = None,
) -> dict[str, Any]:
    app = statistics.median(run["rate"] for run in writes["app"])
    locked = statistics.median(run["rate"] for run in writes["pgbench"])
    summary: dict[str, Any] = {
        "app_moves_per_s": app,
        "app_move_p50_ms": statistics.median(run["p50_ms"] for run in writes["app"]),
        "app_cpu_ms_per_move": _median_parts(run["cpu_ms_per_move"] for run in writes["app"]),
        "pgbench_locked_inserts_per_s": locked,
        "pgbench_cpu_ms_per_insert": _median_parts(
            run["cpu_ms_per_insert"] for run in writes["pgbench"]
        ),
        "app_vs_pgbench": app / locked,
        "others_cores_during_writes": statistics.median(
            run["others_cores"] for kind in ("app", "pgbench") for run in writes[kind]
        ),
        "http": {},
    }
    healthz = statistics.median(result.rate for result in http["healthz"])
    for name, results in http.items():
        rate = statistics.median(result.rate for result in results)
        statuses: dict[str, int] = {}
        for result in results:
            for status, count in result.summary()["statuses"].items():
                statuses[status] = statuses.get(status, 0) + count
        summary["http"][name] = {
            "rate": rate,
            "vs_healthz": rate / healthz,
            "p50_ms": statistics.median(result.percentile(0.50) for result in results),
            "p95_ms": statistics.median(result.percentile(0.95) for result in results),
            "p99_ms": statistics.median(result.percentile(0.99) for result in results),
            "runs": [round(result.rate, 1) for result in results],
            "statuses": statuses,
            "cpu_ms_per_request": _median_parts(r.cpu_ms_per_request for r in results),
            "others_cores": statistics.median(r.others_cores for r in results),
        }
    if wrk:
        summary["wrk"] = {}
        wrk_healthz = statistics.median(result.rate for result in wrk["healthz"])
        for name, found in wrk.items():
            rate = statistics.median(result.rate for result in found)
            summary["wrk"][name] = {
                "rate": rate,
                "vs_healthz": rate / wrk_healthz,
                "p50_ms": statistics.median(result.p50_ms for result in found),
                "p95_ms": statistics.median(result.p95_ms for result in found),
                "p99_ms": statistics.median(result.p99_ms for result in found),
                "runs": [round(result.rate, 1) for result in found],
                "not_2xx": sum(result.not_2xx for result in found),
                "socket_errors": sum(result.socket_errors for result in found),
                "cpu_ms_per_request": _median_parts(r.cpu_ms_per_request for r in found),
            }
    return summary


def _median_parts(readings: Any) -> dict[str, float]:
    """The median of each part over several readings of CPU ms by part."""
    collected: dict[str, list[float]] = {}
    for reading in readings:
        for part, value in reading.items():
            collected.setdefault(part, []).append(value)
    return {part: round(statistics.median(values), 3) for part, values in collected.items()}


def _cpu_text(parts: dict[str, float]) -> str:
    return ", ".join(f"{part} {value:.2f}" for part, value in parts.items())


def print_summary(summary: dict[str, Any], clients: int) -> None:
    def mark(ok: bool) -> str:
        return "PASS" if ok else "FAIL"

    ratio = summary["app_vs_pgbench"]
    print(f"\nwrites with {clients} clients (medians):")
    print(
        f"  application moves (no HTTP)   {summary['app_moves_per_s']:>9,.0f}/s"
        f"   p50 {summary['app_move_p50_ms']:.1f} ms"
    )
    print(f"  pgbench locked insert         {summary['pgbench_locked_inserts_per_s']:>9,.0f}/s")
    print(
        f"  CPU ms per move: {_cpu_text(summary['app_cpu_ms_per_move'])};"
        f" per insert: {_cpu_text(summary['pgbench_cpu_ms_per_insert'])}"
    )
    print(f"  ratio {ratio:.0%}  target >= 60%  {mark(ratio >= 0.6)}")
    print(f"  (other work on the machine meanwhile: {summary['others_cores_during_writes']} cores)")
    print(f"\nHTTP with {clients} closed-loop clients (medians):")
    print(
        f"  {'endpoint':<10} {'req/s':>8} {'vs /healthz':>12} {'p50 ms':>8} {'p95 ms':>8}"
        f" {'p99 ms':>8}  statuses"
    )
    for name, row in summary["http"].items():
        print(
            f"  {name:<10} {row['rate']:>8,.0f} {row['vs_healthz']:>12.0%} {row['p50_ms']:>8.1f}"
            f" {row['p95_ms']:>8.1f} {row['p99_ms']:>8.1f}  {row['statuses']}"
        )
    print("\nCPU ms per request:")
    for name, row in summary["http"].items():
        print(
            f"  {name:<10} {_cpu_text(row['cpu_ms_per_request'])};"
            f" others used {row['others_cores']} cores meanwhile"
        )
    if "wrk" in summary:
        print(f"\nGET endpoints by wrk, {clients} connections (medians):")
        print(
            f"  {'endpoint':<10} {'req/s':>8} {'vs /healthz':>12} {'p50 ms':>8} {'p95 ms':>8}"
            f" {'p99 ms':>8}  not 2xx  CPU ms per request"
        )
        for name, row in summary["wrk"].items():
            print(
                f"  {name:<10} {row['rate']:>8,.0f} {row['vs_healthz']:>12.0%}"
                f" {row['p50_ms']:>8.1f} {row['p95_ms']:>8.1f} {row['p99_ms']:>8.1f}"
                f"  {row['not_2xx'] + row['socket_errors']:>7}"
                f"  {_cpu_text(row['cpu_ms_per_request'])}"
            )
    print("\ntargets:")
    for name, row in summary["http"].items():
        if name == "healthz":
            continue
        print(
            f"  {mark(row['vs_healthz'] >= 0.5)}  {name} >= half of /healthz throughput"
            f" ({row['vs_healthz']:.0%})"
        )
        if name in ("board", "stats", "move"):
            print(
                f"  {mark(row['p95_ms'] <= 15)}  {name} p95 <= 15 ms at {clients} clients"
                f" ({row['p95_ms']:.1f} ms)"
            )
        bad = {s: n for s, n in row["statuses"].items() if s not in ("200", "409")}
        print(f"  {mark(not bad)}  {name}: no answers other than 200/409 {bad or ''}")
    for name, row in summary.get("wrk", {}).items():
        if name == "healthz":
            continue
        print(
            f"  {mark(row['vs_healthz'] >= 0.5)}  wrk: {name} >= half of /healthz throughput"
            f" ({row['vs_healthz']:.0%})"
        )
        if name in ("board", "stats"):
            print(
                f"  {mark(row['p95_ms'] <= 15)}  wrk: {name} p95 <= 15 ms at {clients} connections"
                f" ({row['p95_ms']:.1f} ms)"
            )


def plot(summary: dict[str, Any], path: Path, clients: int) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (writes, http) = plt.subplots(1, 2, figsize=(12, 4.5))
    writes.bar(
        ["application moves\n(no HTTP)", "pgbench\nlocked insert"],
        [summary["app_moves_per_s"], summary["pgbench_locked_inserts_per_s"]],
        color=["tab:red", "tab:gray"],
    )
    writes.set_ylabel(f"per second, {clients} clients")
    writes.set_title(f"Writes: application at {summary['app_vs_pgbench']:.0%} of the ceiling")
    names = list(summary["http"])
    http.bar(
        names,
        [summary["http"][n]["rate"] for n in names],
        color=["tab:gray", "tab:blue", "tab:orange", "tab:green", "tab:red"],
    )
    http.axhline(
        summary["http"]["healthz"]["rate"] / 2,
        color="black",
        linestyle="--",
        linewidth=0.8,
        label="half of /healthz",
    )
    http.set_ylabel(f"requests/s, {clients} closed-loop clients")
    http.set_title("HTTP endpoints against /healthz")
    http.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=80)
    plt.close(figure)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--cards", type=int, default=20, help="cards per mover")
    parser.add_argument(
        "--no-wrk",
        dest="wrk",
        action="store_false",
        help="skip measuring the GET endpoints with wrk as well",
    )
    parser.add_argument(
        "--processes",
        type=int,
        default=os.cpu_count() or 1,
        help="processes the application movers run in (as web workers; pgbench uses -j cores)",
    )
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: serve's)")
    parser.add_argument("--threads", type=int, help="threads per gunicorn worker")
    args = parser.parse_args()
    stop_on_sigterm()
    started = datetime.now(UTC)
    from benchmarks.load.run import location_names, machine, seeded_days

    with scratch_database("statusboard_ceilings") as database_url:
        print("seeding ...", flush=True)
        token = prepare(database_url, SEED)
        read_side = catch_up(database_url)
        locations = location_names(SEED.locations)
        days = seeded_days(SEED.days, started.date())
        movers = [(location, days[-1]) for location in locations[:4]]
        cards = deal_cards(read_side, movers, args.clients, args.cards)
        read_side.close()
        meta = {
            **machine(),
            "started_at": started.isoformat(timespec="seconds"),
            "clients": args.clients,
            "seconds": args.seconds,
            "repeats": args.repeats,
            "processes": args.processes,
            "seed": SEED.__dict__,
        }
        print(
            f"writes: {args.clients} movers in {args.processes} processes"
            f" versus pgbench -c {args.clients}",
            flush=True,
        )
        writes = write_ceiling(
            database_url, args.clients, args.seconds, args.repeats, cards, args.processes
        )
        with served(
            database_url, workers=args.workers, threads=args.threads, log_level="WARNING"
        ) as (url, pid):
            time.sleep(2)  # the runner catches up with the application moves
            print(f"HTTP: {args.clients} clients per endpoint", flush=True)
            http = http_ceilings(
                url,
                token,
                args.clients,
                args.seconds,
                args.repeats,
                (locations[5], days[len(days) // 2]),
                cards,
                CpuMeter(pid, _database(database_url)),
            )
            wrk = None
            if args.wrk and available():
                wrk = wrk_ceilings(
                    url,
                    token,
                    args.clients,
                    args.seconds,
                    args.repeats,
                    (locations[5], days[len(days) // 2]),
                    CpuMeter(pid, _database(database_url)),
                )
            elif args.wrk:
                print("wrk is not installed (apt-get install wrk): its table is left out")
    meta["load_average_after"] = os.getloadavg()
    summary = summarise(writes, http, wrk)
    print_summary(summary, args.clients)
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"ceilings-{started:%Y%m%d-%H%M%S}"
    details: dict[str, Any] = {name: [r.summary() for r in runs] for name, runs in http.items()}
    if wrk:
        details["wrk"] = {name: [r.summary() for r in found] for name, found in wrk.items()}
    out.with_suffix(".json").write_text(
        json.dumps({"meta": meta, "summary": summary, "writes": writes, "http": details}, indent=1)
    )
    plot(summary, out.with_suffix(".png"), args.clients)
    print(f"\nresults: {out.with_suffix('.json')}\nplot:    {out.with_suffix('.png')}")


if __name__ == "__main__":
    main()
