"""One PNG per load run: latency percentiles and throughput per endpoint over time, the conflict
rate of the hot-move scenario, and the projections' read-your-writes lag."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

COLOURS = {
    "board": "tab:blue",
    "stats": "tab:orange",
    "services": "tab:green",
    "move": "tab:red",
    "move (hot)": "tab:purple",
    "appointment": "tab:brown",
}


def plot_results(results: dict[str, Any], path: Path, dpi: int = 80) -> None:
    runs = results["runs"]
    if not runs:
        return
    origin = runs[0]["started"]
    figure, axes = plt.subplots(4, 1, figsize=(13, 13), sharex=True)
    latency, throughput, conflicts, lag = axes
    labelled: set[str] = set()
    for run in runs:
        for ax in axes:
            ax.axvline(run["started"] - origin, color="0.8", linewidth=0.8)
        latency.text(
            run["started"] - origin + 0.5,
            0.97,
            run["name"],
            rotation=90,
            transform=latency.get_xaxis_transform(),
            va="top",
            fontsize=8,
        )
        for name, line in run["timeline"].items():
            colour = COLOURS.get(name, "tab:gray")
            t = [x - origin for x in line["t"]]
            label = None if name in labelled else name
            labelled.add(name)
            latency.plot(t, line["p95_ms"], color=colour, linewidth=1.4, label=label)
            latency.plot(t, line["p50_ms"], color=colour, linewidth=0.8, linestyle="--")
            latency.plot(t, line["p99_ms"], color=colour, linewidth=0.8, linestyle=":")
            throughput.plot(t, line["rate"], color=colour, linewidth=1.2)
            if name == "move (hot)":
                conflicts.plot(t, [100 * x for x in line["conflict_rate"]], color=colour)
        for projection, line in run.get("lag_timeline", {}).items():
            t = [x - origin for x in line["t"]]
            style = {"board": "-", "stats": "--", "activity": ":"}.get(projection, "-")
            label = None if f"lag {projection}" in labelled else projection
            labelled.add(f"lag {projection}")
            lag.plot(t, line["p95_ms"], color="black", linestyle=style, label=label)
    latency.set_yscale("log")
    latency.set_ylabel("latency (ms)\np95 solid, p50 dashed, p99 dotted")
    latency.legend(loc="upper right", fontsize=8)
    throughput.set_ylabel("requests/s")
    conflicts.set_ylabel("hot-move: moves\nanswered 409 (%)")
    lag.set_ylabel("read-your-writes lag\np95 per second (ms)")
    lag.legend(loc="upper right", fontsize=8)
    lag.set_xlabel("seconds since the first run started")
    meta = results["meta"]
    figure.suptitle(
        f"Status board load test, {meta['profile']} profile, {meta['started_at']}"
        f" ({meta['cpus']} CPUs shared by server, database and load generator)",
        fontsize=11,
    )
    figure.tight_layout()
    figure.savefig(path, dpi=dpi)
    plt.close(figure)


if __name__ == "__main__":
    import json
    import sys

    # python -m benchmarks.load.plot RESULTS.json OUT.png [DPI]: redraw a run's plot.
    source, target = Path(sys.argv[1]), Path(sys.argv[2])
    plot_results(json.loads(source.read_text()), target, int(sys.argv[3]) if sys.argv[3:] else 80)
