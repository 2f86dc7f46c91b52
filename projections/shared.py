"""One reading of the log, and one transaction, for every projection a runner has caught up.

A runner's projections mostly stand at the same position: each reading the same new events,
decoding them and committing its own position after every save would cost the runner and the
database several times what the events themselves cost. Once a projection's own worker has
caught up, it joins the shared log: one thread then reads what is new for all its members (one
statement, from the lowest position among them), decodes each event once, and folds each
member's part in one transaction, where each member's position moves from the one it holds,
with the same checks as a batch of its own.

Anything out of the ordinary sends a member back to its own worker, which carries on as if it
had never joined: a position moved elsewhere or a generation switched (its check refuses the
move), an event it cannot decode, a fold that fails (the transaction is rolled back and every
member of the round goes back: the one that cannot fold halts alone, the others rejoin). So
exactly-once rests on each member's position check, as it does for a worker on its own.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from eventsourcing.persistence import Notification

from application.statusboard import StatusBoard
from projections.base import Event, Projection
from projections.follower import read_after
from projections.view import ProjectionView, claim_together
from storage.errors import TRANSIENT_ERRORS
from storage.sql import SqlStore

logger = logging.getLogger("statusboard.projections")


@dataclass(eq=False)
class Member:
    """A projection folded by the shared log, at the position it holds in ``view``."""

    projection: Projection
    view: ProjectionView
    position: int
    sent_back: Callable[[], None]

    def wants(self, notification: Notification) -> bool:
        topics = self.projection.topics
        return notification.id > self.position and (not topics or notification.topic in topics)


class SharedLog(threading.Thread):
    def __init__(
        self,
        app: StatusBoard,
        store: SqlStore,
        stopping: threading.Event,
        *,
        poll_interval: float,
        gather: float,
        batch_size: int,
    ) -> None:
        super().__init__(name="projections-shared-log", daemon=True)
        self.app, self.store, self.stopping = app, store, stopping
        self.poll_interval, self.gather, self.batch_size = poll_interval, gather, batch_size
        self.wake = threading.Event()
        #: Set when a reader waits for a fold: the pause that gathers saves ends at once.
        self.hurried = threading.Event()
        #: The log position the latest round has read to: a fold a reader waits for up to
        #: there is under way or done, and needs no hurry.
        self.read_to = 0
        #: The furthest position a hurry since the last round's read has waited for.
        self._wanted = 0
        self._hurry_lock = threading.Lock()
        self._members: dict[str, Member] = {}
        self._lock = threading.Lock()

    def join_member(self, member: Member) -> None:
        with self._lock:
            self._members[member.projection.name] = member
        self.wake.set()  # what was appended since its own last read

    def leave(self, member: Member) -> None:
        with self._lock:
            if self._members.get(member.projection.name) is member:
                del self._members[member.projection.name]

    def hurry(self, position: int | None = None) -> None:
        """A reader waits for ``position`` (or for whatever has been appended, with None): the
        pause ends now, unless a round has read that far."""
        wanted = sys.maxsize if position is None else position
        with self._hurry_lock:
            if wanted > self.read_to:
                self._wanted = max(self._wanted, wanted)
                self.hurried.set()

    def _read(self, end: int) -> None:
        """A round has read the log up to ``end``: a hurry for no further than that is met by
        this round, and would only cut the next pause short."""
        with self._hurry_lock:
            self.read_to = end
            if self._wanted <= end:
                self._wanted = 0
                self.hurried.clear()

    def holds(self, member: Member) -> bool:
        with self._lock:
            return self._members.get(member.projection.name) is member

    def run(self) -> None:
        busy_until = 0.0
        while not self.stopping.is_set():
            pause = busy_until - time.monotonic()
            if pause > 0:
                self.hurried.wait(pause)
            self.wake.clear()
            self.hurried.clear()
            started = time.monotonic()
            if self.catch_up():
                busy_until = started + self.gather
            if self.stopping.is_set():  # a stop during the pause set the wake cleared above
                break
            self.wake.wait(self.poll_interval)
        with self._lock:
            self._members.clear()

    def catch_up(self) -> int:
        """Rounds until a batch is not full; how many positions the lowest member moved."""
        done = 0
        while not self.stopping.is_set():
            with self._lock:
                members = list(self._members.values())
            try:
                moved, full = self._round(members)
            except Exception as error:  # the members' own workers meet it again, and say so
                self._send_back(members, error)
                return done
            done += moved
            if not (moved and full):
                break
        return done

    def _round(self, members: Sequence[Member]) -> tuple[int, bool]:
        if not members:
            return 0, False
        start = min(member.position for member in members)
        topics = _topics(members)
        batch = read_after(self.app, start, None, self.batch_size, topics)
        if batch is None:
            return 0, False
        notifications, end = batch
        full = len(notifications) == self.batch_size
        if full:
            end = notifications[-1].id
        self._read(end)
        folds = self._folds(members, notifications, end)
        with self.store.transaction() as cursor:
            claims = [(member.view, member.position) for member, _ in folds]
            views = claim_together(cursor, claims, self.app.name, end)
            moved = [member for member, _ in folds if member.view in views]
            for member, events in folds:
                if events and member in moved:
                    member.projection.apply(cursor, member.view.generation, events)
        for member in moved:
            member.position = end
        self._send_back([m for m, _ in folds if m not in moved], None)
        return end - start, full

    def _folds(
        self, members: Sequence[Member], notifications: Sequence[Notification], end: int
    ) -> list[tuple[Member, list[Event]]]:
        """Each member's events in the batch; a member that cannot decode one goes back."""
        decoded: dict[int, Event | None] = {}
        folds, refused = [], []
        for member in members:
            if member.position >= end:
                continue
            mine = [n for n in notifications if member.wants(n)]
            events = [self._decode(n, decoded) for n in mine]
            if any(event is None for event in events):
                refused.append(member)
            else:
                folds.append((member, events))
        self._send_back(refused, None)
        return folds

    def _decode(self, notification: Notification, decoded: dict[int, Event | None]) -> Event:
        if notification.id not in decoded:
            try:
                decoded[notification.id] = self.app.mapper.to_domain_event(notification)
            except Exception:  # its projections' workers halt on it, naming it
                decoded[notification.id] = None
        return decoded[notification.id]

    def _send_back(self, members: Sequence[Member], error: BaseException | None) -> None:
        if error is not None and members:
            level = logging.WARNING if isinstance(error, TRANSIENT_ERRORS) else logging.INFO
            logger.log(
                level,
                "projections %s fold on their own again after: %r",
                ", ".join(m.projection.name for m in members),
                error,
            )
        for member in members:
            self.leave(member)
            member.sent_back()


def _topics(members: Sequence[Member]) -> tuple[str, ...]:
    """Every member's topics (none: every topic, when one member takes every topic)."""
    if any(not member.projection.topics for member in members):
        return ()
    return tuple(sorted({topic for m in members for topic in m.projection.topics}))
