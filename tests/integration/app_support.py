"""Who acts in the application-level tests, the booking they make, and a board that counts its
reads."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import EventStore, Mapper, Recorder

from application.statusboard import StatusBoard
from domain.stamp import Stamp

ANN = Stamp(actor="ann", request_id="req-ann")
BOB = Stamp(actor="bob", request_id="req-bob")
BOOKING: dict[str, Any] = {
    "location_id": "main-street",
    "starts_at": datetime(2030, 3, 4, 9, 0, tzinfo=UTC),
    "customer": {"name": "Ada Lovelace"},
    "services": [{"code": "CUT"}],
}


class CountingEventStore(EventStore[UUID]):
    """The library's event store, noting every read: of which aggregate, between which
    versions."""

    def __init__(self, mapper: Mapper[UUID], recorder: Recorder) -> None:
        super().__init__(mapper, recorder)
        self.reads: list[dict[str, Any]] = []

    def get(
        self,
        originator_id: UUID,
        *,
        gt: int | None = None,
        lte: int | None = None,
        desc: bool = False,
        limit: int | None = None,
    ) -> Iterator[DomainEventProtocol[UUID]]:
        self.reads.append({"id": originator_id, "gt": gt, "lte": lte, "limit": limit})
        return super().get(originator_id, gt=gt, lte=lte, desc=desc, limit=limit)


class CountingBoard(StatusBoard):
    """A board whose event store and snapshot store note every read they make."""

    events: CountingEventStore
    snapshots: CountingEventStore

    def construct_event_store(self) -> CountingEventStore:
        store = super().construct_event_store()
        return CountingEventStore(store.mapper, store.recorder)

    def construct_snapshot_store(self) -> CountingEventStore:
        store = super().construct_snapshot_store()
        return CountingEventStore(store.mapper, store.recorder)
