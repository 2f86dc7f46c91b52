"""A paced latency sweep: moves offered at 50, 100, 200 and 400/s (each client reads its board
every 30 moves), p50/p95/p99 at the clients and at the server against the offered load.

    python -m benchmarks.load.sweep                                # one sweep, 25 s a step
    python -m benchmarks.load.sweep --repeats 2 --ceilings         # and closed-loop ceilings
    python -m benchmarks.load.sweep --rates 200 --loadgens none,nice,taskset,both
    python -m benchmarks.load.sweep --rates 200 --ceilings --control  # and controls, paced and not
    python -m benchmarks.load.sweep --rates 200 --own-writes  # boards read at once after a move

One local stack (as `make loadtest` makes it) serves the whole sweep. Each step is a Locust run
of paced clients (3.125 moves/s each, so a client that waits on a slow answer has slack to keep
the pace); the server's own figures are the difference of its phase histograms (queued,
connection, handler, total) scraped from ``/metrics`` after the warm-up and at the end. Also per
step: CPU per move of each part (web, runner, database, load generator), and the read-your-writes
lag. Writes ``benchmarks/results/sweep-*.json`` and a plot of the medians over the repeats.
"""

from __future__ import annotations

import argparse
import json
import shlex
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.load.arrivals import ARRIVALS
from benchmarks.load.control import describe, pgbench_control
from benchmarks.load.histograms import Scrape, difference, figures, scrape
from benchmarks.load.run import (
    PROFILES,
    RESULTS,
    WARMUP,
    Run,
    location_names,
    machine,
    run_one,
    runs_for,
    seeded_days,
    settle,
)
from benchmarks.load.stack import Stack, local_stack, stop_on_sigterm
from benchmarks.load.sweep_figures import print_steps, summarised
from benchmarks.load.sweep_plot import plot_sweep

RATES = (50, 100, 200, 400)
PACE = 3.125
REFRESH_EVERY = 30
#: How Locust is started: as is, at a lower CPU priority than the server, on one core, or both.
LAUNCHERS = {
    "none": [],
    "nice": ["nice", "-n", "10"],
    "taskset": ["taskset", "-c", "1"],
    "both": ["nice", "-n", "10", "taskset", "-c", "1"],
}


def paced_users(rate: int) -> int:
    """Clients at ``PACE`` each that together offer ``rate`` requests/s (at least 16)."""
    return max(16, round(rate / PACE))


def paced(rate: int, arrivals: str = "poisson", own_writes: bool = False) -> Run:
    return Run(
        f"move@{rate}/s",
        "move",
        "MoveUser",
        paced_users(rate),
        pace=PACE,
        lag_target=True,
        refresh_every=REFRESH_EVERY,
        arrivals=arrivals,
        own_writes=own_writes,
    )


def web_control(stack: Stack, rate: int, args: Any, out: Path) -> dict[str, Any]:
    """``/healthz`` paced at ``rate`` and then back to back: what a request costs the web tier
    by itself either way (the HTTP server's hand-offs and Flask, no handler work, no database),
    the web tier's counterpart of pgbench's control."""
    paced_run = Run(f"healthz@{rate}/s", "healthz", "HealthUser", paced_users(rate), pace=PACE)
    steps = [
        measured(stack, run, args.seconds, args, out)
        for run in (paced_run, Run("healthz", "healthz", "HealthUser", 16))
    ]
    paced_step, closed_step = (
        {
            "rate": step["achieved"].get("healthz", 0.0),
            "cpu_ms": step["cpu_ms_per_move"].get("web", 0.0),
            "wakes": step["wakes_per_move"].get("web", 0.0),
        }
        for step in steps
    )
    ratio = paced_step["cpu_ms"] / closed_step["cpu_ms"] if closed_step["cpu_ms"] else None
    return {"paced": paced_step, "closed": closed_step, "ratio": ratio}


def describe_web(control: dict[str, Any]) -> str:
    paced_step, closed_step = control["paced"], control["closed"]
    figures = (("web CPU a request, ms", "cpu_ms", ".3f"), ("wakes a request", "wakes", ".1f"))
    return "; ".join(
        [
            f"web tier, /healthz at {paced_step['rate']:.0f}/s against back to back"
            f" ({closed_step['rate']:.0f}/s)",
            *(
                f"{label} {paced_step[key]:{spec}} against {closed_step[key]:{spec}}"
                for label, key, spec in figures
            ),
            f"ratio of the CPU {control['ratio'] or 0:.2f}",
        ]
    )


def measured(stack: Stack, run: Run, seconds: float, args: Any, out: Path) -> dict[str, Any]:
    """One Locust run, with the server's histograms scraped after its warm-up and at its end."""
    warm: list[Scrape] = []
    timer = threading.Timer(WARMUP, lambda: warm.append(scrape(stack.url)))
    first = scrape(stack.url)
    timer.start()
    summary = run_one(
        run, stack, seconds, args.locations_, args.days_, out, LAUNCHERS[args.loadgen_]
    )
    timer.join()
    observed = difference(warm[0] if warm else first, scrape(stack.url))
    settle(stack)
    done = summary["requests_total"]
    moves = done.get("move") or done.get("board") or done.get("healthz") or 1
    return {
        "name": run.name,
        "loadgen": args.loadgen_,
        "arrivals": run.arrivals if run.pace else None,
        "users": run.users,
        "offered": round(run.users * run.pace) if run.pace else None,
        "achieved": {name: round(f["rate"], 1) for name, f in summary["endpoints"].items()},
        "client": {
            name: {key: f[key] for key in ("p50_ms", "p95_ms", "p99_ms", "errors", "conflicts")}
            for name, f in summary["endpoints"].items()
        },
        "server": {"move": figures(observed, "/move"), "board": figures(observed, "/board")},
        "gc": figures(observed, "gc"),
        "cpu_ms_per_move": {
            name: round(used * 1000 / moves, 3) for name, used in summary["cpu_seconds"].items()
        },
        "wakes_per_move": {
            name: round(count / moves, 2) for name, count in summary.get("wakes", {}).items()
        },
        "cores": summary["cpu_cores_used"],
        "dispersion": summary["dispersion"],
        "lag_p95_ms": {name: lag["p95_ms"] for name, lag in summary["lag"].items()},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rates", default=",".join(map(str, RATES)), help="moves/s offered")
    parser.add_argument("--seconds", type=float, default=25.0, help="measured seconds a step")
    parser.add_argument("--repeats", type=int, default=1, help="sweeps, one after another")
    parser.add_argument("--loadgens", default="taskset", help=f"of {', '.join(LAUNCHERS)}")
    parser.add_argument(
        "--arrivals",
        default="poisson",
        help=f"paced users' timing, of {', '.join(ARRIVALS)}; several are run in turn",
    )
    parser.add_argument("--ceilings", action="store_true", help="closed-loop move and board too")
    parser.add_argument(
        "--own-writes",
        action="store_true",
        help="paced movers read their board right after a move, at its position (min_position)",
    )
    parser.add_argument(
        "--control",
        action="store_true",
        help="also pgbench (control.py) and /healthz (the web tier alone) paced at the highest"
        " rate and back to back, each repeat",
    )
    parser.add_argument("--serve", default="", help="options of `statusboard serve`, quoted")
    parser.add_argument("--label", default="", help="a word for the file names")
    parser.add_argument("--plot", type=Path, help="also draw the plot here (e.g. docs/img/...)")
    args = parser.parse_args(argv)
    rates = [int(rate) for rate in args.rates.split(",")]
    loadgens = args.loadgens.split(",")
    arrivals = args.arrivals.split(",")
    if unknown := set(arrivals) - set(ARRIVALS):
        parser.error(f"unknown arrivals: {', '.join(sorted(unknown))}")
    seed, _ = PROFILES["quick"]
    started_at = datetime.now(UTC)
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = f"sweep{'-' + args.label if args.label else ''}-{started_at:%Y%m%d-%H%M%S}"
    out = RESULTS / name
    results: dict[str, Any] = {"meta": {**machine(), "started_at": str(started_at)}, "steps": []}
    results["meta"].update(
        seconds=args.seconds, refresh_every=REFRESH_EVERY, pace=PACE, own_writes=args.own_writes
    )
    stop_on_sigterm()
    args.locations_ = location_names(seed.locations)
    args.days_ = seeded_days(seed.days, started_at.date())
    ceilings = [run for run in runs_for("quick") if run.name in ("move", "board")]
    serve_options = shlex.split(args.serve)
    results["meta"]["serve_options"] = serve_options
    with local_stack(seed, log_path=out.with_suffix(".server.log"), options=serve_options) as stack:
        settle(stack)
        for repeat in range(args.repeats):
            for args.loadgen_ in loadgens:
                runs = [paced(rate, kind, args.own_writes) for kind in arrivals for rate in rates]
                runs += ceilings if args.ceilings else []
                for run in runs:
                    print(
                        f"repeat {repeat + 1}: {run.name}, loadgen {args.loadgen_}"
                        + (f", {run.arrivals} arrivals" if run.pace else ""),
                        flush=True,
                    )
                    step = measured(stack, run, args.seconds, args, out)
                    results["steps"].append({"repeat": repeat, **step})
            if args.control:
                print(f"repeat {repeat + 1}: pgbench control", flush=True)
                results.setdefault("controls", []).append(pgbench_control(max(rates)))
                print(f"repeat {repeat + 1}: /healthz control", flush=True)
                web = web_control(stack, max(rates), args, out)
                results.setdefault("web_controls", []).append(web)
    results.update(summarised(results["steps"]))
    out.with_suffix(".json").write_text(json.dumps(results, indent=1, default=str))
    print_steps(results)
    for control in results.get("controls", []):
        print(describe(control))
    for web in results.get("web_controls", []):
        print(describe_web(web))
    for path in [out.with_suffix(".png"), *([args.plot] if args.plot else [])]:
        plot_sweep(results, path, f"{loadgens[0]}/{arrivals[0]}")
    print(f"\nresults: {out.with_suffix('.json')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
