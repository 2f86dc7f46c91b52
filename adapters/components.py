"""Building the write and read sides from settings: shared by the web app and the commands."""

from __future__ import annotations

from adapters.settings import Settings
from application.statusboard import StatusBoard
from projections.readside import ReadSide
from storage.eventstore import StoreOptions, store_env


def open_application(settings: Settings, *, create_table: bool | None = None) -> StatusBoard:
    options = StoreOptions(
        create_table=bool(settings.create_table if create_table is None else create_table),
        pool_size=settings.pool_size,
        max_overflow=settings.max_overflow,
        lock_timeout_seconds=settings.lock_timeout_seconds,
    )
    return StatusBoard(store_env(settings.database_url, options))


def open_read_side(settings: Settings, *, durable_commits: bool = True) -> ReadSide:
    return ReadSide.open(
        settings.database_url,
        timezone=settings.timezone,
        pool_size=settings.pool_size,
        lock_timeout_seconds=settings.lock_timeout_seconds,
        durable_commits=durable_commits,
    )
