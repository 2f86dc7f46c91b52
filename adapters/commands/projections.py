"""`statusboard projections run | rebuild | status`."""

from __future__ import annotations

import json
import logging
import os
import signal
import threading
from dataclasses import asdict
from types import FrameType

import click
from flask.cli import AppGroup
from rich.table import Table

from adapters.commands.output import console, progress_bar
from adapters.runtime import open_application, open_read_side, runtime
from projections.catalog import NAMES, build_projections
from projections.rebuild import Rebuild, RebuildReport
from projections.runner import Runner

#: How long a stopping runner waits for its projections' threads to finish what they do.
STOP_SECONDS = 10.0


@click.group("projections", cls=AppGroup)
def projections() -> None:
    """Follow, rebuild and inspect the read models."""


@projections.command("run")
@click.argument("names", nargs=-1, type=click.Choice(NAMES))
@click.option("--poll-interval", default=1.0, show_default=True, help="Seconds between polls.")
@click.option("--batch-size", default=1000, show_default=True)
def run(names: tuple[str, ...], poll_interval: float, batch_size: int) -> None:
    """Follow the event log into the read models until stopped (all projections by default)."""
    settings = runtime().settings
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(message)s")
    app = open_application(settings, create_table=False)
    # Read models are derived: their folds need not wait for the disk (see SqlStore.open).
    read_side = open_read_side(settings, durable_commits=False)
    chosen = [p for n, p in build_projections(settings.timezone).items() if not names or n in names]
    runner = Runner(
        app,
        read_side.store,
        chosen,
        settings.database_url,
        poll_interval=poll_interval,
        batch_size=batch_size,
    )

    def stop(_signal: int, _frame: FrameType | None) -> None:
        runner.stopping.set()
        # Whatever might hold the exit up (a query that never returns, the interpreter's own
        # shutdown), the process ends within a bound: a supervisor or an operator waits on it.
        watchdog = threading.Timer(2 * STOP_SECONDS, os._exit, args=(1,))
        watchdog.daemon = True
        watchdog.start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    runner.start()
    click.echo(f"following {', '.join(p.name for p in chosen)}; stop with Ctrl-C")
    runner.wait()
    stuck = runner.stop(STOP_SECONDS)
    if stuck:
        click.echo(f"stopped without waiting any longer for {', '.join(stuck)}", err=True)
    failed = [w.failure for w in runner.workers if w.failure is not None]
    for failure in failed:
        click.echo(str(failure), err=True)
    raise SystemExit(1 if failed else 0)


@projections.command("rebuild")
@click.argument("name", required=False, type=click.Choice(NAMES))
@click.option("--all", "everything", is_flag=True, help="Rebuild every projection.")
@click.option("--dry-run", is_flag=True, help="Build and compare, but keep the live generation.")
@click.option("--batch-size", default=5000, show_default=True)
def rebuild(name: str | None, everything: bool, dry_run: bool, batch_size: int) -> None:
    """Build a fresh generation from the start of the log, compare it, and switch to it."""
    if bool(name) == everything:
        raise click.UsageError("name one projection, or give --all")
    settings = runtime().settings
    app = open_application(settings, create_table=False)
    read_side = open_read_side(settings)
    for projection in build_projections(settings.timezone).values():
        if everything or projection.name == name:
            job = Rebuild(app, read_side.store, projection, batch_size=batch_size)
            _report(_with_progress(job, dry_run), dry_run)


def _with_progress(job: Rebuild, dry_run: bool) -> RebuildReport:
    generation, position, head = job.prepare()
    with progress_bar(f"{job.projection.name} → generation {generation}") as bar:
        task = bar.add_task("events", total=max(head, 1), completed=position)
        report = job.run(dry_run=dry_run, progress=lambda n: bar.advance(task, n))
        bar.update(task, completed=report.position, total=max(report.position, 1))
    return report


def _report(report: RebuildReport, dry_run: bool) -> None:
    added, changed, removed = report.counts()
    verb = "would switch" if dry_run else "switched"
    console.print(
        f"[bold]{report.projection}[/]: {report.events} events in {report.seconds:.1f} s"
        f" ({report.rate:,.0f} events/s); versus generation {report.previous_generation}:"
        f" {added} rows added, {changed} changed, {removed} removed; {verb} to"
        f" generation {report.generation}" + (" (dry run: nothing changed)" if dry_run else "")
    )
    for diff in report.diffs:
        for row in diff.added[:5]:
            console.print(f"  + {diff.table} {row}")
        for old, new in diff.changed[:5]:
            columns = ", ".join(
                f"{column} {before!r} → {after!r}"
                for column, before, after in zip(diff.columns, old, new, strict=True)
                if before != after
            )
            console.print(f"  ~ {diff.table} {old[0]}: {columns}")
        for row in diff.removed[:5]:
            console.print(f"  - {diff.table} {row}")


@projections.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def status(as_json: bool) -> None:
    """Each projection's position, the head of the log, the lag, and whether it runs."""
    settings = runtime().settings
    app = open_application(settings, create_table=False)
    statuses = open_read_side(settings).status(app)
    if as_json:
        click.echo(json.dumps([asdict(s) for s in statuses], indent=2))
        return
    table = Table(
        "projection",
        "generation",
        "position",
        "head",
        "lag (events)",
        "lag (s)",
        "running",
        "why not",
    )
    for s in statuses:
        lag = "-" if s.lag_seconds is None else f"{s.lag_seconds:.1f}"
        table.add_row(
            s.name,
            str(s.generation),
            str(s.position),
            str(s.head),
            str(s.lag_events),
            lag,
            "yes" if s.running else "no",
            s.reason or "",
        )
    console.print(table)
