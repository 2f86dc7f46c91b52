"""Which of the server's workers answered: from the clients' samples and the server's own log.

Each answer names its worker (``X-Worker``, the process id) and the server logs one JSON line
per request with its route, its duration and its worker, so a run can show how evenly the
workers shared the requests and what the server itself measured, against what clients saw.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any

from benchmarks.load.report import percentile


def per_worker(samples: list[list[Any]]) -> dict[str, Any]:
    """Requests answered by each worker, and the busiest worker's share of them."""
    counts = Counter(str(sample[5]) for sample in samples if len(sample) > 5 and sample[5])
    total = sum(counts.values())
    return {
        "requests": dict(counts.most_common()),
        "busiest_share": max(counts.values()) / total if total else None,
    }


def server_side(log: Path, started: float, ended: float) -> dict[str, Any]:
    """From the server's request log between two moments: per route p50/p95, per worker counts."""
    durations: dict[str, list[float]] = defaultdict(list)
    workers: Counter[str] = Counter()
    if not log.exists():
        return {}
    with log.open() as lines:
        for line in lines:
            entry = _request(line)
            if entry is None or not started <= entry["at"] <= ended:
                continue
            durations[entry["route"]].append(entry["duration_ms"])
            workers[str(entry["worker"])] += 1
    routes = {
        route: {
            "requests": len(found),
            "p50_ms": percentile(found, 0.50),
            "p95_ms": percentile(found, 0.95),
        }
        for route, found in sorted(durations.items())
    }
    return {"routes": routes, "workers": dict(workers.most_common())}


def _request(line: str) -> dict[str, Any] | None:
    if not line.startswith("{"):
        return None
    try:
        entry = json.loads(line)
    except ValueError:
        return None
    if entry.get("logger") != "statusboard.http" or "duration_ms" not in entry:
        return None
    entry["at"] = datetime.fromisoformat(entry["time"]).timestamp()
    return entry
