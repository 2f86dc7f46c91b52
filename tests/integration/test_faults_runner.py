"""The projection runner killed with SIGKILL at random moments while web workers keep writing.

Writer threads, each a StatusBoard with its own pool and cache, book appointments and move
them, racing each other on the same cards. Meanwhile a runner process (runner_process.py,
batches of five) is started and killed again and again. At the end a last runner catches up,
and the read models must be exactly what the log says: a rebuild finds no difference, a replay
finds no drift, every acknowledged event is in the log once, and the stats count each booking
once.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any
from uuid import UUID

import pytest

from application.errors import ConflictError
from application.statusboard import StatusBoard
from domain.appointment import Appointment
from domain.stamp import Stamp
from projections.catalog import NAMES, build_projections
from projections.verify import verify_all
from storage.eventstore import StoreOptions, store_env
from tests.integration.test_projection_harness import NINE, ReadModel, minutes

FACTOR = max(1, int(os.environ.get("STATUSBOARD_STRESS_FACTOR", "1")))
KILLS = 10 * FACTOR
WRITERS = 3
ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("runner_process.py")

#: Acknowledged events: (appointment, version) -> the request that made it.
Ledger = dict[tuple[UUID, int], str]


class Writer(threading.Thread):
    """A web worker that books and moves cards, sharing them with its rivals, until stopped."""

    def __init__(
        self, url: str, number: int, cards: list[UUID], stopping: threading.Event, seed: int
    ) -> None:
        super().__init__(name=f"writer-{number}", daemon=True)
        self.app = StatusBoard(store_env(url, StoreOptions(pool_size=2, max_overflow=2)))
        self.number, self.cards, self.stopping = number, cards, stopping
        self.rng = random.Random(seed)
        self.ledger: Ledger = {}
        self.counts: Counter[str] = Counter()
        self.failure: BaseException | None = None
        self.requests = 0

    def run(self) -> None:
        try:
            while not self.stopping.wait(0.01):
                if len(self.cards) < 5 or self.rng.random() < 0.2:
                    self.book()
                else:
                    self.move(self.rng.choice(self.cards))
        except BaseException as error:  # reported by the test
            self.failure = error

    def stamp(self) -> Stamp:
        self.requests += 1
        return Stamp(f"writer-{self.number}", f"w{self.number}-{self.requests}")

    def book(self) -> None:
        stamp = self.stamp()
        outcome = self.app.book_appointment(
            location_id="main-street",
            starts_at=NINE + minutes(5 * self.rng.randrange(100)),
            customer={"name": f"Customer {stamp.request_id}"},
            services=[{"code": "CUT"}],
            stamp=stamp,
        )
        self.ledger[(outcome.aggregate.id, 1)] = stamp.request_id
        self.cards.append(outcome.aggregate.id)
        self.counts["bookings"] += 1

    def move(self, ident: UUID) -> None:
        seen = self.app.get_appointment(ident)
        target = self.rng.choice(seen.allowed_moves())
        stamp = self.stamp()
        try:
            outcome = self.app.move_appointment(
                ident, target, "reopened", expected_version=seen.version, stamp=stamp
            )
        except ConflictError:
            self.counts["conflicts"] += 1
            return
        if outcome.applied:
            self.ledger[(ident, outcome.version)] = stamp.request_id
            self.counts["moves"] += 1
        else:
            self.counts["same move already made"] += 1


class RunnerProcess:
    """runner_process.py, its output in a file so a crash can be told."""

    def __init__(self, url: str, log: Path) -> None:
        self.log_path = log
        self.log: IO[str] = log.open("w")
        self.process = subprocess.Popen(
            [sys.executable, str(SCRIPT)],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": url},
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)
        self.log.close()

    def output(self) -> str:
        return self.log_path.read_text()


@pytest.fixture
def start_runner(tmp_path: Path) -> Iterator[Any]:
    """Starts runner processes, and kills whichever are still alive when the test ends."""
    started: list[RunnerProcess] = []

    def start(url: str) -> RunnerProcess:
        started.append(RunnerProcess(url, tmp_path / f"runner-{len(started)}.log"))
        return started[-1]

    yield start
    for runner in started:
        runner.kill()


@pytest.fixture
def database_url(postgres_url: str) -> str:
    """PostgreSQL only: the faults are the server's."""
    return postgres_url


def positions(model: ReadModel) -> dict[str, int]:
    return {name: model.read_side.position(name) for name in NAMES}


def logged_events(model: ReadModel) -> Ledger:
    """Every appointment event in the log, by (appointment, version)."""
    events: Ledger = {}
    start = 1
    while batch := model.app.recorder.select_notifications(start=start, limit=1000):
        for notification in batch:
            event = model.app.mapper.to_domain_event(notification)
            if isinstance(event, Appointment.Event):
                where = (event.originator_id, event.originator_version)
                assert where not in events, f"{where} is in the log twice"
                events[where] = event.request_id
        start = batch[-1].id + 1
    return events


@pytest.mark.stress
@pytest.mark.slow
@pytest.mark.timeout(60 * FACTOR + 60)
def test_a_runner_killed_again_and_again_loses_and_repeats_nothing(
    model: ReadModel, start_runner: Any
) -> None:
    seed = random.randrange(2**32)
    rng = random.Random(seed)
    stopping = threading.Event()
    cards: list[UUID] = []
    writers = [Writer(model.url, n, cards, stopping, rng.randrange(2**32)) for n in range(WRITERS)]
    figures: Counter[str] = Counter()
    try:
        for writer in writers:
            writer.start()
        last = positions(model)
        for _ in range(KILLS):
            runner = start_runner(model.url)
            # Let it get going: some projection must move past where the last one stopped.
            deadline = time.monotonic() + 20
            while positions(model) == last:
                assert runner.process.poll() is None, runner.output()
                assert time.monotonic() < deadline, (
                    f"the runner made no progress\n{runner.output()}"
                )
                time.sleep(0.02)
            time.sleep(rng.uniform(0.0, 0.5))
            runner.kill()
            figures["kills"] += 1
            now, head = positions(model), model.app.head_position()
            assert all(now[name] >= last[name] for name in NAMES), (last, now)
            figures["kills with events still to fold"] += any(p < head for p in now.values())
            last = now
    finally:
        stopping.set()
        for writer in writers:
            writer.join(timeout=15)
        for writer in writers:
            writer.app.close()
    assert not any(writer.is_alive() for writer in writers)
    assert [writer.failure for writer in writers] == [None] * WRITERS

    final = start_runner(model.url)
    head = model.app.head_position()
    assert all(model.read_side.wait_for(name, head, 30) for name in NAMES), final.output()
    final.kill()

    acknowledged: Ledger = {}
    for writer in writers:
        acknowledged.update(writer.ledger)
        figures.update(writer.counts)
    logged = logged_events(model)
    lost = {
        where: request for where, request in acknowledged.items() if logged.get(where) != request
    }
    figures.update(events=len(logged), lost=len(lost))
    print(f"\nrunner faults (factor {FACTOR}, seed {seed}): {dict(figures)}")
    assert lost == {}
    assert logged.keys() == acknowledged.keys()  # and nothing that was not acknowledged

    for name in NAMES:
        assert model.rebuild(name, dry_run=True).counts() == (0, 0, 0), name
    report = verify_all(model.app, model.store, build_projections("UTC").values())
    assert report.drifts == [], [drift.describe() for drift in report.drifts[:20]]
    bookings = figures["bookings"]
    assert len(model.rows("board")["board"]) == bookings
    assert sum(row[2] for row in model.rows("stats")["stats"].values()) == bookings
    assert model.read_side.stats("main-street", NINE.date()).total == bookings
    assert len(model.rows("activity")["activity"]) == len(logged)
