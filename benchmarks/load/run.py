"""`make loadtest`: the Locust scenarios, headless, one after another, against the SLOs.

    python -m benchmarks.load.run                       # quick profile on a fresh local stack
    python -m benchmarks.load.run --profile full        # 20 locations x 30 days x 200 per day
    python -m benchmarks.load.run --url URL --token T   # an existing deployment

Without ``--url`` it creates a scratch PostgreSQL database, runs `statusboard db init`, seeds
demo data, creates a token and starts `statusboard serve` (gunicorn plus the projection runner)
on a free port; all of it is removed afterwards, whatever happens. It prints per endpoint
p50/p95/p99, requests/s, error and conflict rates and the projections' lag, each against its SLO
or target, writes `benchmarks/results/loadtest-*.json` and a plot beside it, and exits 1 when an
SLO fails (with ``--strict``, also when one of our stricter targets fails).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from benchmarks.load import report
from benchmarks.load.cpu import CpuMeter, shares
from benchmarks.load.lag import PROJECTIONS, Sampler, move_lags
from benchmarks.load.plot import plot_results
from benchmarks.load.stack import Seed, Stack, local_stack, statusboard, stop_on_sigterm
from benchmarks.load.workers import per_worker, server_side

HERE = Path(__file__).resolve().parent
RESULTS = HERE.parent / "results"
LOCUSTFILE = HERE / "locustfile.py"
WARMUP = 2.0
#: The windows in which the clients' request starts are counted for their dispersion.
BURST_WINDOW = 0.01


@dataclass(frozen=True)
class Run:
    name: str
    scenario: str
    user_class: str
    users: int
    pace: float = 0.0  # moves/s per user; 0: closed loop
    think: str = ""
    lag_target: bool = False
    #: Moves per board read of a mover (the locustfile's default when 0).
    refresh_every: int = 0
    #: Paced users' timing, of `benchmarks.load.arrivals.ARRIVALS`.
    arrivals: str = "poisson"
    #: A mover's board read comes right after its move, at the move's position, as the page's
    #: refresh after its own write does (read-your-writes: it waits for the runner's fold).
    own_writes: bool = False

    @property
    def closed_loop(self) -> bool:
        return not self.pace and not self.think


def runs_for(profile: str) -> list[Run]:
    desks = 64 if profile == "quick" else 160
    return [
        Run("board", "board", "BoardUser", 16),
        Run("stats", "stats", "StatsUser", 16),
        Run("services", "services", "ServicesUser", 16),
        Run("move", "move", "MoveUser", 16),
        # 64 clients at 3.125 moves/s each, at random moments (together a Poisson stream): a
        # client answered late sends what fell due meanwhile at once, and many clients of a
        # low pace each keep one slow answer from holding back much of the load offered.
        Run("move@200/s", "move", "MoveUser", 64, pace=200 / 64, lag_target=True),
        Run("hot-move", "hot-move", "HotMoveUser", 16),
        Run("mixed", "mixed", "FrontDeskUser", desks, think="0.5,2"),
    ]


PROFILES = {
    "quick": (Seed(locations=20, days=3, per_day=200), 20.0),
    "full": (Seed(locations=20, days=30, per_day=200), 60.0),
}


def seeded_days(days: int, today: date) -> list[str]:
    """The days `statusboard seed-demo --days N` fills: N days around today."""
    first = today - timedelta(days=days // 2)
    return [(first + timedelta(days=offset)).isoformat() for offset in range(days)]


def location_names(count: int) -> list[str]:
    from application.demo import location_names as names

    return names(count)


def run_one(
    run: Run,
    stack: Stack,
    seconds: float,
    locations: list[str],
    days: list[str],
    out: Path,
    launcher: Sequence[str] = (),
) -> dict[str, Any]:
    """One scenario; ``launcher`` prefixes Locust's command (e.g. ``nice -n 10``)."""
    samples_path = out.with_suffix(f".{run.name.replace('/', '-')}.samples.jsonl")
    command = [
        *launcher,
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--host",
        stack.url,
        "-u",
        str(run.users),
        "-r",
        str(run.users),
        "-t",
        f"{seconds + WARMUP:.0f}s",
        "--stop-timeout",
        "5",
        "--only-summary",
        "--loglevel",
        "WARNING",
        "--sb-token",
        stack.token,
        "--sb-locations",
        ",".join(locations),
        "--sb-days",
        ",".join(days),
        "--sb-samples",
        str(samples_path),
        "--sb-pace",
        str(run.pace),
        "--sb-arrivals",
        run.arrivals,
        "--sb-think",
        run.think,
        *(["--sb-refresh-every", str(run.refresh_every)] if run.refresh_every else []),
        *(["--sb-own-writes"] if run.own_writes else []),
        run.user_class,
    ]
    database = urlsplit(stack.database_url).path.lstrip("/") if stack.database_url else None
    sampler = Sampler(stack.url, stack.database_url or None)
    meter = CpuMeter(stack.server_pid or None, database, sampler.backends)
    sampler.start()
    before, woken = meter.read_with_wakes()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.time()
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 120)
    finally:
        ended = time.time()
        after, wakes = meter.read_with_wakes()
        sampler.stop()
    if not samples_path.exists():
        raise RuntimeError(f"locust wrote no samples:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    after["load generator"] = used.ru_utime + used.ru_stime
    before["load generator"] = children.ru_utime + children.ru_stime
    samples = [json.loads(line) for line in samples_path.read_text().splitlines()]
    samples_path.unlink()
    cores = shares(before, after, ended - started)
    cores["lag sampler"] = cores.pop("this process")
    summary = summarise(run, samples, started, ended, sampler, cores)
    # For CPU per request: what each part used over the whole run, and the requests it saw.
    summary["cpu_seconds"] = {name: after[name] - before.get(name, 0.0) for name in after}
    summary["wakes"] = {name: wakes[name] - woken.get(name, 0) for name in wakes}
    summary["requests_total"] = {
        name: sum(1 for s in samples if s[1] == name) for name in summary["endpoints"]
    }
    if stack.log_path is not None:
        summary["server"] = server_side(stack.log_path, started + WARMUP, ended)
    # Locust's own error report (on stderr) names what a failed request met: a reset, a timeout.
    output = done.stdout + done.stderr
    report_at = output.find("Error report")
    summary["client_errors"] = output[report_at:][:3000] if report_at >= 0 else ""
    return summary


def summarise(
    run: Run,
    samples: list[list[Any]],
    started: float,
    ended: float,
    sampler: Sampler,
    cpu: dict[str, float],
) -> dict[str, Any]:
    measured = [s for s in samples if s[0] >= started + WARMUP]
    seconds = max(ended - started - WARMUP, 1e-9)
    lag = {}
    lag_timeline = {}
    for projection in PROJECTIONS:
        lags = move_lags(measured, sampler.positions, projection)
        lag[projection] = {
            "moves": len(lags),
            "p50_ms": report.percentile(lags, 0.50),
            "p95_ms": report.percentile(lags, 0.95),
            "p99_ms": report.percentile(lags, 0.99),
            "max_ms": max(lags) if lags else None,
        }
        lag_timeline[projection] = _lag_timeline(samples, sampler, projection, started, ended)
    return {
        "name": run.name,
        "scenario": run.scenario,
        "users": run.users,
        "pace_per_user": run.pace,
        "think": run.think,
        "closed_loop": run.closed_loop,
        "lag_target": run.lag_target,
        "started": started,
        "seconds": round(seconds, 2),
        "warmup_excluded_s": WARMUP,
        "endpoints": report.endpoint_figures(measured, seconds),
        "dispersion": dispersion(measured, started + WARMUP, ended),
        "workers": per_worker(measured),
        "lag": lag if any(v["moves"] for v in lag.values()) else {},
        "operator_lag_max": _operator_lag(sampler.gauges),
        "cpu_cores_used": cpu,
        "sampler": {"interval_s": sampler.interval, "errors": sampler.errors},
        "timeline": report.timeline(samples, started, ended),
        "lag_timeline": lag_timeline if any(v["moves"] for v in lag.values()) else {},
    }


def dispersion(samples: list[list[Any]], start: float, end: float) -> float | None:
    """The index of dispersion (variance over mean) of the number of requests the clients
    started in each 10-ms window: about 1 for a Poisson stream, well above 1 when clients
    send together, 0 for a perfectly even one."""
    windows = int((end - start) / BURST_WINDOW)
    counts = [0] * max(windows, 0)
    for sample in samples:
        index = int((sample[0] - start) / BURST_WINDOW)
        if 0 <= index < windows:
            counts[index] += 1
    if windows < 2 or not any(counts):
        return None
    return round(statistics.pvariance(counts) / statistics.fmean(counts), 2)


def _lag_timeline(
    samples: list[list[Any]], sampler: Sampler, projection: str, origin: float, until: float
) -> dict[str, list[Any]]:
    buckets: dict[int, list[float]] = {}
    for sample in samples:
        if sample[0] >= int(until - origin) + origin:
            continue
        for lag_ms in move_lags([sample], sampler.positions, projection):
            buckets.setdefault(int(sample[0] - origin), []).append(lag_ms)
    keys = sorted(buckets)
    return {
        "t": [origin + k + 0.5 for k in keys],
        "p95_ms": [report.percentile(buckets[k], 0.95) for k in keys],
    }


def _operator_lag(gauges: list[dict[str, Any]]) -> dict[str, float]:
    worst: dict[str, float] = {}
    for gauge in gauges:
        for key, value in gauge.items():
            if key != "t":
                worst[key] = max(worst.get(key, 0.0), value)
    return worst


def settle(stack: Stack, timeout: float = 60) -> list[dict[str, Any]]:
    """`statusboard projections status --json` until every projection has caught up."""
    deadline = time.monotonic() + timeout
    while True:
        status = json.loads(statusboard(stack.database_url, "projections", "status", "--json"))
        if all(s["lag_events"] == 0 for s in status) or time.monotonic() > deadline:
            return status
        time.sleep(1)


def machine() -> dict[str, Any]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    commit = subprocess.run(
        ["git", "describe", "--always", "--dirty"], capture_output=True, text=True, cwd=HERE
    ).stdout.strip()
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "commit": commit,
        "load_average_before": os.getloadavg(),
    }


def _compress(path: Path) -> None:
    """The server's request log, kept gzipped beside the results."""
    if path.exists():
        with path.open("rb") as raw, gzip.open(f"{path}.gz", "wb") as packed:
            shutil.copyfileobj(raw, packed)
        path.unlink()


def print_run(run: dict[str, Any]) -> None:
    print(
        f"\n== {run['name']}: {run['users']} clients, {run['seconds']:.0f} s measured"
        f" (cores used: {', '.join(f'{k} {v}' for k, v in run['cpu_cores_used'].items())})"
    )
    print(
        f"   {'endpoint':<12} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}"
        f" {'errors':>8} {'409':>8} {'422':>6}"
    )
    for name, f in run["endpoints"].items():
        print(
            f"   {name:<12} {f['rate']:>8.1f} {f['p50_ms']:>8.1f} {f['p95_ms']:>8.1f}"
            f" {f['p99_ms']:>8.1f} {f['error_rate']:>8.2%} {f['conflict_rate']:>8.2%}"
            f" {f['refused']:>6}"
        )
    workers = run["workers"]
    if workers["requests"]:
        counts = ", ".join(f"{pid} {count}" for pid, count in workers["requests"].items())
        print(f"   per worker: {counts} (busiest {workers['busiest_share']:.0%})")
    for route, figures in run.get("server", {}).get("routes", {}).items():
        print(
            f"   server {route}: p50 {figures['p50_ms']:.1f} ms, p95 {figures['p95_ms']:.1f} ms"
            f" over {figures['requests']}"
        )
    for projection, lag in run["lag"].items():
        if lag["moves"]:
            print(
                f"   lag {projection:<8} p50 {lag['p50_ms']:.1f} ms, p95 {lag['p95_ms']:.1f} ms,"
                f" p99 {lag['p99_ms']:.1f} ms, max {lag['max_ms']:.1f} ms"
                f" over {lag['moves']} moves"
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", help="an existing deployment; default: a fresh local stack")
    parser.add_argument("--token", help="a staff or admin token for --url")
    parser.add_argument("--profile", choices=sorted(PROFILES), default="quick")
    parser.add_argument("--seconds", type=float, help="measured seconds per run")
    parser.add_argument("--only", help="comma-separated run names, e.g. board,move@200/s")
    parser.add_argument("--locations", type=int, help="seeded locations (default: profile)")
    parser.add_argument("--days", type=int, help="seeded days around today (default: profile)")
    parser.add_argument("--database-url", help="with --url: its database, for precise lag")
    parser.add_argument("--workers", type=int, help="gunicorn workers of the local stack")
    parser.add_argument("--threads", type=int, help="threads per gunicorn worker (local stack)")
    parser.add_argument("--log-level", default="INFO", help="server log level (local stack)")
    parser.add_argument(
        "--shared-socket",
        action="store_true",
        help="local stack: workers share one listening socket (serve --shared-socket)",
    )
    parser.add_argument("--strict", action="store_true", help="fail on our targets too")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if bool(args.url) != bool(args.token):
        parser.error("--url and --token go together")
    seed, seconds = PROFILES[args.profile]
    seed = Seed(args.locations or seed.locations, args.days or seed.days, seed.per_day)
    seconds = args.seconds or seconds
    runs = [r for r in runs_for(args.profile) if not args.only or r.name in args.only.split(",")]
    started_at = datetime.now(UTC)
    args.out.mkdir(parents=True, exist_ok=True)
    out = args.out / f"loadtest-{args.profile}-{started_at:%Y%m%d-%H%M%S}"
    meta = {
        **machine(),
        "profile": args.profile,
        "started_at": started_at.isoformat(timespec="seconds"),
        "seed": seed.__dict__,
        "seconds_per_run": seconds,
        "target": args.url or "local stack (fresh PostgreSQL database, statusboard serve)",
        "listening": "shared socket" if args.shared_socket else "a socket per worker",
    }
    stop_on_sigterm()
    results: dict[str, Any] = {"meta": meta, "runs": []}
    with ExitStack() as stack_scope:
        if args.url:
            stack = Stack(args.url, args.token, args.database_url or "", 0)
        else:
            print(
                f"preparing a local stack: seeding {seed.locations} locations x {seed.days}"
                f" days x {seed.per_day} appointments ...",
                flush=True,
            )
            stack = stack_scope.enter_context(
                local_stack(
                    seed,
                    workers=args.workers,
                    threads=args.threads,
                    log_path=out.with_suffix(".server.log"),
                    log_level=args.log_level,
                    options=["--shared-socket"] if args.shared_socket else [],
                )
            )
            meta["projections_before"] = settle(stack)
        locations = location_names(seed.locations)
        days = seeded_days(seed.days, datetime.now(UTC).date())
        for run in runs:
            print(f"running {run.name} for {seconds:.0f} s ...", flush=True)
            summary = run_one(run, stack, seconds, locations, days, out)
            if stack.database_url and not args.url:
                summary["projections_after"] = settle(stack)
            results["runs"].append(summary)
            print_run(summary)
    meta["load_average_after"] = os.getloadavg()
    _compress(out.with_suffix(".server.log"))
    found = [v for run in results["runs"] for v in report.verdicts(run)]
    results["verdicts"] = [v.__dict__ for v in found]
    print("\n== verdicts")
    for verdict in found:
        print(verdict.line())
    counted = [v for v in found if v.kind == "SLO" or args.strict]
    failed = [v for v in counted if not v.passed]
    out.with_suffix(".json").write_text(json.dumps(results, indent=1, default=str))
    plot_results(results, out.with_suffix(".png"))
    print(f"\nresults: {out.with_suffix('.json')}\nplot:    {out.with_suffix('.png')}")
    print(
        f"{'FAIL' if failed else 'PASS'}: {len(counted) - len(failed)} of {len(counted)}"
        f" {'SLOs and targets' if args.strict else 'SLOs'} met"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
