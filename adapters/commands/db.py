"""``statusboard db init``: every table, created once in a deploy step."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import click
from flask.cli import AppGroup

from adapters.commands.schedules import run_backfill
from adapters.runtime import open_application, runtime
from adapters.tokens import TokenStore
from projections.schema import create_tables
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
    """Creates the event store, read-model and token tables, and holds the appointments booked
    before staff schedules existed on theirs; safe to run again."""
    settings = runtime().settings
    board = open_application(settings, create_table=True)
    try:
        run_backfill(board)
    finally:
        board.close()
    store = SqlStore.open(settings.database_url, lock_timeout_seconds=settings.lock_timeout_seconds)
    try:
        create_tables(store, settings.timezone)
        TokenStore(store).create_table()
    finally:
        store.close()
    click.echo(f"Tables are ready in {redacted(settings.database_url)}")


def register(group: click.Group) -> None:
    group.add_command(db)
