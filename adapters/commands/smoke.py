"""``statusboard smoke URL --token T``: is a deployed server answering as it should?"""

from __future__ import annotations

import click

from adapters.smoke import run_checks


@click.command("smoke")
@click.argument("url")
@click.option("--token", required=True, help="A staff token (admin, if the catalog is empty).")
def smoke(url: str, token: str) -> None:
    """Reads the board, stats and services, books an appointment and moves it. Exit 1 on failure."""
    if not run_checks(url, token, click.echo):
        raise SystemExit(1)


def register(group: click.Group) -> None:
    group.add_command(smoke)
