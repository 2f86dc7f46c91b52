"""Reading the event log after a view's position and folding it in, batch by batch."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from eventsourcing.persistence import (
    IntegrityError,
    Notification,
)

from application.statusboard import StatusBoard
from projections.base import Event, Projection
from projections.positions import live_position
from projections.schema import advance, live_generation, tracked_position
from projections.view import ProjectionView
from storage.errors import TRANSIENT_ERRORS
from storage.sql import Cursor, SqlStore

logger = logging.getLogger("statusboard.projections")


class ProjectionFailedError(Exception):
    """A projection met an event it cannot process; it stops there rather than skip it."""

    def __init__(self, projection: str, position: int, topic: str, cause: BaseException) -> None:
        super().__init__(
            f"projection {projection} stopped at position {position} ({topic}): {cause!r}"
        )
        self.projection = projection
        self.position = position
        self.topic = topic
        self.cause = cause


@dataclass
class Follower:
    """Folds the log into one generation of a projection (the live one unless given).

    A follower remembers the view and the position it last read or recorded, and starts the
    next batch from them without reading them again. A memory gone stale (another follower
    moved the position, a rebuild switched generations) costs one refused batch, after which
    they are read again: the batch's transaction checks the position it starts from, and that
    the generation is still live. Any error forgets them.
    """

    app: StatusBoard
    store: SqlStore
    projection: Projection
    generation: int | None = None
    batch_size: int = 1000
    _known: tuple[ProjectionView, int | None] | None = field(default=None, init=False, repr=False)

    def view(self) -> ProjectionView:
        if self.generation is not None:
            return ProjectionView(self.store, self.projection, self.generation)
        with self.store.transaction(write=False) as cursor:
            generation = live_generation(cursor, self.projection.name)
        return ProjectionView(self.store, self.projection, generation, live_only=True)

    def catch_up(
        self, head: int | None = None, progress: Callable[[int], None] | None = None
    ) -> int:
        """Processes batches until the view reaches ``head`` (the log's end when None).

        A batch that is not full reached the head read for it, which ends the catch-up: the
        runner is woken again for whatever was appended since, so no empty batch is read just
        to confirm there is nothing more.
        """
        done = 0
        while True:
            moved, full = self._step(head)
            done += moved
            if moved and progress is not None:
                progress(moved)
            if not (moved and full):
                return done

    def step(self, head: int | None = None) -> int:
        """One batch; returns how many positions the view advanced (0 when caught up)."""
        return self._step(head)[0]

    @property
    def known(self) -> tuple[ProjectionView, int | None] | None:
        """The view and position it remembers (None: it reads them before the next batch)."""
        return self._known

    def forget(self) -> None:
        """Reads the view and its position again before the next batch."""
        self._known = None

    def _step(self, head: int | None) -> tuple[int, bool]:
        """One batch: how many positions the view advanced, and whether the batch was full."""
        known, self._known = self._known, None
        view, tracked = known or self._where()
        position = tracked or 0
        batch = self._read(position, head)
        if batch is None:
            self._known = view, tracked
            return 0, False
        notifications, end = batch
        full = len(notifications) == self.batch_size
        if full:
            end = notifications[-1].id
        events = self._decode(notifications)
        try:
            view.process(events, self.app.name, tracked, end)
        except IntegrityError:
            if known is not None:
                return self._step(head)  # what it remembered is stale; read it again
            return 0, False  # another follower moved the position first; read it again
        except TRANSIENT_ERRORS:
            raise
        except Exception:
            self._find_failure(view, notifications, events, tracked)
            raise
        self._known = view, end
        return end - position, full

    def _read(self, position: int, head: int | None) -> tuple[Sequence[Notification], int] | None:
        return read_after(self.app, position, head, self.batch_size, self.projection.topics)

    def _where(self) -> tuple[ProjectionView, int | None]:
        """The view to fold into and how far it has read, in one statement."""
        name, application_name = self.projection.name, self.app.name
        with self.store.reads() as cursor:
            if self.generation is not None:
                view = ProjectionView(self.store, self.projection, self.generation)
                return view, tracked_position(cursor, name, self.generation, application_name)
            generation, tracked = live_position(cursor, name, application_name)
        return ProjectionView(self.store, self.projection, generation, live_only=True), tracked

    def _decode(self, notifications: Sequence[Notification]) -> list[Event]:
        events = []
        for notification in notifications:
            try:
                events.append(self.app.mapper.to_domain_event(notification))
            except Exception as error:
                raise ProjectionFailedError(
                    self.projection.name, notification.id, notification.topic, error
                ) from error
        return events

    def _find_failure(
        self,
        view: ProjectionView,
        notifications: Sequence[Notification],
        events: Sequence[Event],
        tracked: int | None,
    ) -> None:
        """Applies the batch one event at a time, up to the one that fails, and names it."""
        for notification, event in zip(notifications, events, strict=True):
            try:
                view.process([event], self.app.name, tracked, notification.id)
            except Exception as error:
                raise ProjectionFailedError(
                    self.projection.name, notification.id, notification.topic, error
                ) from error
            tracked = notification.id


def read_after(
    app: StatusBoard, position: int, head: int | None, limit: int, topics: Sequence[str]
) -> tuple[Sequence[Notification], int] | None:
    """The batch after ``position`` and the head it ends at, or None when it is there.

    On PostgreSQL a head not given is read with the batch, in one statement.
    """
    to_head = getattr(app.recorder, "select_notifications_to_head", None)
    if head is None and to_head is not None:
        notifications, head = to_head(position + 1, limit, topics)
        return None if position >= head else (notifications, head)
    head = app.recorder.max_notification_id() or 0 if head is None else head
    if position >= head:
        return None
    notifications = app.recorder.select_notifications(
        start=position + 1, limit=limit, stop=head, topics=topics
    )
    return notifications, head


def catch_up_within(
    follower: Follower, cursor: Cursor, generation: int, head: int, lock: str = ""
) -> int:
    """Folds what is left up to ``head`` inside the caller's transaction."""
    name, application_name = follower.projection.name, follower.app.name
    tracked = tracked_position(cursor, name, generation, application_name, lock=lock)
    position = tracked or 0
    while position < head:
        notifications = follower.app.recorder.select_notifications(
            start=position + 1,
            limit=follower.batch_size,
            stop=head,
            topics=follower.projection.topics,
        )
        end = notifications[-1].id if len(notifications) == follower.batch_size else head
        follower.projection.apply(cursor, generation, follower._decode(notifications))
        advance(cursor, name, generation, application_name, tracked, end, lock=lock)
        tracked = position = end
    return position
