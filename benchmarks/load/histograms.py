"""The server's own latency: its phase histograms (``statusboard_http_request_phase_seconds``)
scraped from ``/metrics`` before and after a step, and percentiles of the difference.

A percentile read from buckets is interpolated linearly inside its bucket, so it is as fine as
the buckets (0.5, 1, 2, 3, 5, 7.5, 10, 15, 20, 30, 50, 75, 100 ms ... ): good to a bucket's width.
"""

from __future__ import annotations

import math
import urllib.request
from collections import defaultdict
from typing import Any

from prometheus_client.parser import text_string_to_metric_families

PHASES = "statusboard_http_request_phase_seconds"
#: The web workers' garbage collections, keyed ("gc", generation).
COLLECTIONS = "statusboard_gc_pause_seconds"
#: (route, phase) -> {upper bound: cumulative count}, and the sum of the observed seconds.
Scrape = dict[tuple[str, str], dict[str, Any]]


def scrape(base_url: str, timeout: float = 10) -> Scrape:
    with urllib.request.urlopen(f"{base_url}/metrics", timeout=timeout) as response:
        text = response.read().decode()
    found: Scrape = defaultdict(lambda: {"buckets": {}, "sum": 0.0})
    for family in text_string_to_metric_families(text):
        if family.name not in (PHASES, COLLECTIONS):
            continue
        for sample in family.samples:
            labels = sample.labels
            key = (
                (labels["route"], labels["phase"])
                if "route" in labels
                else ("gc", labels["generation"])
            )
            if sample.name.endswith("_bucket"):
                found[key]["buckets"][float(sample.labels["le"])] = sample.value
            elif sample.name.endswith("_sum"):
                found[key]["sum"] = sample.value
    return dict(found)


def difference(before: Scrape, after: Scrape) -> Scrape:
    """What was observed between two scrapes."""
    empty: dict[str, Any] = {"buckets": {}, "sum": 0.0}
    found: Scrape = {}
    for key, late in after.items():
        early = before.get(key, empty)
        buckets = {le: n - early["buckets"].get(le, 0.0) for le, n in late["buckets"].items()}
        if buckets.get(math.inf, 0.0) > 0:
            found[key] = {"buckets": buckets, "sum": late["sum"] - early["sum"]}
    return found


def quantile(buckets: dict[float, float], q: float) -> float:
    """Seconds under which a fraction ``q`` of the observations fell (bucket-interpolated)."""
    bounds = sorted(buckets)
    total = buckets[math.inf]
    rank = q * total
    lower, below = 0.0, 0.0
    for bound in bounds:
        count = buckets[bound]
        if count >= rank:
            if math.isinf(bound):
                return lower
            inside = count - below
            share = (rank - below) / inside if inside else 0.0
            return lower + (bound - lower) * share
        lower, below = bound, count
    return lower


def figures(observed: Scrape, route_ends: str) -> dict[str, dict[str, float]]:
    """Per phase of the route ending in ``route_ends`` (or per generation of ``"gc"``): count,
    mean and p50/p95/p99 in ms, and the total in seconds."""
    found = {}
    for (route, phase), histogram in sorted(observed.items()):
        if not route.endswith(route_ends):
            continue
        buckets, count = histogram["buckets"], histogram["buckets"][math.inf]
        found[phase] = {
            "count": count,
            "mean_ms": round(histogram["sum"] / count * 1000, 2),
            "total_s": round(histogram["sum"], 3),
            **{
                f"p{round(q * 100)}_ms": round(quantile(buckets, q) * 1000, 2)
                for q in (0.50, 0.95, 0.99)
            },
        }
    return found
