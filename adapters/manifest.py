"""What this code writes to the event log and what it can read back, by event type and version.

A release records this manifest; a rollback is safe when the target's manifest reads every
(type, version) the log holds. A type reads every version up to its ``class_version``: older
rows are upcast as they are read.
"""

from __future__ import annotations

import hashlib
import importlib
import json
from collections.abc import Sequence
from typing import Any

from eventsourcing.domain import Aggregate
from eventsourcing.utils import get_topic

from projections.catalog import build_projections

#: The modules that define stored aggregates and their events.
MODULES = (
    "domain.appointment",
    "domain.service",
    "domain.schedule",
    "domain.hours",
    "application.idempotency",
)


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


def projection_fingerprints() -> dict[str, str]:
    """Each projection's tables and the events it folds, in a short digest: a release whose
    digest differs shapes or fills that read model differently, so rolling back to it (or
    forward from it) means rebuilding that projection."""
    fingerprints = {}
    for name, projection in build_projections("UTC").items():
        text = "\n".join([*projection.ddl(1), *projection.topics])
        fingerprints[name] = hashlib.sha256(text.encode()).hexdigest()[:16]
    return fingerprints


def current_manifest() -> dict[str, Any]:
    return {
        "events": event_versions(),
        "snapshots": snapshot_versions(),
        "projections": projection_fingerprints(),
    }


def log_versions(
    recorder: Any, topics: Sequence[str] = (), batch_size: int = 5000
) -> dict[tuple[str, int], int]:
    """Every (event type, version) the log holds (of ``topics``, if given), and the position of
    its first event.

    Reads the stored rows, not the events: a type this code does not know is reported, not
    raised."""
    found: dict[tuple[str, int], int] = {}
    start = 1
    while batch := recorder.select_notifications(start=start, limit=batch_size, topics=topics):
        for notification in batch:
            key = (notification.topic, _stored_version(notification.state))
            found.setdefault(key, notification.id)
        start = batch[-1].id + 1
    return found


def _stored_version(state: bytes) -> int:
    """The library writes ``class_version`` into the state only from version 2 on."""
    if b'"class_version"' not in state:
        return 1
    return int(json.loads(state).get("class_version", 1))


def unreadable(
    held: dict[tuple[str, int], int], events: dict[str, int]
) -> list[tuple[str, int, int]]:
    """(type, version, first position) of what a release that reads ``events`` cannot read."""
    return sorted(
        (topic, version, position)
        for (topic, version), position in held.items()
        if version > events.get(topic, 0)
    )


def unreadable_in_log(
    recorder: Any, manifests: Sequence[dict[str, Any]]
) -> list[tuple[str, int, int]]:
    """What the log holds that this code cannot read, of what the given (recorded) releases
    write: the log is read only for the types some release writes newer than this code reads,
    so with none, this costs nothing."""
    mine = event_versions()
    newer = {
        topic
        for manifest in manifests
        for topic, version in manifest.get("events", {}).items()
        if version > mine.get(topic, 0)
    }
    if not newer:
        return []
    return unreadable(log_versions(recorder, sorted(newer)), mine)
