"""Field-level changes of an aggregate's events, for audit trails and conflicts."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol


class Stateful(Protocol):
    version: int

    def state(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class Change:
    """One event, told as what it changed."""

    version: int
    type: str
    at: datetime
    actor: str
    request_id: str
    idempotency_key: str | None
    changes: dict[str, tuple[Any, Any]]
    reason: str | None = None


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    return {
        name: (before.get(name), value)
        for name, value in after.items()
        if before.get(name) != value
    }


def replay(start: Stateful | None, events: Iterable[Any]) -> Iterator[tuple[Change, Stateful]]:
    """Applies events to a copy of ``start``, yielding each event's change and the state after it.

    ``start`` is mutated: pass an aggregate loaded for the purpose.
    """
    aggregate = start
    for event in events:
        before = aggregate.state() if aggregate is not None else {}
        aggregate = event.mutate(aggregate)
        assert aggregate is not None
        yield (
            Change(
                version=event.originator_version,
                type=type(event).__name__,
                at=event.timestamp,
                actor=event.actor,
                request_id=event.request_id,
                idempotency_key=event.idempotency_key,
                changes=diff(before, aggregate.state()),
                reason=getattr(event, "reason", None),
            ),
            aggregate,
        )
