from __future__ import annotations

from zoneinfo import ZoneInfo

from projections.activity import ActivityProjection
from projections.base import Projection
from projections.board import BoardProjection
from projections.services import ServicesProjection
from projections.stats import StatsProjection

PROJECTION_CLASSES: tuple[type[Projection], ...] = (
    BoardProjection,
    StatsProjection,
    ServicesProjection,
    ActivityProjection,
)

NAMES: tuple[str, ...] = tuple(cls.name for cls in PROJECTION_CLASSES)


def build_projections(timezone: str | ZoneInfo) -> dict[str, Projection]:
    zone = timezone if isinstance(timezone, ZoneInfo) else ZoneInfo(timezone)
    return {cls.name: cls(zone) for cls in PROJECTION_CLASSES}
