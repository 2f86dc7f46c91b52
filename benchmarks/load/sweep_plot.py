"""The sweep's plot: p50/p95/p99 of moves and board reads against the offered load, at the
clients (solid) and at the server (dashed), with the knee marked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from benchmarks.load.sweep_figures import paced_steps

QUANTILES = {"p50": "tab:green", "p95": "tab:orange", "p99": "tab:red"}


def plot_sweep(results: dict[str, Any], path: Path, loadgen: str, dpi: int = 80) -> None:
    steps = paced_steps(results["medians"], loadgen)
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
        knee = results["knee"].get(loadgen)
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
        f" {repeats}, {meta['seconds']:.0f} s a step, load generator: {loadgen}"
        f" ({meta['cpus']} CPUs shared)",
        fontsize=10,
    )
    figure.tight_layout()
    figure.savefig(path, dpi=dpi)
    plt.close(figure)


if __name__ == "__main__":
    import json
    import sys

    # python -m benchmarks.load.sweep_plot RESULTS.json OUT.png [LOADGEN]: redraw a sweep.
    found = json.loads(Path(sys.argv[1]).read_text())
    plot_sweep(found, Path(sys.argv[2]), sys.argv[3] if sys.argv[3:] else "taskset")
