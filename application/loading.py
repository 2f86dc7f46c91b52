"""Aggregates as the store has them, and as this process last saved them.

A command decides on the aggregate now and on the changes its client has not seen since the
version it last saw; the first attempt at a command may start from this process's own copy.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar, cast
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, LRUCache, Repository
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import EventStore

from application.errors import NotFoundError, VersionAheadError
from application.history import Change, Stateful, replay
from domain.errors import FieldError

A = TypeVar("A", bound=Aggregate)


def replayed(aggregate: Any, events: Iterable[Any]) -> Any:
    """The library's ``project_aggregate`` without its check of each event against a runtime
    protocol, which costs more than applying the event (docs/BENCHMARKS.md): every event here
    is one of the library's aggregate events, which mutate."""
    for event in events:
        aggregate = event.mutate(aggregate)
    return aggregate


class Loader:
    """Reads aggregates from the store: now, at a version, or with what a client missed."""

    def __init__(
        self,
        repository: Repository[UUID],
        events: EventStore[UUID],
        snapshotting_intervals: Mapping[type[Any], int],
    ) -> None:
        self.repository = repository
        self.events = events
        self.snapshotting_intervals = snapshotting_intervals

    def get(self, cls: type[A], ident: UUID, version: int | None = None) -> A:
        try:
            aggregate = self.repository.get(ident, version=version, projector_func=replayed)
        except AggregateNotFoundError:
            raise NotFoundError(cls.__name__.lower(), ident) from None
        if not isinstance(aggregate, cls):
            raise NotFoundError(cls.__name__.lower(), ident)
        return aggregate

    def since(
        self, cls: type[A], ident: UUID, expected_version: int | None
    ) -> tuple[A, list[Change]]:
        """The aggregate now, and the changes its client has not seen."""
        current = self.current(cls, ident, expected_version)
        if expected_version is None or expected_version == current.version:
            return current, []
        if expected_version > current.version:
            raise VersionAheadError(ident, expected_version, current.version)
        if expected_version < 1:
            raise FieldError("expected_version", "must be at least 1")
        seen = self.repository.get(ident, version=expected_version, projector_func=replayed)
        unseen = self.events.get(ident, gt=expected_version, lte=current.version)
        return current, [change for change, _ in replay(cast(Stateful, seen), unseen)]

    def current(self, cls: type[A], ident: UUID, expected_version: int | None) -> A:
        """The aggregate now, in one query when it most likely has no snapshot.

        The library looks for a snapshot before it reads the events after it: two round trips.
        A client that last saw a version below the class's first snapshot is almost always
        looking at an aggregate that has none yet, so its events are read from the start in
        one; should it have grown past a snapshot since, reading them all is still right.
        """
        interval = self.snapshotting_intervals.get(cls)
        if interval is not None and (expected_version is None or expected_version >= interval):
            return self.get(cls, ident)
        aggregate = replayed(None, self.events.get(ident))
        if not isinstance(aggregate, cls):
            raise NotFoundError(cls.__name__.lower(), ident)
        return aggregate

    def version_at(self, cls: type[Aggregate], ident: UUID, at: datetime) -> int:
        """The version the aggregate had at ``at`` (the store keeps no index by time)."""
        version = 0
        for event in self.events.get(ident):
            if cast(Any, event).timestamp > at:
                break
            version = event.originator_version
        if version == 0:
            kind = cls.__name__.lower()
            self.get(cls, ident)  # an aggregate that never was is simply not found
            raise NotFoundError(kind, ident, f"{kind} {ident} did not exist at {at.isoformat()}")
        return version


class RecentCopies:
    """Aggregates as this process last saved them; never changed once put here."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._copies: LRUCache[UUID, Aggregate] = LRUCache(maxsize=size)

    def put(self, aggregate: Aggregate) -> None:
        self._copies.put(aggregate.id, aggregate)

    def at(self, ident: UUID, version: int) -> Aggregate | None:
        """A copy to change, if this process saved the aggregate last at ``version``."""
        try:
            recent = self._copies.get(ident)
        except KeyError:
            return None
        return copy.deepcopy(recent) if recent.version == version else None

    def latest(self, ident: UUID) -> Aggregate | None:
        """A copy to change of whatever version this process saved last, if any."""
        try:
            return copy.deepcopy(self._copies.get(ident))
        except KeyError:
            return None

    def clear(self) -> None:
        self._copies = LRUCache(maxsize=self.size)


@dataclass
class Attempt:
    """One try at a command, handed to its decision.

    The first try may start from this process's copy of the aggregate when it is at the
    version the client saw: should someone have appended since, the save fails on that version
    and the next try reads the store. What a try decided on such a copy is provisional until
    its save has succeeded, so it records that it trusted one.
    """

    first: bool
    loader: Loader
    recent: RecentCopies
    trusted_recent_copy: bool = False
    #: Other aggregates the decision changed, saved with its own in one transaction.
    also_changed: list[Aggregate] = field(default_factory=list)

    def collect(self, *aggregates: Aggregate) -> None:
        """Saves these with the command's aggregate: a rule that spans aggregates (a staff
        member's schedule) holds because the one save fails should any of them have moved on."""
        self.also_changed.extend(aggregates)

    def load(
        self, cls: type[A], ident: UUID, expected_version: int | None
    ) -> tuple[A, list[Change]]:
        """The aggregate now, and the changes its client has not seen."""
        if self.first and expected_version is not None:
            recent = self.recent.at(ident, expected_version)
            if isinstance(recent, cls):
                self.trusted_recent_copy = True
                return recent, []
        return self.loader.since(cls, ident, expected_version)
