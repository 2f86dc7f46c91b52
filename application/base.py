"""What every command of an event-sourced application shares, kept out of the use cases.

A command is a decision: ``decide(attempt)`` loads what it needs through the attempt and
returns the aggregate with whether it changed it; any other aggregate it changed it hands to
``attempt.collect``, to be saved with it. ``execute`` runs it and saves what it decided
(with the idempotency key's record, in the same save); should the save lose the race for the
next version, it runs the decision again on what the store now holds, a bounded number of times.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Generic, ParamSpec, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, ProcessingEvent
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, InterfaceError, OperationalError, Recording

from application.errors import IdempotencyKeyReusedError, StorageUnavailableError
from application.idempotency import IdempotencyRecord, fingerprint, record_id
from application.loading import Attempt, Loader, RecentCopies, replayed
from domain.stamp import Stamp

A = TypeVar("A", bound=Aggregate)
P = ParamSpec("P")
R = TypeVar("R")
#: A command's decision: the aggregate it loaded through the attempt, and whether it changed it.
Decide = Callable[[Attempt], tuple[A, bool]]


@dataclass(frozen=True)
class Outcome(Generic[A]):
    """What a command did: the aggregate as it now is, whether it appended, and where."""

    aggregate: A
    applied: bool
    position: int

    @property
    def version(self) -> int:
        return self.aggregate.version


@dataclass(frozen=True)
class Command:
    """What a client asked for: the command, its target and arguments, and who asked."""

    name: str
    target: UUID | None
    arguments: dict[str, Any]
    stamp: Stamp

    @property
    def key(self) -> str | None:
        return self.stamp.idempotency_key

    @cached_property
    def fingerprint(self) -> str:
        """What a retry under the same idempotency key must ask for again."""
        return fingerprint(self.name, {"target": self.target, **self.arguments})


def storage_guarded(method: Callable[P, R]) -> Callable[P, R]:
    """A database that cannot answer is the client's 503, never a 500."""

    @functools.wraps(method)
    def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except (OperationalError, InterfaceError) as error:
            raise StorageUnavailableError(
                str(error).splitlines()[0] if str(error) else "storage unavailable"
            ) from error

    return guarded


class CommandApplication(Application[UUID]):
    """An application whose commands race for the next version, and may carry a key."""

    #: How often a command is run before losing the race is the client's 503.
    max_attempts = 20
    #: How many aggregates, as this process last saved them, a first attempt may start from.
    recent_size = 2000

    def __init__(self, env: dict[str, str] | None = None) -> None:
        super().__init__(env)
        self.save_listeners: list[Callable[[int], None]] = []
        self.conflict_listeners: list[Callable[[str], None]] = []
        self.loader = Loader(self.repository, self.events, self.snapshotting_intervals or {})
        self.recent = RecentCopies(self.recent_size)

    def execute(self, command: Command, decide: Decide[A]) -> Outcome[A]:
        """Runs ``decide`` until its save wins the race for the next version.

        A lost race means someone else appended first: decide again on what the store holds,
        since the rules may now say merge, no-op or conflict.
        """
        for number in range(self.max_attempts):
            attempt = Attempt(first=number == 0, loader=self.loader, recent=self.recent)
            outcome = self._attempt(command, attempt, decide)
            if outcome is not None:
                return outcome
        raise StorageUnavailableError("too many simultaneous changes to this record; try again")

    def _attempt(self, command: Command, attempt: Attempt, decide: Decide[A]) -> Outcome[A] | None:
        """The outcome of one attempt, or None when the next attempt must decide again."""
        # A first attempt skips the key's lookup: its record is saved with the events, so a
        # key used before makes that save fail, and the next attempt finds the record.
        earlier = None if attempt.first else self._earlier_outcome(command)
        if earlier is not None:
            return earlier
        try:
            aggregate, applied = decide(attempt)
        except Exception:
            # An answer decided on this process's copy, or one a key may already hold, is
            # not final: the store decides it on the next attempt.
            if attempt.first and (command.key or attempt.trusted_recent_copy):
                return None
            raise
        if attempt.trusted_recent_copy and not applied:
            return None  # nothing to save means nothing checks the copy was current
        try:
            recordings = self._save_decision(command, aggregate, applied, attempt.also_changed)
        except IntegrityError:
            for listener in self.conflict_listeners:
                listener(command.name)
            return None
        saved: list[Aggregate] = [aggregate, *attempt.also_changed]
        for each in saved:
            self.recent.put(each)
        return Outcome(aggregate, applied, self._position(recordings))

    def _save_decision(
        self, command: Command, aggregate: Aggregate, applied: bool, others: list[Aggregate]
    ) -> list[Recording[UUID]]:
        """What the command changed, and the record of its key, in one transaction."""
        pending: list[Aggregate] = [aggregate, *others] if applied else list(others)
        if command.key:
            pending.append(
                IdempotencyRecord.record(
                    actor=command.stamp.actor,
                    key=command.key,
                    fingerprint=command.fingerprint,
                    aggregate_id=aggregate.id,
                    version=aggregate.version,
                    applied=applied,
                )
            )
        return self.save(*pending) if pending else []

    def _earlier_outcome(self, command: Command) -> Outcome[Any] | None:
        """The outcome a keyed command had before, if it ran before."""
        if not command.key:
            return None
        try:
            record: IdempotencyRecord = self.repository.get(
                record_id(command.stamp.actor, command.key), projector_func=replayed
            )
        except AggregateNotFoundError:
            return None
        if record.fingerprint != command.fingerprint:
            raise IdempotencyKeyReusedError(command.key)
        aggregate: Aggregate = self.repository.get(
            record.aggregate_id, version=record.result_version, projector_func=replayed
        )
        return Outcome(aggregate, record.applied, self.head_position())

    @storage_guarded
    def head_position(self) -> int:
        return self.recorder.max_notification_id() or 0

    def _position(self, recordings: list[Recording[UUID]]) -> int:
        if recordings:
            return max(recording.notification.id for recording in recordings)
        return self.head_position()

    def save(self, *objs: Any, **kwargs: Any) -> list[Recording[UUID]]:
        """The library's save, without asking of each aggregate what it is.

        The library tells events from aggregates by checking runtime protocols, a cost every
        write would pay (docs/BENCHMARKS.md). Aggregates are collected directly; anything else
        is left to the library.
        """
        processing_event: ProcessingEvent[UUID] = ProcessingEvent()
        for obj in objs:
            if isinstance(obj, Aggregate):
                processing_event.events.extend(obj.collect_events())
                processing_event.aggregates[obj.id] = obj
            elif obj is not None:
                processing_event.collect_events(obj)
        processing_event.saved_kwargs.update(kwargs)
        recordings = self._record(processing_event)
        self._take_snapshots(processing_event)
        self._notify(recordings)
        return recordings

    def _notify(self, recordings: list[Recording[UUID]]) -> None:
        if recordings:
            position = self._position(recordings)
            for listener in self.save_listeners:
                listener(position)
