"""When events happen.

Events take their time from the library's clock, unless a caller replays a known past, as
demo data and tests do, inside ``occurring_at``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from eventsourcing.domain import Aggregate, datetime_now_with_tzinfo

_moment: ContextVar[datetime | None] = ContextVar("statusboard_moment", default=None)


@contextmanager
def occurring_at(moment: datetime) -> Iterator[None]:
    token = _moment.set(moment)
    try:
        yield
    finally:
        _moment.reset(token)


def event_time() -> datetime:
    return _moment.get() or datetime_now_with_tzinfo()


class StampedEvent(Aggregate.Event):
    """What every event of ours records besides its change: who, in which request, under
    which idempotency key, and when.

    Every stored event type names its ``class_version``. Events stay in the log forever, so a
    changed shape is a new version with a static ``upcast_vN_vM`` from the one before, which
    the library runs on old rows as they are read; the class keeps its name and module (or
    its old topic is registered)."""

    actor: str
    request_id: str
    idempotency_key: str | None

    @staticmethod
    def create_timestamp() -> datetime:
        return event_time()
