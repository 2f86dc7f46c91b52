"""``statusboard db init``: every table, created once in a deploy step."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlsplit, urlunsplit

import click
from flask.cli import AppGroup

from adapters.runtime import open_application, runtime
from adapters.tokens import TokenStore
from projections.schema import create_tables
from storage.releases import SCHEMA_VERSION, SchemaVersionError, migrate, schema_version
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
    release's schema version; safe to run again. Refuses tables a newer release migrated."""
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
    click.echo(f"Tables are ready in {redacted(settings.database_url)} (schema version {migrated})")


def register(group: click.Group) -> None:
    group.add_command(db)
