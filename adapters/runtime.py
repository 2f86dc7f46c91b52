"""The objects a process serves from, built from settings once per process and after any fork;
the commands open the write and read sides the same way."""

from __future__ import annotations

import atexit
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from zoneinfo import ZoneInfo

from flask import current_app

from adapters.settings import Settings
from adapters.tokens import TokenStore
from application.statusboard import StatusBoard
from projections.embedded import EmbeddedProjections
from projections.readside import ReadSide
from projections.runner import Runner
from projections.schema import create_tables
from storage import notify
from storage.eventstore import StoreOptions, store_env
from storage.postgres import PostgresStore
from storage.releases import check_schema, migrate

EXTENSION = "statusboard"


@dataclass(frozen=True)
class Components:
    board: StatusBoard
    read_side: ReadSide
    #: None when authentication is off.
    tokens: TokenStore | None
    projections: EmbeddedProjections | None


def open_application(settings: Settings, *, create_table: bool | None = None) -> StatusBoard:
    options = StoreOptions(
        create_table=bool(settings.create_table if create_table is None else create_table),
        pool_size=settings.pool_size,
        max_overflow=settings.max_overflow,
        lock_timeout_seconds=settings.lock_timeout_seconds,
    )
    env = store_env(settings.database_url, options)
    return StatusBoard(env, timezone=ZoneInfo(settings.timezone))


def open_read_side(settings: Settings, *, durable_commits: bool = True) -> ReadSide:
    """The read side, once the tables are at the schema version this release runs against."""
    read_side = ReadSide.open(
        settings.database_url,
        timezone=settings.timezone,
        pool_size=settings.pool_size,
        lock_timeout_seconds=settings.lock_timeout_seconds,
        durable_commits=durable_commits,
    )
    try:
        if settings.create_table:
            migrate(read_side.store, datetime.now(UTC))
        check_schema(read_side.store)
    except BaseException:
        read_side.close()
        raise
    return read_side


def build(settings: Settings) -> Components:
    board = open_application(settings)
    read_side = open_read_side(settings)
    tokens = TokenStore(read_side.store, cache_seconds=settings.token_cache_ms / 1000)
    if settings.create_table:
        create_tables(read_side.store, settings.timezone)
        tokens.create_table()
    projections = None
    if settings.embedded_projections:
        projections = EmbeddedProjections(board, read_side, settings.database_url)
        projections.start()
    runner = projections.runner if projections is not None else None
    read_side.hurry = runner_hurry(board, read_side, runner)
    return Components(board, read_side, tokens if settings.auth else None, projections)


def runner_hurry(
    board: StatusBoard, read_side: ReadSide, runner: Runner | None
) -> Callable[[int], None]:
    """How a read waiting for its write reaches the runners: on PostgreSQL a NOTIFY, which every
    runner's listener hears (this process's too, whichever leads); on SQLite a call to this
    process's own runner."""
    if isinstance(read_side.store, PostgresStore):
        return partial(notify.hurry, read_side.store, board.recorder.channel_name)  # type: ignore[attr-defined]
    if runner is not None:
        return runner.hurry
    return read_side.hurry


class Runtime:
    """Builds the components on first use, so a process that forks builds them in the child."""

    def __init__(
        self, settings: Settings, on_build: Callable[[Components], None] = lambda _: None
    ) -> None:
        self.settings = settings
        self._on_build = on_build
        self._components: Components | None = None
        self._lock = threading.Lock()

    @property
    def built(self) -> bool:
        return self._components is not None

    @property
    def components(self) -> Components:
        if self._components is None:
            with self._lock:
                if self._components is None:
                    components = build(self.settings)
                    self._on_build(components)
                    atexit.register(self.close)
                    self._components = components
        return self._components

    def close(self) -> None:
        with self._lock:
            components, self._components = self._components, None
        if components is None:
            return
        atexit.unregister(self.close)
        if components.projections is not None:
            components.projections.stop()
        components.read_side.close()
        components.board.close()


def runtime() -> Runtime:
    found: Runtime = current_app.extensions[EXTENSION]
    return found


def components() -> Components:
    return runtime().components
