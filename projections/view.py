"""One generation of one projection, as a tracking recorder: rows and position move together."""

from __future__ import annotations

from collections.abc import Sequence

from eventsourcing.persistence import IntegrityError, Tracking, TrackingRecorder

from projections.base import Event, Projection
from projections.schema import advance, tracked_position
from storage.sql import Cursor, SqlStore


class ProjectionView(TrackingRecorder):
    def __init__(
        self, store: SqlStore, projection: Projection, generation: int, *, live_only: bool = False
    ) -> None:
        self.store = store
        self.projection = projection
        self.generation = generation
        self.live_only = live_only
        self.lock = " FOR UPDATE" if store.dialect == "postgres" else ""

    def insert_tracking(self, tracking: Tracking) -> None:
        with self.store.transaction() as cursor:
            current = self._position(cursor, tracking.application_name)
            if current is not None and tracking.notification_id <= current:
                msg = f"{tracking.notification_id} is not after {current}"
                raise IntegrityError(msg)
            self._advance(cursor, tracking.application_name, current, tracking.notification_id)

    def max_tracking_id(self, application_name: str) -> int | None:
        with self.store.transaction(write=False) as cursor:
            return tracked_position(cursor, self.projection.name, self.generation, application_name)

    def process(
        self,
        events: Sequence[Event],
        application_name: str,
        expected: int | None,
        position: int,
    ) -> None:
        """Folds a batch and records its position, in one transaction, exactly once.

        On PostgreSQL a batch with nothing to fold (no event of the projection's topics) only
        moves the position: one statement, atomic on its own, with no transaction around it.
        """
        start = expected if self.store.dialect == "postgres" else None  # one statement checks it
        if start is not None and not events:
            with self.store.reads() as cursor:
                if self._moved(cursor, application_name, start, position):
                    return
        with self.store.transaction() as cursor:
            if start is not None:
                if not self._moved(cursor, application_name, start, position):
                    self._refuse_or_move(cursor, application_name, start, position)
            else:
                if self.live_only:
                    self._check_live(cursor)
                self._advance(cursor, application_name, expected, position)
            if events:
                self.projection.apply(cursor, self.generation, events)

    def claim(self, cursor: Cursor, application_name: str, expected: int, position: int) -> bool:
        """Inside the caller's transaction, moves the position from ``expected`` to
        ``position`` with the checks ``process`` makes; False, having written nothing, when
        they refuse it (the position moved elsewhere, the generation is no longer live)."""
        try:
            if self.store.dialect == "postgres":
                if not self._moved(cursor, application_name, expected, position):
                    self._refuse_or_move(cursor, application_name, expected, position)
                return True
            if self.live_only:
                self._check_live(cursor)
            self._advance(cursor, application_name, expected, position)
        except IntegrityError:
            return False
        return True

    def _moved(self, cursor: Cursor, application_name: str, expected: int, position: int) -> bool:
        """The checks and the move of ``_check_live`` and ``_advance`` in one statement; False
        when it moved nothing.

        The state row is share-locked before the tracking row is locked, in the order of the
        two statements it stands for, so a rebuild's switch still waits for the batch.
        """
        live = (
            " AND EXISTS (SELECT 1 FROM (SELECT 1 FROM projection_state"
            " WHERE projection = ? AND live_generation = ? FOR SHARE) s)"
            if self.live_only
            else ""
        )
        name = self.projection.name
        cursor.execute(
            "UPDATE projection_tracking SET notification_id = ?"
            " WHERE projection = ? AND generation = ? AND application_name = ?"
            " AND notification_id = ? AND notification_id < ?" + live + " RETURNING 1",
            (position, name, self.generation, application_name, expected, position)
            + ((name, self.generation) if self.live_only else ()),
        )
        return cursor.fetchone() is not None

    def _refuse_or_move(
        self, cursor: Cursor, application_name: str, expected: int, position: int
    ) -> None:
        """After ``_moved`` moved nothing: the statements it stands for raise the reason (or,
        should the rows have changed since, make the move themselves, with the same checks)."""
        if self.live_only:
            self._check_live(cursor)
        self._advance(cursor, application_name, expected, position)

    def _check_live(self, cursor: Cursor) -> None:
        """A rebuild may have switched generations since this view was chosen."""
        share = " FOR SHARE" if self.store.dialect == "postgres" else ""
        cursor.execute(
            "SELECT live_generation FROM projection_state WHERE projection = ?" + share,
            (self.projection.name,),
        )
        if cursor.fetchone()[0] != self.generation:
            msg = f"generation {self.generation} of {self.projection.name} is no longer live"
            raise IntegrityError(msg)

    def _position(self, cursor: Cursor, application_name: str) -> int | None:
        return tracked_position(
            cursor,
            self.projection.name,
            self.generation,
            application_name,
            lock=self.lock,
        )

    def _advance(
        self, cursor: Cursor, application_name: str, expected: int | None, position: int
    ) -> None:
        advance(
            cursor,
            self.projection.name,
            self.generation,
            application_name,
            expected,
            position,
            lock=self.lock,
        )


def claim_together(
    cursor: Cursor,
    claims: Sequence[tuple[ProjectionView, int]],
    application_name: str,
    position: int,
) -> list[ProjectionView]:
    """``claim`` for several views, each from its own expected position, to one position; the
    views whose position moved. On PostgreSQL the live views' moves are one statement, with
    the checks of ``_moved`` for each (a view it refuses is left out, having written nothing)."""
    together = [(view, expected) for view, expected in claims if view.live_only and view.lock]
    moved = [
        view
        for view, expected in claims
        if (view, expected) not in together
        and view.claim(cursor, application_name, expected, position)
    ]
    if not together:
        return moved
    rows = ", ".join("(?::text, ?::integer, ?::bigint)" for _ in together)
    cursor.execute(
        "UPDATE projection_tracking t SET notification_id = ?"
        f" FROM (VALUES {rows}) AS m (projection, generation, expected)"
        " WHERE t.projection = m.projection AND t.generation = m.generation"
        " AND t.application_name = ? AND t.notification_id = m.expected"
        " AND t.notification_id < ?"
        " AND EXISTS (SELECT 1 FROM (SELECT 1 FROM projection_state s"
        " WHERE s.projection = m.projection AND s.live_generation = m.generation FOR SHARE) s)"
        " RETURNING t.projection",
        (
            position,
            *(v for view, expected in together for v in _claim_row(view, expected)),
            application_name,
            position,
        ),
    )
    names = {row[0] for row in cursor.fetchall()}
    return moved + [view for view, _ in together if view.projection.name in names]


def _claim_row(view: ProjectionView, expected: int) -> tuple[str, int, int]:
    return view.projection.name, view.generation, expected
