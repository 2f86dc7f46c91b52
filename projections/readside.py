"""The read side of a process: its read-model store, where each projection stands, and each
read model's queries over that store. The queries themselves live with their read models."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from application.statusboard import StatusBoard
from projections import activity as activity_model
from projections import availability as availability_model
from projections import board as board_model
from projections import locations as locations_model
from projections import services as services_model
from projections import stats as stats_model
from projections.catalog import NAMES
from projections.positions import Live, live
from projections.status import ProjectionStatus, projection_status
from storage.sql import SqlStore

#: A read waiting for its own write looks where the projection stands this often at first: a
#: runner folds a save within milliseconds when idle and within its gathering time
#: (``projections.runner.GATHER_SECONDS``) and a fold when busy, and a wait that doubled its
#: pause from the start would see that late, by as much as it had waited (docs/BENCHMARKS.md,
#: "Read-your-writes").
LOOK_EVERY = 0.001
#: For how long the looks stay that frequent; then their pause doubles up to ``LONGEST_PAUSE``.
STEADY_LOOKS_FOR = 0.05
LONGEST_PAUSE = 0.05


def _nobody_to_hurry(_position: int) -> None:
    """Without a runner to reach (one that only polls), a read waits for the next poll."""


class ReadSide:
    def __init__(self, store: SqlStore, database_url: str, timezone: str = "UTC") -> None:
        self.store = store
        self.database_url = database_url
        self.timezone = timezone
        #: The (projection, generation) pairs whose tables were found to fit this code.
        self.fitting: set[tuple[str, int]] = set()
        #: Asks the runner to fold what has been appended now, rather than after its gathering
        #: (``projections.runner.Runner.hurry``): called once by a read waiting for its write.
        self.hurry: Callable[[int], None] = _nobody_to_hurry

    @classmethod
    def open(
        cls,
        database_url: str,
        *,
        timezone: str = "UTC",
        pool_size: int = 5,
        lock_timeout_seconds: int = 5,
        durable_commits: bool = True,
    ) -> ReadSide:
        store = SqlStore.open(
            database_url,
            pool_size=pool_size,
            lock_timeout_seconds=lock_timeout_seconds,
            durable_commits=durable_commits,
        )
        return cls(store, database_url, timezone)

    def close(self) -> None:
        self.store.close()

    def status(self, app: StatusBoard) -> list[ProjectionStatus]:
        return projection_status(app, self.store, self.database_url, self.timezone, self.fitting)

    def live(self, name: str) -> Live:
        """The live generation of projection ``name`` and the position it has processed."""
        if name not in NAMES:
            msg = f"no projection named {name}"
            raise LookupError(msg)
        with self.store.reads() as cursor:
            return live(cursor, name)

    def position(self, name: str) -> int:
        return self.live(name)[1]

    def reached(self, name: str, position: int, timeout: float) -> Live | None:
        """Where the projection stands once it has processed ``position``; None when it has not
        within ``timeout`` seconds. A position not processed at the first look hurries the
        runner. Each look is one read of ``live``: every ``LOOK_EVERY`` seconds while the wait
        is as long as a runner's usual lag, then less and less often."""
        started = time.monotonic()
        deadline = started + timeout
        pause = LOOK_EVERY
        hurried = False
        while (found := self.live(name))[1] < position:
            if not hurried:
                self.hurry(position)
                hurried = True
            now = time.monotonic()
            if now >= deadline:
                return None
            if now - started >= STEADY_LOOKS_FOR:
                pause = min(pause * 2, LONGEST_PAUSE)
            time.sleep(min(pause, deadline - now))
        return found

    def wait_for(self, name: str, position: int, timeout: float) -> bool:
        """Whether the projection reached ``position`` within ``timeout`` seconds."""
        return self.reached(name, position, timeout) is not None

    def board(self, location: str, day: date, staff: str | None = None) -> board_model.Board:
        return board_model.board(self.store, location, day, staff)

    def board_if_changed(
        self,
        location: str,
        day: date,
        seen: board_model.BoardMark | None,
        at: Live | None = None,
        unknown: board_model.Unknown = board_model.everything,
    ) -> board_model.BoardRead:
        return board_model.board_if_changed(self.store, location, day, seen, at, unknown)

    def stats(self, location: str, day: date, live: Live | None = None) -> stats_model.Stats:
        return stats_model.stats(self.store, location, day, live)

    def services(self, *, live: Live | None = None, **query: Any) -> services_model.ServicePage:
        return services_model.services(self.store, at=live, **query)

    def catalog_fingerprint(self, generation: int) -> tuple[int, int]:
        return services_model.catalog_fingerprint(self.store, generation)

    def activity(
        self,
        filters: activity_model.ActivityFilter,
        *,
        limit: int = 50,
        cursor: str | None = None,
        at: Live | None = None,
    ) -> activity_model.ActivityPage:
        return activity_model.activity(self.store, filters, limit=limit, cursor=cursor, at=at)

    def locations(self, today: date, live: Live | None = None) -> locations_model.LocationList:
        return locations_model.locations(self.store, today, live)

    def staff(self, location: str, live: Live | None = None) -> locations_model.StaffList:
        return locations_model.staff(self.store, location, live)

    def availability(
        self,
        wanted: availability_model.Wanted,
        live: Live | None = None,
        staff_live: Live | None = None,
    ) -> availability_model.Availability:
        """``staff_live`` is where the locations model, which lists the staff, is read."""
        zone = ZoneInfo(self.timezone)
        return availability_model.availability(self.store, wanted, zone, live, staff_live)
