"""From the samples of each run to per-endpoint figures and verdicts against the SLOs.

A sample is ``[start_time, endpoint, milliseconds, status, position]``. Outcomes: 2xx is ok,
409 a conflict and 422 a refusal (both counted on their own, not as errors), anything else —
including a dropped connection (status 0) and a 503 from a read-your-writes wait — an error.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

#: The product's SLOs: p95 per endpoint (ms), and the error rate of every run.
SLO_P95_MS = {"board": 800.0, "stats": 500.0, "move": 400.0}
SLO_ERROR_RATE = 0.005
#: Our own stricter targets.
TARGET_P95_MS = 15.0
TARGET_CLIENTS = 16
TARGET_LAG_P95_MS = 50.0
TARGET_LAG_RATE = 200.0


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile; None when there is nothing to rank."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def outcome(status: int) -> str:
    if 200 <= status < 300:
        return "ok"
    return {409: "conflict", 422: "refused"}.get(status, "error")


def endpoint_figures(samples: list[list[Any]], seconds: float) -> dict[str, dict[str, Any]]:
    by_endpoint: dict[str, list[list[Any]]] = defaultdict(list)
    for sample in samples:
        by_endpoint[sample[1]].append(sample)
    figures = {}
    for name, rows in sorted(by_endpoint.items()):
        counts = defaultdict(int)
        for row in rows:
            counts[outcome(row[3])] += 1
        latencies = [row[2] for row in rows]
        total = len(rows)
        figures[name] = {
            "requests": total,
            "rate": total / seconds if seconds else 0.0,
            "p50_ms": percentile(latencies, 0.50),
            "p95_ms": percentile(latencies, 0.95),
            "p99_ms": percentile(latencies, 0.99),
            "max_ms": max(latencies),
            "errors": counts["error"],
            "conflicts": counts["conflict"],
            "refused": counts["refused"],
            "error_rate": counts["error"] / total,
            "conflict_rate": counts["conflict"] / total,
            "statuses": _statuses(rows),
        }
    return figures


def _statuses(rows: list[list[Any]]) -> dict[str, int]:
    found: dict[str, int] = defaultdict(int)
    for row in rows:
        found[str(row[3])] += 1
    return dict(sorted(found.items()))


def timeline(
    samples: list[list[Any]], origin: float, until: float, bucket: float = 1.0
) -> dict[str, Any]:
    """Per endpoint and whole bucket of time: p50/p95/p99, requests/s and conflict rate."""
    cells: dict[tuple[str, int], list[list[Any]]] = defaultdict(list)
    last = int((until - origin) // bucket)
    for sample in samples:
        index = int((sample[0] - origin) // bucket)
        if index < last:
            cells[(sample[1], index)].append(sample)
    series: dict[str, dict[str, list[Any]]] = {}
    for (name, index), rows in sorted(cells.items()):
        latencies = [row[2] for row in rows]
        line = series.setdefault(name, defaultdict(list))
        line["t"].append(round(origin + (index + 0.5) * bucket, 3))
        line["p50_ms"].append(percentile(latencies, 0.50))
        line["p95_ms"].append(percentile(latencies, 0.95))
        line["p99_ms"].append(percentile(latencies, 0.99))
        line["rate"].append(len(rows) / bucket)
        line["conflict_rate"].append(sum(row[3] == 409 for row in rows) / len(rows))
    return {name: dict(line) for name, line in series.items()}


@dataclass(frozen=True)
class Verdict:
    run: str
    what: str
    measured: str
    limit: str
    passed: bool
    kind: str  # "SLO" or "target"

    def line(self) -> str:
        mark = "PASS" if self.passed else "FAIL"
        what = f"{self.kind:<6} {self.run:<14} {self.what:<34}"
        return f"{mark}  {what} {self.measured:>14}  {self.limit}"


def verdicts(run: dict[str, Any]) -> list[Verdict]:
    name, figures = run["name"], run["endpoints"]
    found: list[Verdict] = []
    for endpoint, figure in figures.items():
        base = endpoint.split(" ")[0]
        if base in SLO_P95_MS:
            found.append(_p95(name, endpoint, figure, SLO_P95_MS[base], "SLO"))
    total = sum(f["requests"] for f in figures.values())
    errors = sum(f["errors"] for f in figures.values())
    refused = sum(f["refused"] for f in figures.values())
    rate = errors / total if total else 0.0
    found.append(
        Verdict(
            name,
            "error rate",
            f"{rate:.3%}",
            f"< {SLO_ERROR_RATE:.1%}",
            rate < SLO_ERROR_RATE,
            "SLO",
        )
    )
    found.append(
        Verdict(
            name,
            "errors other than 409",
            f"{errors + refused}",
            "= 0",
            errors + refused == 0,
            "target",
        )
    )
    if run.get("closed_loop") and run["users"] == TARGET_CLIENTS:
        for endpoint in ("board", "stats", "move"):
            if endpoint == run["scenario"] and endpoint in figures:
                found.append(_p95(name, endpoint, figures[endpoint], TARGET_P95_MS, "target"))
    if run.get("lag_target"):
        found.append(_lag(run))
    return found


def _p95(run: str, endpoint: str, figure: dict[str, Any], limit: float, kind: str) -> Verdict:
    p95 = figure["p95_ms"]
    return Verdict(
        run,
        f"{endpoint} p95",
        f"{p95:.1f} ms",
        f"<= {limit:.0f} ms",
        p95 is not None and p95 <= limit,
        kind,
    )


def _lag(run: dict[str, Any]) -> Verdict:
    rate = sum(f["rate"] for n, f in run["endpoints"].items() if n.startswith("move"))
    shown = [run["lag"][name]["p95_ms"] for name in ("board", "stats") if name in run["lag"]]
    worst = max(shown) if shown and None not in shown else None
    at_rate = rate >= 0.95 * TARGET_LAG_RATE
    measured = "-" if worst is None else f"{worst:.1f} ms"
    limit = f"<= {TARGET_LAG_P95_MS:.0f} ms at {TARGET_LAG_RATE:.0f} moves/s"
    if not at_rate:
        limit += f" (reached {rate:.0f}/s)"
    passed = worst is not None and worst <= TARGET_LAG_P95_MS and at_rate
    return Verdict(
        run["name"], "projection lag p95 (board, stats)", measured, limit, passed, "target"
    )
