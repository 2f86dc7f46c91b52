"""The dashboard read model: numbers per location and day, kept as running sums."""

from projections.stats.projection import (
    COUNTERS,
    STATS,
    STATS_APPOINTMENTS,
    StatsProjection,
    is_empty_bucket,
)
from projections.stats.query import Stats, stats

PROJECTION = StatsProjection

__all__ = [
    "COUNTERS",
    "PROJECTION",
    "STATS",
    "STATS_APPOINTMENTS",
    "Stats",
    "StatsProjection",
    "is_empty_bucket",
    "stats",
]
