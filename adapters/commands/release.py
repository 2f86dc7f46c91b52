"""``statusboard release record | list | check-rollback``: what each release writes and reads,
and whether the log lets a release be rolled back to."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import click
from flask.cli import AppGroup
from rich.table import Table

from adapters.commands.output import console
from adapters.manifest import current_manifest, log_versions, unreadable
from adapters.runtime import open_application, runtime
from storage.releases import (
    SCHEMA_VERSION,
    Release,
    all_releases,
    find_release,
    migrate,
    record_release,
    schema_version,
)
from storage.sql import SqlStore

release = AppGroup("release", help="Releases: record them, list them, check a rollback.")


@contextmanager
def release_store() -> Iterator[SqlStore]:
    settings = runtime().settings
    store = SqlStore.open(settings.database_url, lock_timeout_seconds=settings.lock_timeout_seconds)
    try:
        if settings.create_table:
            migrate(store, datetime.now(UTC))
        yield store
    finally:
        store.close()


def package_version() -> str:
    try:
        return version("statusboard")
    except PackageNotFoundError:
        return "unknown"


def git_commit() -> str | None:
    """``STATUSBOARD_GIT_COMMIT`` when the build set it, else the checkout this code runs from."""
    given = os.environ.get("STATUSBOARD_GIT_COMMIT", "").strip()
    if given:
        return given
    try:
        found = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=Path(__file__).resolve().parent,
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return found.stdout.strip() or None


@release.command("record")
@click.argument("name")
def record(name: str) -> None:
    """Records this code as release NAME: its version, commit, and what it writes and reads."""
    with release_store() as store:
        made = Release(
            name=name,
            package_version=package_version(),
            git_commit=git_commit(),
            recorded_at=datetime.now(UTC),
            schema_version=SCHEMA_VERSION,
            manifest=current_manifest(),
        )
        record_release(store, made)
    events = made.manifest["events"]
    click.echo(
        f"Recorded release {name}: statusboard {made.package_version}"
        f" ({made.git_commit or 'commit unknown'}), schema version {SCHEMA_VERSION},"
        f" {len(events)} event types"
    )


@release.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def list_(as_json: bool) -> None:
    """Every recorded release, oldest first."""
    with release_store() as store:
        found = all_releases(store)
    if as_json:
        rows = [{**vars(r), "recorded_at": r.recorded_at.isoformat()} for r in found]
        click.echo(json.dumps(rows, indent=2))
        return
    table = Table("name", "version", "commit", "recorded at", "schema", "event types (version)")
    for item in found:
        events = item.manifest.get("events", {})
        newer = [f"{t.rsplit(':', 1)[-1]} v{v}" for t, v in sorted(events.items()) if v > 1]
        table.add_row(
            item.name,
            item.package_version,
            (item.git_commit or "")[:12],
            item.recorded_at.isoformat(timespec="seconds"),
            str(item.schema_version),
            f"{len(events)}" + (f" ({', '.join(newer)})" if newer else ""),
        )
    console.print(table)


@release.command("check-rollback")
@click.argument("target")
def check_rollback(target: str) -> None:
    """Exit 0 when release TARGET reads everything in the log and these tables; else 1."""
    settings = runtime().settings
    with release_store() as store:
        found = find_release(store, target)
        tables = schema_version(store)
    if found is None:
        raise click.ClickException(f"no release named {target} is recorded (see `release list`)")
    app = open_application(settings, create_table=False)
    try:
        held = log_versions(app.recorder)
    finally:
        app.close()
    problems = _problems(found, held, tables)
    for line in problems:
        click.echo(line, err=True)
    if problems:
        raise SystemExit(1)
    rebuild = _to_rebuild(found.manifest.get("projections", {}))
    click.echo(
        f"Release {target} reads every event in the log"
        f" ({len(held)} event types and versions) and these tables (schema {tables or 0})."
    )
    click.echo(
        f"After rolling back, rebuild: {', '.join(rebuild)}"
        if rebuild
        else "After rolling back, every projection can keep its tables."
    )


def _problems(target: Release, held: dict[tuple[str, int], int], tables: int | None) -> list[str]:
    lines = [
        f"{target.name} cannot read {topic} version {version} (first at position {position})"
        for topic, version, position in unreadable(held, target.manifest.get("events", {}))
    ]
    if tables is not None and tables > target.schema_version:
        lines.append(
            f"{target.name} runs against schema version {target.schema_version}; the tables are"
            f" at {tables}: restore a backup taken before the upgrade instead"
        )
    if lines:
        lines.insert(0, f"Rolling back to {target.name} is refused:")
    return lines


def _to_rebuild(target: dict[str, str]) -> list[str]:
    """Projections whose tables or folded events differ between this code and the target."""
    ours = current_manifest()["projections"]
    return sorted(name for name, digest in target.items() if ours.get(name) != digest)


def register(group: click.Group) -> None:
    group.add_command(release)
