"""Moving cards as fast as one client can: the shared step of the ceiling and scaling scripts.

A card is moved along its first allowed transition (with a reason where the rules ask for one),
always with the version its mover last saw, so a mover that owns its cards never conflicts.
"""

from __future__ import annotations

import statistics
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from application.persistence import StoreOptions, store_env
from application.statusboard import StatusBoard
from benchmarks.load.cpu import per_unit
from benchmarks.load.pool import Answer, Connection
from domain import status as st
from domain.stamp import Stamp


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
) -> AppMoves:
    """Each thread has a StatusBoard of its own and moves its own cards, without HTTP.

    ``meter`` (CPU seconds by part) is read as the measured window opens and closes.
    """
    # One connection is all a mover uses at a time; the default pool would hold five each.
    options = StoreOptions(create_table=False, pool_size=1, max_overflow=1)
    apps = [StatusBoard(store_env(database_url, options)) for _ in cards]
    result, lock = AppMoves(seconds=seconds), threading.Lock()
    begin = time.monotonic() + warmup
    end = begin + seconds

    def work(app: StatusBoard, mine: list[Card]) -> None:
        stamp = Stamp(actor="bench", request_id=uuid.uuid4().hex)
        latencies = []
        for turn in range(10_000_000):
            started = time.monotonic()
            if started >= end:
                break
            card = mine[turn % len(mine)]
            move = card.next_move()
            outcome = app.move_appointment(
                UUID(card.id),
                move["to_status"],
                move["expected_version"],
                move.get("reason"),
                stamp=stamp,
            )
            card.status, card.version = outcome.aggregate.status, outcome.version
            if started >= begin:
                latencies.append((time.monotonic() - started) * 1000)
        with lock:
            result.moves += len(latencies)
            result.latencies_ms.extend(latencies)

    threads = [threading.Thread(target=work, args=pair) for pair in zip(apps, cards, strict=True)]
    try:
        for thread in threads:
            thread.start()
        if meter is not None:
            time.sleep(max(0.0, begin - time.monotonic()))
            before = meter()
            time.sleep(max(0.0, end - time.monotonic()))
            after = meter()
        for thread in threads:
            thread.join(seconds + warmup + 60)
    finally:
        for app in apps:
            app.close()
    if meter is not None and result.moves:
        result.cpu_ms_per_move, result.others_cores = per_unit(before, after, result.moves, seconds)
    return result
