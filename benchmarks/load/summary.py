"""Medians over repeated load-test runs, as a Markdown table.

.venv/bin/python -m benchmarks.load.summary benchmarks/results/loadtest-quick-*.json
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path
from typing import Any


def _median(values: list[float | None]) -> float | None:
    present = [value for value in values if value is not None]
    return statistics.median(present) if present else None


def _fmt(value: float | None, pattern: str = "{:.1f}") -> str:
    return "–" if value is None else pattern.format(value)


def summarise(files: list[Path]) -> str:
    results = [json.loads(path.read_text()) for path in files]
    rows: dict[tuple[str, str], list[dict[str, Any]]] = {}
    lags: dict[str, list[dict[str, Any]]] = {}
    cores: dict[str, list[dict[str, float]]] = {}
    for result in results:
        for run in result["runs"]:
            for endpoint, figure in run["endpoints"].items():
                rows.setdefault((run["name"], endpoint), []).append(figure)
            if run["lag"]:
                lags.setdefault(run["name"], []).append(run["lag"])
            cores.setdefault(run["name"], []).append(run["cpu_cores_used"])
    lines = [
        f"Medians of {len(results)} runs: " + ", ".join(path.name for path in files),
        "",
        "| run | endpoint | req/s | p50 ms | p95 ms | p99 ms | errors | 409 | 422 |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for (run, endpoint), figures in rows.items():

        def m(key: str, figures: list[dict[str, Any]] = figures) -> float | None:
            return _median([figure[key] for figure in figures])

        lines.append(
            f"| {run} | {endpoint} | {_fmt(m('rate'), '{:.0f}')} | {_fmt(m('p50_ms'))}"
            f" | {_fmt(m('p95_ms'))} | {_fmt(m('p99_ms'))} | {_fmt(m('error_rate'), '{:.2%}')}"
            f" | {_fmt(m('conflict_rate'), '{:.1%}')} | {_fmt(m('refused'), '{:.0f}')} |"
        )
    lines += [
        "",
        "| run | lag p50 ms (board / stats) | lag p95 ms | lag p99 ms | cores used |",
        "|---|---:|---:|---:|---|",
    ]
    for run, readings in cores.items():
        parts = sorted({part for reading in readings for part in reading})
        used = ", ".join(f"{part} {_median([r.get(part) for r in readings]):.2f}" for part in parts)
        lag = lags.get(run, [])

        def q(key: str, lag: list[dict[str, Any]] = lag) -> str:
            return " / ".join(
                _fmt(_median([entry[name][key] for entry in lag])) for name in ("board", "stats")
            )

        if lag:
            lines.append(f"| {run} | {q('p50_ms')} | {q('p95_ms')} | {q('p99_ms')} | {used} |")
        else:
            lines.append(f"| {run} | – | – | – | {used} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(summarise([Path(name) for name in sys.argv[1:]]))
