"""``statusboard db init``: every table, created once in a deploy step."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlsplit, urlunsplit

import click
from flask.cli import AppGroup

from adapters.commands.schedules import run_backfill
from adapters.manifest import unreadable_in_log
from adapters.restored import rebuild_ahead
from adapters.runtime import open_application, open_read_side, runtime
from adapters.settings import Settings
from adapters.tokens import TokenStore
from projections.schema import create_tables
from storage.releases import (
    SCHEMA_VERSION,
    SchemaVersionError,
    all_releases,
    migrate,
    schema_version,
)
from storage.sql import SqlStore

db = AppGroup("db", help="The database's tables.")


def redacted(database_url: str) -> str:
    parts = urlsplit(database_url)
    if parts.password is None:
        return database_url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return urlunsplit(parts._replace(netloc=netloc))


@db.command("init")
def init() -> None:
    """Creates the event store, read-model and token tables and migrates them to this
    release's schema version, then holds the appointments booked before staff schedules existed
    on theirs; safe to run again. Refuses tables a newer release migrated."""
    settings = runtime().settings
    store = SqlStore.open(settings.database_url, lock_timeout_seconds=settings.lock_timeout_seconds)
    try:
        found = schema_version(store)
        if found is not None and found > SCHEMA_VERSION:
            raise click.ClickException(str(SchemaVersionError(found, SCHEMA_VERSION)))
        open_application(settings, create_table=True).close()
        create_tables(store, settings.timezone)
        TokenStore(store).create_table()
        migrated = migrate(store, datetime.now(UTC))
    finally:
        store.close()
    _check_log_and_read_models(settings)
    board = open_application(settings, create_table=False)
    try:
        run_backfill(board)
    finally:
        board.close()
    click.echo(f"Tables are ready in {redacted(settings.database_url)} (schema version {migrated})")


def _check_log_and_read_models(settings: Settings) -> None:
    """Refuses a log this release cannot read (a rollback too far); then rebuilds any read
    model a restore left ahead of the log, before anything serves it."""
    app = open_application(settings, create_table=False)
    read_side = open_read_side(settings)
    try:
        manifests = [release.manifest for release in all_releases(read_side.store)]
        refused = unreadable_in_log(app.recorder, manifests)
        if refused:
            raise click.ClickException(
                "this release cannot read events in the log; run the release that wrote them"
                " (statusboard release list): "
                + "; ".join(f"{t} version {v} (first at position {p})" for t, v, p in refused)
            )
        rebuild_ahead(app, read_side, settings.timezone, click.echo)
    finally:
        read_side.close()
        app.close()


def register(group: click.Group) -> None:
    group.add_command(db)
