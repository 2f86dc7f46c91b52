"""Scaling curves, printed and plotted:

- **move latency vs the appointment's history** (10, 100, 1,000 events): the first move in a
  fresh process (no cached aggregate: the latest snapshot plus the events after it), the next
  move (cached), and, for contrast, a fresh process that does not read snapshots.
- **board latency vs cards on the day** (50, 200, 1,000): one client, end to end over HTTP,
  and the parts in-process (read model, shaping and schema dump, JSON).
- **rebuild time vs log size** (50k, 200k, 1M events; ``--max-events`` caps it): each size is
  seeded into its own scratch database, the live generations are brought to the head (as a
  running runner keeps them), then every projection is rebuilt in turn.

    .venv/bin/python -m benchmarks.scaling [--only history,board,rebuild] [--max-events N]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

from eventsourcing.utils import get_topic

from application.demo import DemoPlan, seed_demo
from application.statusboard import StatusBoard
from benchmarks.load.pool import Connection
from benchmarks.load.report import percentile
from benchmarks.load.stack import scratch_database, served, statusboard, stop_on_sigterm
from domain import status as st
from domain.appointment import Appointment
from domain.stamp import Stamp
from projections.catalog import build_projections
from projections.follower import Follower
from projections.readside import ReadSide
from projections.rebuild import Rebuild
from storage.eventstore import StoreOptions, store_env

RESULTS = Path(__file__).resolve().parent / "results"
HISTORIES = (10, 100, 1000)
CARDS = (50, 200, 1000)
LOG_SIZES = (50_000, 200_000, 1_000_000)
STAMP = Stamp(actor="bench", request_id="scaling")
#: Events per appointment on a day in the past (measured on the demo data: about 4.8).
EVENTS_PER_PAST_APPOINTMENT = 4.8


class WithoutSnapshots(StatusBoard):
    """The same application reading every event of an aggregate, for contrast."""

    name = StatusBoard.name  # the same tables
    snapshotting_intervals = {}  # type: ignore[assignment]


def _app(database_url: str, cls: type[StatusBoard] = StatusBoard) -> StatusBoard:
    return cls(store_env(database_url, StoreOptions(create_table=True)))


def _ms(since: float) -> float:
    return (time.perf_counter() - since) * 1000


def _quantiles(values: list[float], prefix: str) -> dict[str, float | None]:
    return {
        f"{prefix}_p50_ms": percentile(values, 0.50),
        f"{prefix}_p95_ms": percentile(values, 0.95),
    }


# Move latency against the length of the appointment's history.

Known = dict[UUID, tuple[str, int]]


def history_curve(per_length: int) -> list[dict[str, Any]]:
    rows = []
    with scratch_database("statusboard_scaling") as url:
        app = _app(url)
        future = datetime.now(UTC).date() + timedelta(days=30)
        plan = DemoPlan(locations=1, days=len(HISTORIES), per_day=per_length, first_day=future)
        seed_demo(app, plan, datetime.now(UTC))
        ids = _booked_ids(app)
        known: Known = {}
        groups = [ids[i * per_length : (i + 1) * per_length] for i in range(len(HISTORIES))]
        for length, group in zip(HISTORIES, groups, strict=True):
            for ident in group:
                known[ident] = _grow(app, ident, length)
        app.close()
        for length, group in zip(HISTORIES, groups, strict=True):
            rows.append({"events": length, **_time_moves(url, group, known)})
            print(
                f"  history {length:>5} events: "
                + ", ".join(
                    f"{key.removesuffix('_p50_ms')} p50 {value:.2f} ms"
                    for key, value in rows[-1].items()
                    if key.endswith("p50_ms")
                ),
                flush=True,
            )
    return rows


def _booked_ids(app: StatusBoard) -> list[UUID]:
    found = app.recorder.select_notifications(
        start=1, limit=10_000_000, topics=(get_topic(Appointment.Booked),)
    )
    return [notification.originator_id for notification in found]


def _grow(app: StatusBoard, ident: UUID, length: int) -> tuple[str, int]:
    """Moves the appointment back and forth until it has ``length`` events."""
    appointment: Appointment = app.repository.get(ident)
    while appointment.version < length:
        to = st.CHECKED_IN if appointment.status == st.SCHEDULED else st.SCHEDULED
        appointment.move(to, None, STAMP)
        if appointment.version % 100 == 0 or appointment.version == length:
            app.save(appointment)
    return appointment.status, appointment.version


def _move_once(app: StatusBoard, ident: UUID, known: Known) -> None:
    status, version = known[ident]
    to = st.CHECKED_IN if status == st.SCHEDULED else st.SCHEDULED
    outcome = app.move_appointment(ident, to, expected_version=version, stamp=STAMP)
    known[ident] = outcome.aggregate.status, outcome.version


def _time_moves(url: str, group: list[UUID], known: Known) -> dict[str, float | None]:
    """Per appointment: the first move in a fresh process, then the next (cached) one."""
    timings: dict[str, list[float]] = {"cold": [], "warm": [], "cold_without_snapshots": []}
    for mode, cls in (("cold", StatusBoard), ("cold_without_snapshots", WithoutSnapshots)):
        app = _app(url, cls)
        app.head_position()  # the pool's connections are opened before the clock starts
        for ident in group:
            for timing in (mode, "warm") if mode == "cold" else (mode,):
                started = time.perf_counter()
                _move_once(app, ident, known)
                timings[timing].append(_ms(started))
        app.close()
    return {k: v for mode, values in timings.items() for k, v in _quantiles(values, mode).items()}


# Board latency against the number of cards on the day.


def board_curve(requests: int) -> list[dict[str, Any]]:
    rows = []
    with scratch_database("statusboard_scaling") as url:
        statusboard(url, "db", "init")
        created = statusboard(url, "tokens", "create", "--name", "bench", "--role", "viewer")
        token = created.strip().splitlines()[-1]
        app, read_side = _app(url), ReadSide.open(url)
        now = datetime.now(UTC)
        seed_demo(app, DemoPlan(locations=1, days=0, per_day=0), now)  # the catalog alone
        _catch_up(app, read_side)
        codes = [item.code for item in read_side.services(active=True, limit=100).items]
        rng = random.Random(7)
        days = {cards: now.date() + timedelta(days=10 + i) for i, cards in enumerate(CARDS)}
        for cards, day in days.items():
            _book_day(app, day, cards, codes, rng)
        _catch_up(app, read_side)
        with served(url, log_level="WARNING") as (base, _pid):
            connection = Connection(base, token)
            for cards, day in days.items():
                rows.append({"cards": cards, **_time_board(connection, read_side, day, requests)})
                print(
                    f"  board of {cards:>5} cards: HTTP p50 {rows[-1]['http_p50_ms']:.1f} ms"
                    f" (read model {rows[-1]['read_model_p50_ms']:.1f},"
                    f" shape and dump {rows[-1]['dump_p50_ms']:.1f},"
                    f" JSON {rows[-1]['json_p50_ms']:.1f})",
                    flush=True,
                )
            connection.close()
        read_side.close()
        app.close()
    return rows


def _catch_up(app: StatusBoard, read_side: ReadSide) -> None:
    for projection in build_projections("UTC").values():
        Follower(app, read_side.store, projection, batch_size=5000).catch_up()


def _book_day(app: StatusBoard, day: date, cards: int, codes: list[str], rng: Any) -> None:
    """``cards`` bookings through the application, spread over the day like the demo's."""
    for _ in range(cards):
        start = datetime.combine(day, datetime.min.time(), UTC) + timedelta(
            hours=8, minutes=5 * rng.randrange(0, 120)
        )
        app.book_appointment(
            location_id="downtown",
            starts_at=start,
            customer={"name": f"Customer {rng.randrange(100_000)}"},
            staff={"id": f"s{rng.randrange(6)}", "name": "Sam"} if rng.random() < 0.8 else None,
            services=[{"code": code} for code in rng.sample(codes, k=rng.choice([1, 1, 2, 3]))],
            stamp=STAMP,
        )


def _time_board(
    connection: Connection, read_side: ReadSide, day: date, requests: int
) -> dict[str, float | None]:
    from adapters.api.board import columns
    from adapters.schemas import BoardSchema

    path = f"/api/admin/appointments/board?location=downtown&date={day.isoformat()}"
    timings: dict[str, list[float]] = {"http": [], "read_model": [], "dump": [], "json": []}
    for _ in range(requests):
        started = time.perf_counter()
        answer = connection.call("GET", path)
        timings["http"].append(_ms(started))
        assert answer.status == 200, answer.status
        started = time.perf_counter()
        board = read_side.board("downtown", day)
        timings["read_model"].append(_ms(started))
        started = time.perf_counter()
        shaped = BoardSchema().dump(columns(board))
        timings["dump"].append(_ms(started))
        started = time.perf_counter()
        json.dumps(shaped)
        timings["json"].append(_ms(started))
    return {k: v for part, values in timings.items() for k, v in _quantiles(values, part).items()}


# Rebuild time against the size of the log.


def rebuild_curve(max_events: int) -> list[dict[str, Any]]:
    rows = []
    for target in (size for size in LOG_SIZES if size <= max_events):
        with scratch_database("statusboard_scaling") as url:
            statusboard(url, "db", "init")
            app, read_side = _app(url), ReadSide.open(url)
            started = time.monotonic()
            _seed_past(app, target)
            seeded = time.monotonic() - started
            started = time.monotonic()
            _catch_up(app, read_side)
            caught_up = time.monotonic() - started
            row: dict[str, Any] = {
                "events": app.head_position(),
                "seed_s": seeded,
                "live_catch_up_s": caught_up,
            }
            for projection in build_projections("UTC").values():
                report = Rebuild(app, read_side.store, projection).run()
                row[f"{projection.name}_s"] = report.seconds
            row["all_s"] = sum(row[f"{name}_s"] for name in build_projections("UTC"))
            rows.append(row)
            print(
                f"  log of {row['events']:>9,} events: rebuild --all {row['all_s']:.1f} s ("
                + ", ".join(f"{n} {row[f'{n}_s']:.1f} s" for n in build_projections("UTC"))
                + f"); seeded in {seeded:.0f} s",
                flush=True,
            )
            read_side.close()
            app.close()
    return rows


def _seed_past(app: StatusBoard, events: int) -> None:
    """About ``events`` events: appointments on past days, each moved through its day."""
    per_day, locations = 200, 10
    days = max(1, round(events / EVENTS_PER_PAST_APPOINTMENT / per_day / locations))
    now = datetime.now(UTC)
    first_day = (now - timedelta(days=days + 1)).date()
    plan = DemoPlan(locations=locations, days=days, per_day=per_day, first_day=first_day)
    seed_demo(app, plan, now)


def plot(results: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(1, 3, figsize=(15, 4.5))
    history, board, rebuild = axes
    if rows := results.get("history"):
        x = [row["events"] for row in rows]
        for mode, style in (("warm", "-o"), ("cold", "-s"), ("cold_without_snapshots", ":^")):
            history.plot(
                x, [row[f"{mode}_p50_ms"] for row in rows], style, label=mode.replace("_", " ")
            )
        history.set_xscale("log")
        history.set_xlabel("events in the appointment's history")
        history.set_ylabel("move, p50 (ms)")
        history.set_title("Move vs history (snapshot every 50)")
        history.legend()
    if rows := results.get("board"):
        x = [row["cards"] for row in rows]
        for part, style in (("http", "-o"), ("dump", "--s"), ("read_model", "--^"), ("json", ":v")):
            board.plot(
                x, [row[f"{part}_p50_ms"] for row in rows], style, label=part.replace("_", " ")
            )
        board.set_xlabel("cards on the day")
        board.set_ylabel("p50 (ms), one client")
        board.set_title("Board vs cards on the day")
        board.legend()
    if rows := results.get("rebuild"):
        x = [row["events"] for row in rows]
        for name in ("all", *build_projections("UTC")):
            rebuild.plot(
                x,
                [row[f"{name}_s"] for row in rows],
                "-o" if name == "all" else "--",
                label=f"rebuild {name}",
            )
        rebuild.set_xscale("log")
        rebuild.set_yscale("log")
        rebuild.set_xlabel("events in the log")
        rebuild.set_ylabel("seconds")
        rebuild.set_title("Rebuild vs log size")
        rebuild.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=80)
    plt.close(figure)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--only", default="history,board,rebuild")
    parser.add_argument("--max-events", type=int, default=1_000_000)
    parser.add_argument("--appointments", type=int, default=40, help="per history length")
    parser.add_argument("--requests", type=int, default=200, help="per board size")
    args = parser.parse_args()
    stop_on_sigterm()
    from benchmarks.load.run import machine

    started = datetime.now(UTC)
    results: dict[str, Any] = {
        "meta": {
            **machine(),
            "started_at": started.isoformat(timespec="seconds"),
            "max_events": args.max_events,
        }
    }
    chosen = args.only.split(",")
    if "history" in chosen:
        print("move latency vs history length ...", flush=True)
        results["history"] = history_curve(args.appointments)
    if "board" in chosen:
        print("board latency vs cards on the day ...", flush=True)
        results["board"] = board_curve(args.requests)
    if "rebuild" in chosen:
        print(f"rebuild time vs log size (up to {args.max_events:,} events) ...", flush=True)
        results["rebuild"] = rebuild_curve(args.max_events)
    results["meta"]["load_average_after"] = os.getloadavg()
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"scaling-{started:%Y%m%d-%H%M%S}"
    out.with_suffix(".json").write_text(json.dumps(results, indent=1, default=str))
    plot(results, out.with_suffix(".png"))
    print(f"\nresults: {out.with_suffix('.json')}\nplot:    {out.with_suffix('.png')}")


if __name__ == "__main__":
    main()
