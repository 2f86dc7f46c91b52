"""`statusboard audit history | replay | activity | verify`: support's tools."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import click
from flask.cli import AppGroup
from rich.table import Table

from adapters.commands.output import console, progress_bar
from adapters.runtime import open_application, open_read_side, runtime
from adapters.schemas.appointments import AppointmentSchema
from adapters.schemas.common import ChangeSchema, instance, jsonable
from application.history import diff
from projections.activity import ActivityFilter, ActivityItem
from projections.catalog import build_projections
from projections.verify import verify_all, verify_appointments


def _instant(_ctx: click.Context, _param: click.Parameter, value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            "must be an ISO 8601 time, e.g. 2026-11-26T10:05:00+01:00"
        ) from None
    if moment.tzinfo is None:
        raise click.BadParameter("must include a UTC offset, e.g. +00:00")
    return moment


@click.group("audit", cls=AppGroup)
def audit() -> None:
    """Answer support's questions from the event log."""


@audit.command("history")
@click.argument("appointment_id", type=click.UUID)
@click.option("--json", "as_json", is_flag=True, help="Print JSON, for attaching to tickets.")
def history(appointment_id: UUID, as_json: bool) -> None:
    """Every event of an appointment: when, who, which request, what changed."""
    settings = runtime().settings
    changes = open_application(settings, create_table=False).appointment_history(appointment_id)
    items = ChangeSchema(many=True).dump(changes)
    if as_json:
        click.echo(json.dumps({"appointment_id": str(appointment_id), "items": items}, indent=2))
        return
    zone = ZoneInfo(settings.timezone)
    table = Table(
        "v",
        f"time ({settings.timezone})",
        "UTC",
        "actor",
        "request id",
        "idempotency key",
        "event",
        "changes",
        title=f"appointment {appointment_id}",
    )
    for change in changes:
        table.add_row(
            str(change.version),
            change.at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S"),
            change.at.astimezone(UTC).strftime("%H:%M:%S"),
            change.actor,
            change.request_id,
            change.idempotency_key or "",
            change.type + (f" ({change.reason})" if change.reason else ""),
            _changes_text(change.changes),
        )
    console.print(table)


def _changes_text(changes: dict[str, tuple[Any, Any]]) -> str:
    def short(value: Any) -> str:
        text = json.dumps(jsonable(value)) if not isinstance(value, str) else value
        return text if len(text) <= 60 else text[:57] + "..."

    return "\n".join(
        f"{name}: {short(before)} → {short(after)}" for name, (before, after) in changes.items()
    )


@audit.command("replay")
@click.argument("appointment_id", type=click.UUID)
@click.option("--version", type=click.IntRange(min=1), help="The state after this version.")
@click.option("--at", callback=_instant, help="The state at this time (ISO 8601 with offset).")
@click.option("--diff-to-now", is_flag=True, help="Also show what changed since then.")
def replay(
    appointment_id: UUID, version: int | None, at: datetime | None, diff_to_now: bool
) -> None:
    """The full appointment as it was at a version or a time."""
    if (version is None) == (at is None):
        raise click.UsageError("give --version N or --at TIME")
    app = open_application(runtime().settings, create_table=False)
    then = app.get_appointment(appointment_id, version=version, at=at)
    schema = instance(AppointmentSchema)
    result: dict[str, Any] = {"appointment": schema.dump(then)}
    if diff_to_now:
        now = app.get_appointment(appointment_id)
        result["changed_since"] = {
            "from_version": then.version,
            "to_version": now.version,
            "changes": jsonable(diff(then.state(), now.state())),
        }
    click.echo(json.dumps(result, indent=2))


@audit.command("activity")
@click.option("--actor", help="Only this token name.")
@click.option("--location", help="Only this location.")
@click.option("--since", callback=_instant, help="From this time (ISO 8601 with offset).")
@click.option("--until", callback=_instant, help="Before this time (ISO 8601 with offset).")
@click.option("--type", "type_", help="Only this event type, e.g. Moved.")
@click.option("--limit", default=200, show_default=True, type=click.IntRange(1, 100_000))
@click.option("--json", "as_json", is_flag=True)
def activity(
    actor: str | None,
    location: str | None,
    since: datetime | None,
    until: datetime | None,
    type_: str | None,
    limit: int,
    as_json: bool,
) -> None:
    """What happened, by whom, where: appointment events in time order."""
    settings = runtime().settings
    read_side = open_read_side(settings)
    filters = ActivityFilter(actor=actor, location=location, since=since, until=until, type=type_)
    items: list[ActivityItem] = []
    cursor: str | None = None
    while len(items) < limit:
        page = read_side.activity(filters, limit=min(limit - len(items), 1000), cursor=cursor)
        items += page.items
        cursor = page.next_cursor
        if cursor is None:
            break
    if as_json:
        click.echo(json.dumps([jsonable(vars(item)) for item in items], indent=2))
        return
    zone = ZoneInfo(settings.timezone)
    table = Table(
        "time", "actor", "location", "appointment", "v", "event", "from → to", "request id"
    )
    for item in items:
        move = f"{item.from_status} → {item.to_status}" if item.to_status else ""
        table.add_row(
            item.at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S"),
            item.actor,
            item.location_id,
            str(item.appointment_id),
            str(item.version),
            item.type,
            move,
            item.request_id,
        )
    console.print(table)


@audit.command("verify")
@click.argument("appointment_ids", nargs=-1, type=click.UUID)
@click.option("--all", "everything", is_flag=True, help="Check every read model row.")
def verify(appointment_ids: tuple[UUID, ...], everything: bool) -> None:
    """Replay the events and compare with the stored read models; exit 1 on any drift."""
    if bool(appointment_ids) == everything:
        raise click.UsageError("name appointment ids, or give --all")
    settings = runtime().settings
    app = open_application(settings, create_table=False)
    store = open_read_side(settings).store
    projections = build_projections(settings.timezone).values()
    if everything:
        with progress_bar("verifying") as bar:
            task = bar.add_task("events", total=app.head_position())
            report = verify_all(app, store, projections, progress=lambda n: bar.advance(task, n))
    else:
        report = verify_appointments(app, store, projections, appointment_ids)
    for drift in report.drifts:
        click.echo(drift.describe())
    click.echo(
        f"checked read models at position {report.position}: "
        + (f"{len(report.drifts)} differences" if report.drifts else "no drift")
    )
    raise SystemExit(1 if report.drifts else 0)
