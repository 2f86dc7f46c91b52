"""``statusboard tokens``: API tokens are made, listed and revoked here, never over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click
from flask.cli import AppGroup

from adapters.auth import ROLES
from adapters.runtime import runtime
from adapters.tokens import TokenStore
from domain.errors import FieldError
from storage.sql import SqlStore

tokens = AppGroup("tokens", help="API tokens: create, list, revoke.")


@contextmanager
def token_store() -> Iterator[TokenStore]:
    settings = runtime().settings
    store = SqlStore.open(settings.database_url, lock_timeout_seconds=settings.lock_timeout_seconds)
    try:
        tokens = TokenStore(store)
        if settings.create_table:
            tokens.create_table()
        yield tokens
    finally:
        store.close()


@tokens.command("create")
@click.option("--name", required=True, help="Who uses it; recorded as the actor of changes.")
@click.option("--role", required=True, type=click.Choice(ROLES))
def create(name: str, role: str) -> None:
    """Prints the new token on the last line. It is shown only this once."""
    with token_store() as store:
        try:
            record, secret = store.issue(name, role)
        except FieldError as error:
            raise click.BadParameter(error.message, param_hint="--name") from None
    click.echo(f"Created token {record.id} for {record.name} with role {record.role}.")
    click.echo("Keep it now; it cannot be shown again:")
    click.echo(secret)


@tokens.command("list")
def list_() -> None:
    """Every token, without its secret."""
    with token_store() as store:
        records = store.all()
    click.echo(f"{'ID':>4}  {'NAME':<24} {'ROLE':<8} {'CREATED':<32} REVOKED")
    for record in records:
        click.echo(
            f"{record.id:>4}  {record.name:<24} {record.role:<8} {record.created_at:<32}"
            f" {record.revoked_at or '-'}"
        )


@tokens.command("revoke")
@click.argument("ident", metavar="ID", type=int)
def revoke(ident: int) -> None:
    """Stops the token working at once."""
    with token_store() as store:
        if not store.revoke(ident):
            raise click.ClickException(f"no active token has id {ident}")
    click.echo(f"Revoked token {ident}.")


def register(group: click.Group) -> None:
    group.add_command(tokens)
