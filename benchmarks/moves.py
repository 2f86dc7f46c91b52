"""Moving cards as fast as one client can: the shared step of the ceiling and scaling scripts.

A card is moved along its first allowed transition (with a reason where the rules ask for one),
always with the version its mover last saw, so a mover that owns its cards never conflicts.
"""

from __future__ import annotations

import multiprocessing
import resource
import statistics
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from application.base import Outcome
from application.statusboard import StatusBoard
from benchmarks.load.cpu import per_unit
from benchmarks.load.pool import Answer, Connection
from domain import status as st
from domain.appointment import Appointment
from domain.stamp import Stamp
from storage.eventstore import StoreOptions, store_env


@dataclass
class Card:
    id: str
    status: str
    version: int

    def next_move(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "to_status": st.allowed_targets(self.status)[0],
            "expected_version": self.version,
        }
        if st.needs_reason(self.status):
            body["reason"] = "Benchmark: reopened"
        return body


def move_once(app: StatusBoard, card: Card, stamp: Stamp) -> Outcome[Appointment]:
    """The card's next move, straight through the application; the card follows it."""
    move = card.next_move()
    outcome = app.move_appointment(
        UUID(card.id),
        move["to_status"],
        move.get("reason"),
        expected_version=move["expected_version"],
        stamp=stamp,
    )
    card.status, card.version = outcome.aggregate.status, outcome.version
    return outcome


def http_mover(cards: list[list[Card]]) -> Callable[[int], Callable[[Connection], Answer]]:
    """Pool client ``i`` moves the cards of ``cards[i]`` in turn."""

    def make(index: int) -> Callable[[Connection], Answer]:
        mine, turn = cards[index], [0]

        def step(connection: Connection) -> Answer:
            card = mine[turn[0] % len(mine)]
            turn[0] += 1
            answer = connection.call(
                "POST", f"/api/admin/appointments/{card.id}/move", card.next_move()
            )
            body = answer.json() if answer.status in (200, 409) else {}
            latest = body.get("appointment") or body.get("current") or {}
            card.status = latest.get("status", card.status)
            card.version = latest.get("version", card.version)
            return answer

        return step

    return make


@dataclass
class AppMoves:
    moves: int = 0
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    cpu_ms_per_move: dict[str, float] = field(default_factory=dict)
    others_cores: float = 0.0

    @property
    def rate(self) -> float:
        return self.moves / self.seconds if self.seconds else 0.0

    @property
    def p50_ms(self) -> float:
        return statistics.median(self.latencies_ms) if self.latencies_ms else float("nan")


def app_moves(
    database_url: str,
    cards: list[list[Card]],
    seconds: float,
    warmup: float = 1.0,
    meter: Callable[[], dict[str, float]] | None = None,
    processes: int = 1,
) -> AppMoves:
    """Each mover has a StatusBoard of its own and moves its own cards, without HTTP.

    The movers run as threads of ``processes`` processes (as web workers would), the hands
    dealt round-robin. ``meter`` (CPU seconds by part) is read as the measured window opens and
    closes; the movers' own CPU in that window is reported as "this process".
    """
    processes = max(1, min(processes, len(cards)))
    shares = [cards[index::processes] for index in range(processes)]
    # Spawned processes take a moment to import and connect before the window opens.
    begin = time.monotonic() + warmup + (3.0 if processes > 1 else 0.2)
    end = begin + seconds
    result = AppMoves(seconds=seconds)
    if processes == 1:
        runs = [_move_in_threads(database_url, shares[0], begin, end, meter)]
        before, after = runs[0].meters
    else:
        context = multiprocessing.get_context("spawn")
        with context.Pool(processes) as pool:
            pending = [
                pool.apply_async(_move_in_threads, (database_url, share, begin, end))
                for share in shares
            ]
            time.sleep(max(0.0, begin - time.monotonic()))
            before = meter() if meter is not None else {}
            # Read while the movers' database sessions are still open: their CPU ends with them.
            time.sleep(max(0.0, end - time.monotonic()))
            after = meter() if meter is not None else {}
            runs = [job.get(timeout=seconds + warmup + 120) for job in pending]
    for run in runs:
        result.moves += len(run.latencies_ms)
        result.latencies_ms.extend(run.latencies_ms)
    if meter is not None and result.moves:
        before, after = dict(before), dict(after)
        before["this process"], after["this process"] = 0.0, sum(run.cpu for run in runs)
        result.cpu_ms_per_move, result.others_cores = per_unit(before, after, result.moves, seconds)
    # The moved hands come back from other processes: bring the callers' cards up to date.
    for share, run in zip(shares, runs, strict=True):
        for hand, moved in zip(share, run.hands, strict=True):
            for card, latest in zip(hand, moved, strict=True):
                card.status, card.version = latest.status, latest.version
    return result


@dataclass
class _Run:
    latencies_ms: list[float]
    cpu: float
    hands: list[list[Card]]
    #: The meter as the window opened and closed, when one was given (in-process only).
    meters: tuple[dict[str, float], dict[str, float]] = ({}, {})


def _move_in_threads(
    database_url: str,
    hands: list[list[Card]],
    begin: float,
    end: float,
    meter: Callable[[], dict[str, float]] | None = None,
) -> _Run:
    """One process's movers: a thread and a StatusBoard per hand, moving from ``begin`` to
    ``end`` (monotonic clock, the same in every process); the latencies inside the window and
    this process's CPU seconds over it."""
    # One connection is all a mover uses at a time; the default pool would hold five each.
    options = StoreOptions(create_table=False, pool_size=1, max_overflow=1)
    apps = [StatusBoard(store_env(database_url, options)) for _ in hands]
    latencies: list[float] = []
    lock = threading.Lock()

    def work(app: StatusBoard, mine: list[Card]) -> None:
        stamp = Stamp(actor="bench", request_id=uuid.uuid4().hex)
        measured = []
        for turn in range(10_000_000):
            started = time.monotonic()
            if started >= end:
                break
            move_once(app, mine[turn % len(mine)], stamp)
            if started >= begin:
                measured.append((time.monotonic() - started) * 1000)
        with lock:
            latencies.extend(measured)

    threads = [threading.Thread(target=work, args=pair) for pair in zip(apps, hands, strict=True)]
    try:
        for thread in threads:
            thread.start()
        time.sleep(max(0.0, begin - time.monotonic()))
        cpu_before, opened = _own_cpu(), meter() if meter is not None else {}
        time.sleep(max(0.0, end - time.monotonic()))
        cpu, closed = _own_cpu() - cpu_before, meter() if meter is not None else {}
        for thread in threads:
            thread.join(60)
    finally:
        for app in apps:
            app.close()
    return _Run(latencies, cpu, hands, (opened, closed))


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime
