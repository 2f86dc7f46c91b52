"""The sweep's plot: p50/p95/p99 of moves and board reads against the offered load, at the
clients (solid) and at the server (dashed), with the knee marked.

    python -m benchmarks.load.sweep_plot OUT.png benchmarks/results/sweep-a-*.json

redraws sweeps already run, and prints their table: several files are taken as repeats of one
sweep, so sweeps of two configurations run in turn are summarised each as one.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from benchmarks.load.sweep_figures import paced_steps, print_steps, summarised

QUANTILES = {"p50": "tab:green", "p95": "tab:orange", "p99": "tab:red"}


def plot_sweep(results: dict[str, Any], path: Path, variant: str, dpi: int = 80) -> None:
    """The paced steps of one variant (``taskset/poisson``: see ``sweep_figures.variant``)."""
    steps = paced_steps(results["medians"], variant)
    if not steps:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    figure, axes = plt.subplots(1, 2, figsize=(13, 5.5), sharey=True)
    offered = [step["offered"] for step in steps]
    for ax, endpoint in zip(axes, ("move", "board"), strict=True):
        for quantile, colour in QUANTILES.items():
            client = [step["client"].get(endpoint, {}).get(f"{quantile}_ms") for step in steps]
            server = [
                step["server"].get(endpoint, {}).get("total", {}).get(f"{quantile}_ms")
                for step in steps
            ]
            ax.plot(offered, client, color=colour, marker="o", label=f"{quantile} client")
            ax.plot(
                offered,
                server,
                color=colour,
                marker="s",
                linestyle="--",
                label=f"{quantile} server",
            )
        knee = results["knee"].get(variant)
        if knee:
            ax.axvline(knee, color="0.4", linestyle=":")
            ax.text(knee, 0.98, " knee", transform=ax.get_xaxis_transform(), va="top")
        ax.set_xscale("log", base=2)
        ax.set_xticks(offered, [f"{x:.0f}" for x in offered])
        ax.set_yscale("log")
        ax.set_xlabel("moves/s offered (a board read per 30 moves)")
        ax.set_title(f"{endpoint}: client (solid) and server (dashed)")
        ax.grid(True, which="both", color="0.9")
    axes[0].set_ylabel("latency (ms)")
    axes[0].legend(fontsize=8, loc="upper left")
    meta = results["meta"]
    repeats = max(step.get("repeats", 1) for step in steps)
    figure.suptitle(
        f"Paced latency sweep, {meta['started_at'][:16]} UTC, {meta['commit']}, medians of"
        f" {repeats}, {meta['seconds']:.0f} s a step, load generator/arrivals: {variant}"
        f" ({meta['cpus']} CPUs shared)",
        fontsize=10,
    )
    figure.tight_layout()
    figure.savefig(path, dpi=dpi)
    plt.close(figure)


def merged(found: list[dict[str, Any]]) -> dict[str, Any]:
    """Several sweeps' results as one, each sweep's steps a repeat of its own: sweeps run apart
    (interleaved with another configuration's, so both meet the same neighbours) summarised
    as if run with ``--repeats``."""
    steps = [
        {**step, "repeat": index}
        for index, results in enumerate(found)
        for step in results["steps"]
    ]
    return {"meta": {**found[0]["meta"], "merged": len(found)}, "steps": steps, **summarised(steps)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Redraw sweeps: the medians of one or more.")
    parser.add_argument("plot", type=Path, help="where to draw it (e.g. docs/img/...)")
    parser.add_argument("results", type=Path, nargs="+", help="benchmarks/results/sweep-*.json")
    parser.add_argument("--variant", help="load generator/arrivals (default: the first run)")
    args = parser.parse_args(argv)
    results = merged([json.loads(path.read_text()) for path in args.results])
    print_steps(results)
    plot_sweep(results, args.plot, args.variant or next(iter(results["knee"])))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
