"""Adds to the golden event log what today's code writes and the log does not hold yet.

    .venv/bin/python -m tests.golden.record

Rows already in ``log.json`` are kept exactly as they are. When today's code writes an event
type or version the log lacks, one more era is appended: a catalog and two appointments that
write every event type at today's versions. Then what today's code makes of the whole log is
recorded in ``expected/``; an aggregate recorded before must come out the same, or nothing is
written. Run it after adding an event type or version, and commit both files.
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

from adapters.manifest import event_versions
from application.statusboard import StatusBoard
from domain import localtime
from domain.moment import occurring_at
from domain.stamp import Stamp
from tests.golden.golden import (
    EXPECTED,
    LOG,
    expectations,
    loaded,
    notifications,
    read_rows,
    row_of,
)

ADMIN = Stamp(actor="golden-admin", request_id="golden-req-admin")


def missing(rows: list[dict[str, Any]]) -> set[tuple[str, int]]:
    held = {(row["topic"], row["class_version"]) for row in rows}
    return set(event_versions().items()) - held


def write_era(app: StatusBoard, era: int) -> None:
    """Every event type, at known moments, with codes and a location of the era's own."""
    clock = iter(
        datetime(2026, 12, 1, 8, tzinfo=UTC) + timedelta(days=era, minutes=m) for m in range(99)
    )
    cut_id = write_catalog(app, era, clock)
    write_hours(app, era, clock)
    starts = datetime(2027, 1, era, 9, tzinfo=UTC)
    write_ada(app, era, clock, starts, cut_id)
    desk = Stamp(actor="golden-desk", request_id=f"golden-req-{era}")
    with occurring_at(next(clock)):
        bob = app.book_appointment(
            location_id=f"golden-{era}",
            starts_at=starts,
            customer={"name": "Bob"},
            services=[{"code": f"WASH-{era}"}],
            stamp=desk,
        ).aggregate
    with occurring_at(next(clock)):
        app.move_appointment(bob.id, "no_show", expected_version=1, stamp=desk)


def write_catalog(app: StatusBoard, era: int, clock: Iterator[datetime]) -> UUID:
    """Two services, one updated, one retired and reactivated; the updated one's id."""
    cut, wash = f"CUT-{era}", f"WASH-{era}"
    for code, name, price, minutes in ((cut, "Haircut", 2500, 30), (wash, "Wash", 800, 15)):
        with occurring_at(next(clock)):
            app.add_service(
                code=code,
                name=name,
                category="hair",
                price_cents=price,
                duration_minutes=minutes,
                stamp=ADMIN,
            )
    with occurring_at(next(clock)):
        cut_id = app.get_service_by_code(cut).id
        app.update_service(
            cut_id, {"price_cents": 2700, "name": "Cut and style"}, expected_version=1, stamp=ADMIN
        )
    with occurring_at(next(clock)):
        wash_id = app.get_service_by_code(wash).id
        app.retire_service(wash_id, expected_version=1, stamp=ADMIN)
    with occurring_at(next(clock)):
        app.reactivate_service(wash_id, expected_version=2, stamp=ADMIN)
    return cut_id


def write_hours(app: StatusBoard, era: int, clock: Iterator[datetime]) -> None:
    """The era's location open every day, set and then changed (closed on New Year's Day)."""
    weekly = {day: [{"opens": "08:00", "closes": "19:00"}] for day in localtime.WEEKDAYS}
    for version, closed in ((None, []), (1, ["2027-01-01"])):
        with occurring_at(next(clock)):
            app.set_opening_hours(
                f"golden-{era}",
                weekly=weekly,
                closed_dates=closed,
                expected_version=version,
                stamp=ADMIN,
            )


def write_ada(
    app: StatusBoard, era: int, clock: Iterator[datetime], starts: datetime, cut_id: UUID
) -> None:
    """A keyed booking taken through every kind of change to completion."""
    keyed = Stamp(
        actor="golden-desk", request_id=f"golden-req-{era}", idempotency_key=f"golden-{era}"
    )
    with occurring_at(next(clock)):
        ada = app.book_appointment(
            location_id=f"golden-{era}",
            starts_at=starts,
            stamp=keyed,
            notes="first visit",
            customer={
                "name": "Ada Lovelace",
                "phone": "+44 20 7946 0000",
                "email": "ada@example.com",
            },
            services=[{"code": f"CUT-{era}", "quantity": 1}],
            staff={"id": "s-1", "name": "Grace"},
        ).aggregate
    desk = Stamp(actor="golden-desk", request_id=f"golden-req-{era}")
    steps = [
        lambda v: app.move_appointment(ada.id, "checked_in", expected_version=v, stamp=desk),
        lambda v: reschedule(app, ada.id, v, starts + timedelta(minutes=30), desk),
        lambda v: app.edit_appointment(
            ada.id, expected_version=v, staff={"id": "s-2", "name": "Alan"}, stamp=desk
        ),
        lambda v: app.edit_appointment(
            ada.id, expected_version=v, notes="allergic to lavender", stamp=desk
        ),
        lambda v: app.add_service_line(ada.id, f"WASH-{era}", 2, expected_version=v, stamp=desk),
        lambda v: app.remove_service_line(ada.id, str(cut_id), expected_version=v, stamp=desk),
        lambda v: app.move_appointment(ada.id, "in_progress", expected_version=v, stamp=desk),
        lambda v: app.move_appointment(ada.id, "ready", expected_version=v, stamp=desk),
        lambda v: app.move_appointment(ada.id, "completed", expected_version=v, stamp=desk),
    ]
    version = 1
    for step in steps:
        with occurring_at(next(clock)):
            version = step(version).version


def reschedule(app: StatusBoard, ident: Any, version: int, starts: datetime, stamp: Stamp) -> Any:
    """Through the domain, which takes a reason (version 2) that the API does not pass yet."""
    appointment = app.get_appointment(ident, version)
    length = appointment.ends_at - appointment.starts_at
    appointment.reschedule(
        starts, starts + length, stamp, reason="the customer asked to come later"
    )
    app.save(appointment)
    return appointment


def main() -> int:
    rows = read_rows()
    with tempfile.TemporaryDirectory() as scratch:
        url = f"sqlite:///{Path(scratch) / 'golden.sqlite3'}"
        app = loaded(url, rows)
        try:
            if missing(rows):
                write_era(app, 1 + max((r["era"] for r in rows), default=0))
            era = 1 + max((r["era"] for r in rows), default=0)
            fresh = [{**row_of(n), "era": era} for n in notifications(app)[len(rows) :]]
            found = expectations(app, url)
        finally:
            app.close()
    if EXPECTED.exists():
        before = json.loads((EXPECTED / "aggregates.json").read_text())
        changed = [
            ident for ident, value in before.items() if found["aggregates"].get(ident) != value
        ]
        if changed:
            print(f"today's code replays these recorded aggregates differently: {changed}")
            return 1
    LOG.write_text(json.dumps(rows + fresh, indent=1) + "\n")
    EXPECTED.mkdir(exist_ok=True)
    for name, value in found.items():
        (EXPECTED / f"{name}.json").write_text(json.dumps(value, indent=1, sort_keys=True) + "\n")
    print(f"{len(fresh)} rows added; the log holds {len(rows) + len(fresh)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
