"""`statusboard seed-demo`."""

from __future__ import annotations

from datetime import UTC, datetime

import click
from flask.cli import with_appcontext

from adapters.commands.output import progress_bar
from adapters.runtime import open_application, runtime
from application.demo import DemoPlan, seed_demo


@click.command("seed-demo")
@with_appcontext
@click.option("--locations", default=3, show_default=True)
@click.option("--days", default=7, show_default=True, help="Days around today.")
@click.option(
    "--per-day", default=120, show_default=True, help="Appointments per location and day."
)
@click.option("--services", default=150, show_default=True)
@click.option("--seed", default=7, show_default=True, help="Random seed, for repeatable data.")
@click.option("--if-empty", is_flag=True, help="Do nothing if the store already has events.")
def seed_demo_command(
    locations: int, days: int, per_day: int, services: int, seed: int, if_empty: bool
) -> None:
    """Fill the store with realistic services and appointments, moved through the day."""
    settings = runtime().settings
    app = open_application(settings)
    if if_empty and app.head_position() > 0:
        click.echo("the store already has events; leaving it as it is")
        return
    plan = DemoPlan(
        locations=locations,
        days=days,
        per_day=per_day,
        services=services,
        seed=seed,
        timezone=settings.timezone,
    )
    with progress_bar("seeding", "appointments") as bar:
        task = bar.add_task("appointments", total=locations * days * per_day)
        count = seed_demo(app, plan, datetime.now(UTC), lambda n: bar.advance(task, n))
    click.echo(
        f"seeded {count} appointments over {locations} locations and {days} days;"
        f" the log now ends at position {app.head_position()}"
    )
