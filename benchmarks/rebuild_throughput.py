"""Read-model throughput on PostgreSQL: rebuild (versus the library's ProjectionRunner) and verify.

Both fold the same log into the same board tables; the library's runner commits one event per
transaction, ours one batch per transaction.

    .venv/bin/python benchmarks/rebuild_throughput.py --appointments 40000
"""

from __future__ import annotations

import argparse
import statistics
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
from eventsourcing.persistence import Tracking
from eventsourcing.projection import BaseProjectionRunner, Projection

from application.demo import DemoPlan, seed_demo
from application.statusboard import StatusBoard
from projections.board import BoardProjection
from projections.catalog import build_projections
from projections.follower import Follower
from projections.rebuild import Rebuild
from projections.schema import advance, create_tables, tracked_position
from projections.verify import verify_all
from projections.view import ProjectionView
from storage.eventstore import store_env
from storage.sql import SqlStore

SERVER = "postgresql://postgres@127.0.0.1:5432"


class OneEventPerTransaction(Projection[ProjectionView]):
    """The library's model: each event folded and tracked in a transaction of its own."""

    name = "board_library"
    topics = BoardProjection.topics

    def process_event(self, domain_event: Any, tracking: Tracking) -> None:  # type: ignore[override]
        view = self.view
        with view.store.transaction() as cursor:
            current = tracked_position(
                cursor,
                view.projection.name,
                view.generation,
                tracking.application_name,
                lock=" FOR UPDATE",
            )
            advance(
                cursor,
                view.projection.name,
                view.generation,
                tracking.application_name,
                current,
                tracking.notification_id,
                lock=" FOR UPDATE",
            )
            view.projection.apply(cursor, view.generation, [domain_event])


def seed(url: str, appointments: int) -> StatusBoard:
    app = StatusBoard(store_env(url))
    per_day = 200
    days = max(1, appointments // (per_day * 10))
    now = datetime.now(UTC)
    # Every day lies in the past, so each appointment has moved through its whole day.
    first_day = (now - timedelta(days=days + 1)).date()
    plan = DemoPlan(locations=10, days=days, per_day=per_day, services=150, first_day=first_day)
    seed_demo(app, plan, now)
    return app


def time_rebuilds(app: StatusBoard, store: SqlStore, repeats: int) -> dict[str, list[float]]:
    """Rebuild rates with the live generations already current, as a running runner keeps them."""
    rates: dict[str, list[float]] = {}
    for projection in build_projections("UTC").values():
        Follower(app, store, projection, batch_size=5000).catch_up()
        for _ in range(repeats):
            report = Rebuild(app, store, projection).run()
            rates.setdefault(projection.name, []).append(report.events / report.seconds)
    return rates


def time_library_runner(url: str, app: StatusBoard, store: SqlStore) -> tuple[float, int]:
    projection = BoardProjection(build_projections("UTC")["board"].timezone)
    generation = 900
    with store.transaction() as cursor:
        for statement in projection.ddl(generation):
            cursor.execute(statement)
    view = ProjectionView(store, projection, generation)
    head = app.head_position()
    started = time.monotonic()
    runner = BaseProjectionRunner(
        projection=OneEventPerTransaction(view),
        application_class=StatusBoard,
        tracking_recorder=view,
        topics=OneEventPerTransaction.topics,
        env=store_env(url),
    )
    with runner:
        runner.wait(head, timeout=3600)
    seconds = time.monotonic() - started
    return seconds, head


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--appointments", type=int, default=40000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--skip-library", action="store_true")
    args = parser.parse_args()
    name = f"statusboard_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    url = f"{SERVER}/{name}"
    try:
        started = time.monotonic()
        app = seed(url, args.appointments)
        head = app.head_position()
        print(
            f"log: {head:,} events ({args.appointments:,} appointments) seeded in"
            f" {time.monotonic() - started:.1f} s"
        )
        store = SqlStore.open(url)
        create_tables(store)
        for name_, rates in time_rebuilds(app, store, args.repeats).items():
            print(
                f"rebuild {name_:9s} median {statistics.median(rates):>9,.0f} log positions/s"
                f"  (runs: {', '.join(f'{r:,.0f}' for r in rates)})"
            )
        verify_rates = []
        for _ in range(args.repeats):
            started = time.monotonic()
            report = verify_all(app, store, build_projections("UTC").values())
            verify_rates.append(report.events / (time.monotonic() - started))
            assert not report.drifts, report.drifts[:3]
        print(
            f"verify --all (4 projections) median {statistics.median(verify_rates):>9,.0f}"
            f" events/s  (runs: {', '.join(f'{r:,.0f}' for r in verify_rates)})"
        )
        if not args.skip_library:
            seconds, events = time_library_runner(url, app, store)
            print(
                f"library ProjectionRunner, board: {events / seconds:,.0f} events/s"
                f" ({events:,} events in {seconds:.1f} s)"
            )
        store.close()
        app.close()
    finally:
        with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


if __name__ == "__main__":
    main()
