"""What this code writes to the event log and what it can read back, by event type and version.

A release records this manifest; a rollback is safe when the target's manifest reads every
(type, version) the log holds. A type reads every version up to its ``class_version``: older
rows are upcast as they are read.
"""

from __future__ import annotations

import importlib

from eventsourcing.domain import Aggregate
from eventsourcing.utils import get_topic

#: The modules that define stored aggregates and their events.
MODULES = ("domain.appointment", "domain.service", "application.idempotency")


def _ours(cls: type) -> bool:
    return cls.__module__ in MODULES


def _subclasses(base: type) -> set[type]:
    found: set[type] = set()
    sub: type
    for sub in base.__subclasses__():
        found |= {sub, *_subclasses(sub)}
    return found


def _direct_subclasses(cls: type) -> list[type]:
    return list(cls.__subclasses__())


def stored_event_types() -> list[type[Aggregate.Event]]:
    """Every concrete event type of ours: the leaves of the library's event classes."""
    for module in MODULES:
        importlib.import_module(module)
    ours = {cls for cls in _subclasses(Aggregate.Event) if _ours(cls)}
    leaves = {cls for cls in ours if not any(map(_ours, _direct_subclasses(cls)))}
    return sorted(leaves - _unused_created_events(leaves), key=get_topic)


def _unused_created_events(leaves: set[type]) -> set[type]:
    """The library gives every aggregate a ``Created`` class; one that names its own created
    event (``Booked``, ``Added``) never stores the library's."""
    created = [cls for cls in leaves if issubclass(cls, Aggregate.Created)]
    owners = {cls.__qualname__.rsplit(".", 1)[0] for cls in created if cls.__name__ != "Created"}
    return {
        cls
        for cls in created
        if cls.__name__ == "Created" and cls.__qualname__.rsplit(".", 1)[0] in owners
    }


def stored_aggregate_types() -> list[type[Aggregate]]:
    for module in MODULES:
        importlib.import_module(module)
    return sorted((cls for cls in _subclasses(Aggregate) if _ours(cls)), key=get_topic)


def event_versions() -> dict[str, int]:
    """Each event type's topic and the version this code writes (and reads up to)."""
    return {get_topic(cls): getattr(cls, "class_version", 1) for cls in stored_event_types()}


def snapshot_versions() -> dict[str, int]:
    """Each aggregate's topic and the version of the state its snapshots record."""
    return {get_topic(cls): getattr(cls, "class_version", 1) for cls in stored_aggregate_types()}
