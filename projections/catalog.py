"""Every read model, by name: one package under ``projections/`` each, registered here once.

A read model's package holds its projection (tables and fold) and its queries with their DTOs,
and exports its projection class as ``PROJECTION``. Running, rebuilding, verifying, status and
the database's tables all follow this list.
"""

from __future__ import annotations

from importlib import import_module
from zoneinfo import ZoneInfo

from projections.base import Projection

#: The read models' packages, in the order they are run, rebuilt and reported.
MODELS: tuple[str, ...] = (
    "board",
    "stats",
    "services",
    "activity",
    "locations",
    "availability",
)


def _projection_class(model: str) -> type[Projection]:
    found: type[Projection] = import_module(f"projections.{model}").PROJECTION
    if found.name != model:
        msg = f"projections.{model} exports the projection named {found.name}"
        raise LookupError(msg)
    return found


PROJECTION_CLASSES: tuple[type[Projection], ...] = tuple(_projection_class(m) for m in MODELS)

NAMES: tuple[str, ...] = tuple(cls.name for cls in PROJECTION_CLASSES)


def build_projections(timezone: str | ZoneInfo) -> dict[str, Projection]:
    zone = timezone if isinstance(timezone, ZoneInfo) else ZoneInfo(timezone)
    return {cls.name: cls(zone) for cls in PROJECTION_CLASSES}
