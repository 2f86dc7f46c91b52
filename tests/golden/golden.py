"""The golden event log: its rows, and what the code makes of them.

``log.json`` holds stored events exactly as releases wrote them (topic and state as stored);
``expected/`` what the code loaded, replayed and projected from them when they were recorded.
``record.py`` adds to them; ``test_golden_log.py`` holds every later version of the code to them.
"""

from __future__ import annotations

import json
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from application.idempotency import IdempotencyRecord
from application.statusboard import StatusBoard
from domain.appointment import Appointment
from domain.service import Service
from projections.activity import ActivityFilter
from projections.availability import Wanted
from projections.catalog import build_projections
from projections.follower import Follower
from projections.readside import ReadSide
from projections.schema import create_tables
from storage.eventstore import store_env

HERE = Path(__file__).resolve().parent
LOG = HERE / "log.json"
EXPECTED = HERE / "expected"


def jsonable(value: Any) -> Any:
    """Values as JSON can hold them; floats rounded, as two stores may differ in the last bit."""
    if is_dataclass(value) and not isinstance(value, type):
        return jsonable(asdict(value))
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, float):
        return round(value, 6)
    return value


def read_rows() -> list[dict[str, Any]]:
    return json.loads(LOG.read_text()) if LOG.exists() else []


def stored(row: dict[str, Any]) -> StoredEvent:
    return StoredEvent(
        originator_id=UUID(row["originator_id"]),
        originator_version=row["originator_version"],
        topic=row["topic"],
        state=row["state"].encode(),
    )


def row_of(notification: Any) -> dict[str, Any]:
    state = notification.state.decode()
    return {
        "id": notification.id,
        "originator_id": str(notification.originator_id),
        "originator_version": notification.originator_version,
        "topic": notification.topic,
        "class_version": json.loads(state).get("class_version", 1),
        "state": state,
    }


def loaded(url: str, rows: list[dict[str, Any]]) -> StatusBoard:
    """A StatusBoard on a fresh store that holds the rows, at the positions they were at."""
    app = StatusBoard(store_env(url))
    if rows:
        app.recorder.insert_events([stored(row) for row in rows])
    return app


def notifications(app: StatusBoard) -> list[Any]:
    return list(app.recorder.select_notifications(start=1, limit=1_000_000))


def events(app: StatusBoard) -> list[dict[str, Any]]:
    """Every event as the code loads it: upcast to today's version, typed."""
    return [
        {"id": n.id, "topic": n.topic, **jsonable(vars(app.mapper.to_domain_event(n)))}
        for n in notifications(app)
    ]


def aggregates(app: StatusBoard) -> dict[str, Any]:
    """Every aggregate in the log, replayed to its last version."""
    found: dict[str, Any] = {}
    for ident in sorted({str(n.originator_id) for n in notifications(app)}):
        aggregate = app.repository.get(UUID(ident))
        found[ident] = {"type": type(aggregate).__name__, **_state(aggregate)}
    return found


def _state(aggregate: Any) -> dict[str, Any]:
    common = {"version": aggregate.version, "created_on": aggregate.created_on}
    if isinstance(aggregate, Appointment):
        extra = {"status_since": aggregate.status_since, "total_cents": aggregate.total_cents}
        return jsonable({**common, **aggregate.state(), **extra})
    if isinstance(aggregate, Service):
        return jsonable({**common, **aggregate.state()})
    assert isinstance(aggregate, IdempotencyRecord)
    fields = ("key", "fingerprint", "aggregate_id", "result_version", "applied")
    return jsonable({**common, **{name: getattr(aggregate, name) for name in fields}})


def read_models(app: StatusBoard, url: str) -> dict[str, Any]:
    """The read models after following the whole log, through the public read side."""
    read_side = ReadSide.open(url)
    try:
        create_tables(read_side.store)
        for projection in build_projections("UTC").values():
            Follower(app, read_side.store, projection).catch_up()
        days = sorted({(a["location_id"], a["starts_at"][:10]) for a in _appointments(app)})
        return jsonable(
            {
                "boards": [read_side.board(loc, date.fromisoformat(d)) for loc, d in days],
                "stats": [read_side.stats(loc, date.fromisoformat(d)) for loc, d in days],
                "services": read_side.services(limit=100),
                "activity": read_side.activity(ActivityFilter(), limit=1000),
                # "today" is the log's first day, so the count of the day's appointments stays put.
                "locations": read_side.locations(date.fromisoformat(days[0][1])),
                "staff": [read_side.staff(loc) for loc in sorted({loc for loc, _ in days})],
                "availability": [
                    read_side.availability(Wanted(loc, date.fromisoformat(d), 30))
                    for loc, d in days
                ],
            }
        )
    finally:
        read_side.close()


def _appointments(app: StatusBoard) -> list[dict[str, Any]]:
    return [a for a in aggregates(app).values() if a["type"] == "Appointment"]


def expectations(app: StatusBoard, url: str) -> dict[str, Any]:
    return {
        "events": events(app),
        "aggregates": aggregates(app),
        "read_models": read_models(app, url),
    }


def read_expected() -> dict[str, Any]:
    return {
        name: json.loads((EXPECTED / f"{name}.json").read_text())
        for name in ("events", "aggregates", "read_models")
    }
