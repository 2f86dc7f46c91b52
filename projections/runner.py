"""Keeps projections current: one worker thread per projection, woken by saves and NOTIFY,
polling as a fallback, each active only while it holds its projection's leadership.

A worker follows the log on its own until it has caught up; then it hands its projection to
the runner's shared log (``projections/shared.py``), which reads and folds the new events once
for every projection caught up, and only watches its leadership until it is handed back."""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Iterable

from application.statusboard import StatusBoard
from projections.base import Projection
from projections.follower import Follower, ProjectionFailedError
from projections.shared import Member, SharedLog
from storage.errors import DATABASE_ERRORS, TRANSIENT_ERRORS
from storage.leadership import Leadership, leadership_for
from storage.notify import NotifyListener
from storage.postgres import PostgresStore
from storage.sql import SqlStore

logger = logging.getLogger("statusboard.projections")

#: The least time between the starts of two catch-ups (of the shared log, or of a projection
#: on its own) that found something to do. A quiet log is followed at once; a busy one in
#: batches of what arrives in this time, so each wake's fixed cost (for the shared log on
#: PostgreSQL: the batch with the head, BEGIN, every member's position moved, COMMIT, and each
#: read model's loading and writing) is shared by the events instead of paid for every save.
#: A catch-up that took longer is followed at once: what arrived while it ran has waited long
#: enough. Longer gathers trade lag for runner CPU (docs/BENCHMARKS.md, "The runner at moderate
#: load"). A reader waiting for its own write does not wait for the gathering: it hurries the
#: runner (``Runner.hurry``), which folds what has arrived at once.
GATHER_SECONDS = 0.01


def record_stop(store: SqlStore, name: str, reason: str | None, position: int | None) -> None:
    with store.transaction() as cursor:
        cursor.execute(
            "UPDATE projection_state SET stopped_reason = ?, stopped_position = ?"
            " WHERE projection = ?",
            (reason, position, name),
        )


class ProjectionWorker(threading.Thread):
    def __init__(
        self,
        follower: Follower,
        leadership: Leadership,
        stopping: threading.Event,
        *,
        poll_interval: float = 1.0,
        gather: float = GATHER_SECONDS,
        shared: SharedLog | None = None,
    ) -> None:
        super().__init__(name=f"projection-{follower.projection.name}", daemon=True)
        self.follower = follower
        self.leadership = leadership
        self.stopping = stopping
        self.wake = threading.Event()
        #: Set when a reader waits for a fold: the pause that gathers saves ends at once.
        self.hurried = threading.Event()
        self.poll_interval = poll_interval
        self.gather = gather
        self.failure: ProjectionFailedError | None = None
        self.shared = shared
        #: Set while the shared log folds this projection.
        self.member: Member | None = None

    @property
    def projection_name(self) -> str:
        return self.follower.projection.name

    def run(self) -> None:
        try:
            while not self.stopping.is_set() and self.failure is None:
                if self._lead():
                    self._follow()
                else:
                    self.stopping.wait(self.poll_interval)
        finally:
            self._leave_shared()
            self.leadership.release()

    def _lead(self) -> bool:
        try:
            if not self.leadership.acquire():
                return False
            record_stop(self.follower.store, self.projection_name, None, None)
        except DATABASE_ERRORS as error:
            self.leadership.release()
            logger.warning(
                "projection %s cannot reach the database: %s", self.projection_name, error
            )
            return False
        logger.info("projection %s: this runner is now active", self.projection_name)
        self.follower.forget()  # another runner may have led, and moved the position, meanwhile
        return True

    def _follow(self) -> None:
        busy_until = 0.0
        while not self.stopping.is_set() and self.leadership.held():
            if self._in_shared():
                self.wake.wait(self.poll_interval)
                self.wake.clear()
                continue
            pause = busy_until - time.monotonic()
            if pause > 0:
                self.hurried.wait(pause)
            self.wake.clear()
            self.hurried.clear()
            started = time.monotonic()
            try:
                if self.follower.catch_up():
                    busy_until = started + self.gather
                self._join_shared()
            except ProjectionFailedError as failure:
                self._halt(failure)
                return
            except TRANSIENT_ERRORS as error:
                logger.warning("projection %s will retry: %s", self.projection_name, error)
            if self.stopping.is_set():  # a stop during the pause set the wake cleared above
                break
            self.wake.wait(self.poll_interval)
        self._leave_shared()
        self.leadership.release()

    def _in_shared(self) -> bool:
        """Whether the shared log still folds this projection; when it has handed it back,
        the position it moved is read again."""
        if self.member is None or self.shared is None:
            return False
        if self.shared.holds(self.member):
            return True
        self.member = None
        self.follower.forget()
        return False

    def _join_shared(self) -> None:
        """Caught up: the shared log folds from here on (from a position known, not None)."""
        if self.shared is None:
            return
        known = self.follower.known
        if known is None:
            return
        view, position = known
        if position is None:
            return
        self.member = Member(self.follower.projection, view, position, self.wake.set)
        self.shared.join_member(self.member)

    def _leave_shared(self) -> None:
        if self.member is not None and self.shared is not None:
            self.shared.leave(self.member)
            self.member = None
            self.follower.forget()

    def _halt(self, failure: ProjectionFailedError) -> None:
        self.failure = failure
        logger.error(
            "projection %s stopped at position %s on %s: %r",
            failure.projection,
            failure.position,
            failure.topic,
            failure.cause,
        )
        with contextlib.suppress(*TRANSIENT_ERRORS):
            record_stop(self.follower.store, self.projection_name, str(failure), failure.position)


class Runner:
    """Runs the named projections until stopped."""

    def __init__(
        self,
        app: StatusBoard,
        store: SqlStore,
        projections: Iterable[Projection],
        database_url: str,
        *,
        poll_interval: float = 1.0,
        batch_size: int = 1000,
        gather: float = GATHER_SECONDS,
    ) -> None:
        self.stopping = threading.Event()
        self.poll_interval, self.gather = poll_interval, gather
        self.shared = SharedLog(
            app,
            store,
            self.stopping,
            poll_interval=poll_interval,
            gather=gather,
            batch_size=batch_size,
        )
        self.workers = [
            ProjectionWorker(
                Follower(app, store, projection, batch_size=batch_size),
                leadership_for(store, database_url, projection.name),
                self.stopping,
                poll_interval=poll_interval,
                gather=gather,
                shared=self.shared,
            )
            for projection in projections
        ]
        self.listener = (
            NotifyListener(
                store,
                app.recorder.channel_name,  # type: ignore[attr-defined]
                self.wake,
                self.stopping,
                hurry=self.hurry,
            )
            if isinstance(store, PostgresStore)
            else None
        )
        self.app = app
        app.save_listeners.append(self.wake)

    def wake(self, _position: int | None = None) -> None:
        """Something was appended: the shared log reads it for the projections it folds, and
        the workers still catching up on their own are woken (only those)."""
        self.shared.wake.set()
        for worker in self.workers:
            if worker.member is None or self.stopping.is_set():
                worker.wake.set()

    def hurry(self, position: int | None = None) -> None:
        """A reader waits for the fold of ``position`` (or of whatever has been appended, with
        None): the pauses that gather saves end now, so it is folded at once rather than with
        the saves still to come."""
        self.shared.hurry(position)
        for worker in self.workers:
            worker.hurried.set()

    def start(self) -> None:
        self.shared.start()
        for worker in self.workers:
            worker.start()
        if self.listener is not None:
            self.listener.start()

    def stop(self, timeout: float = 10.0) -> list[str]:
        """Stops every thread within ``timeout`` in all; returns the names of any still running."""
        self.stopping.set()
        self.wake()
        self.hurry()
        if self.listener is not None:
            self.listener.interrupt()
        with contextlib.suppress(ValueError):
            self.app.save_listeners.remove(self.wake)
        deadline = time.monotonic() + timeout
        threads = [t for t in [*self.workers, self.shared, self.listener] if t is not None]
        for thread in threads:
            thread.join(max(deadline - time.monotonic(), 0.0))
        return [thread.name for thread in threads if thread.is_alive()]

    def dead(self) -> list[str]:
        """Projections whose thread ended on an unexpected error (not a halt on an event)."""
        return [worker.projection_name for worker in self.workers if _died(worker)]

    def revive(self) -> list[str]:
        """Starts a fresh thread for each projection whose thread died; returns their names.

        A projection halted on an event it cannot fold stays halted: it would halt again there.
        """
        revived = []
        for index, worker in enumerate(self.workers):
            if _died(worker) and not self.stopping.is_set():
                fresh = ProjectionWorker(
                    worker.follower,
                    worker.leadership,
                    self.stopping,
                    poll_interval=self.poll_interval,
                    gather=self.gather,
                    shared=self.shared,
                )
                self.workers[index] = fresh
                fresh.start()
                revived.append(fresh.projection_name)
        return revived

    def wait(self) -> None:
        """Blocks until stopped or every projection has halted; a thread that died is revived."""
        while not self.stopping.wait(1.0):
            for name in self.revive():
                logger.warning("projection %s: its thread died and was started again", name)
            if all(not worker.is_alive() for worker in self.workers):
                return


def _died(worker: ProjectionWorker) -> bool:
    return worker.ident is not None and not worker.is_alive() and worker.failure is None
