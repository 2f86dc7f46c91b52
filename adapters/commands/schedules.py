"""`statusboard schedules backfill` and `statusboard audit overlaps`: staff schedules for the
appointments booked before schedules existed, and the overlaps the desk has to resolve."""

from __future__ import annotations

import json
from datetime import datetime
from uuid import uuid4
from zoneinfo import ZoneInfo

import click
from flask.cli import AppGroup
from rich.table import Table

from adapters.commands.audit import audit
from adapters.commands.output import console, progress_bar
from adapters.runtime import open_application, runtime
from adapters.schemas.common import jsonable
from application.backfill import Overlap, backfill_schedules, booked_count, recorded_overlaps
from application.statusboard import StatusBoard
from domain import localtime
from domain.errors import FieldError
from domain.stamp import Stamp


@click.group("schedules", cls=AppGroup)
def schedules() -> None:
    """Staff members' schedules: who holds which interval."""


@schedules.command("backfill")
def backfill() -> None:
    """Holds every active appointment with staff on its schedules; safe to run again."""
    board = open_application(runtime().settings, create_table=False)
    try:
        run_backfill(board)
    finally:
        board.close()


def run_backfill(board: StatusBoard) -> None:
    stamp = Stamp(actor="schedules-backfill", request_id=uuid4().hex)
    with progress_bar("schedules", unit="appointments") as bar:
        task = bar.add_task("appointments", total=max(booked_count(board), 1))
        changed = backfill_schedules(board, stamp, advance=lambda n: bar.advance(task, n))
    click.echo(f"Schedules hold every active appointment with staff ({changed} newly held)")


@audit.command("overlaps")
@click.option("--location", help="Only this location.")
@click.option("--date", "day", help="Only this local day (YYYY-MM-DD).")
@click.option("--json", "as_json", is_flag=True)
def overlaps(location: str | None, day: str | None, as_json: bool) -> None:
    """Appointments of a staff member that overlap: booked so on purpose, or found in the log.
    Resolve them by rescheduling or reassigning one of the two."""
    if day is not None:
        try:
            day = localtime.iso_date("date", day)
        except FieldError as error:
            raise click.BadParameter(error.message, param_hint="--date") from None
    settings = runtime().settings
    board = open_application(settings, create_table=False)
    try:
        found = recorded_overlaps(board, location, day)
    finally:
        board.close()
    if as_json:
        click.echo(json.dumps([_document(overlap) for overlap in found], indent=2))
        return
    zone = ZoneInfo(settings.timezone)
    table = Table("day", "staff", "appointment", "time", "customer", "location", "on purpose")
    for overlap in found:
        for hold in (overlap.first, overlap.second):
            table.add_row(
                overlap.day,
                overlap.staff_id,
                str(hold["appointment_id"]),
                _clock(hold["starts_at"], zone) + "–" + _clock(hold["ends_at"], zone),
                hold["customer_name"],
                hold["location_id"],
                "yes" if hold["overlap_allowed"] and not hold["existing"] else "",
            )
    console.print(table)
    click.echo(f"{len(found)} overlaps")


def _clock(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%H:%M")


def _document(overlap: Overlap) -> dict[str, object]:
    return {
        "staff_id": overlap.staff_id,
        "day": overlap.day,
        "appointments": [jsonable(dict(hold)) for hold in (overlap.first, overlap.second)],
    }


def register(group: click.Group) -> None:
    group.add_command(schedules)
