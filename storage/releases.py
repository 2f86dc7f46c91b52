"""The schema version of the tables that are not read models, and the releases table.

Read models change shape through new generations (a blue/green rebuild); every other table —
the event store's, tokens, projection bookkeeping, releases — carries one schema version here.
``statusboard db init`` migrates it forward, once and idempotently; a release that finds the
tables at a version newer than it knows refuses to run against them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from storage.sql import Cursor, SqlStore

#: The version of the tables other than read models that this code reads and writes.
SCHEMA_VERSION = 1

SCHEMA_DDL = (
    "CREATE TABLE IF NOT EXISTS statusboard_schema ("
    " id INTEGER PRIMARY KEY CHECK (id = 1),"
    " version INTEGER NOT NULL,"
    " migrated_at TEXT NOT NULL)"
)

#: The statements that bring the tables from the version before to each version.
MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: (
        "CREATE TABLE IF NOT EXISTS releases ("
        " name TEXT PRIMARY KEY,"
        " package_version TEXT NOT NULL,"
        " git_commit TEXT,"
        " recorded_at TEXT NOT NULL,"
        " schema_version INTEGER NOT NULL,"
        " manifest TEXT NOT NULL)",
    ),
}


class SchemaVersionError(RuntimeError):
    """The tables are at a schema version this code cannot run against."""

    def __init__(self, found: int, known: int) -> None:
        if found > known:
            advice = (
                "a newer release migrated them; run a release at least that new, or restore"
                " a backup taken before the upgrade"
            )
        else:
            advice = "run `statusboard db init` with this release first"
        super().__init__(
            f"the database's tables are at schema version {found}, and this release runs"
            f" against version {known}: {advice}"
        )
        self.found = found
        self.known = known


def schema_version(store: SqlStore) -> int | None:
    """The tables' schema version; None for a database no release has migrated yet."""
    with store.transaction(write=False) as cursor:
        if not _has_table(cursor, store.dialect, "statusboard_schema"):
            return None
        cursor.execute("SELECT version FROM statusboard_schema WHERE id = 1")
        row = cursor.fetchone()
    return None if row is None else int(row[0])


def check_schema(store: SqlStore, known: int = SCHEMA_VERSION) -> None:
    """Raises unless the tables are at the version this code knows (or not versioned yet)."""
    found = schema_version(store)
    if found is not None and found != known:
        raise SchemaVersionError(found, known)


def migrate(store: SqlStore, now: datetime, known: int = SCHEMA_VERSION) -> int:
    """Brings the tables to ``known``; safe to run again, and by several processes at once."""
    if schema_version(store) == known:
        return known  # the usual case, answered without a write
    with store.transaction() as cursor:
        if store.dialect == "postgres":
            cursor.execute("SELECT pg_advisory_xact_lock(23306, 1)")
        cursor.execute(SCHEMA_DDL)
        cursor.execute("SELECT version FROM statusboard_schema WHERE id = 1")
        row = cursor.fetchone()
        found = 0 if row is None else int(row[0])
        if found > known:
            raise SchemaVersionError(found, known)
        if found == known:
            return known
        for version in range(found + 1, known + 1):
            for statement in MIGRATIONS[version]:
                cursor.execute(statement)
        cursor.execute(
            "INSERT INTO statusboard_schema (id, version, migrated_at) VALUES (1, ?, ?)"
            " ON CONFLICT (id) DO UPDATE SET version = excluded.version,"
            " migrated_at = excluded.migrated_at",
            (known, now.isoformat()),
        )
    return known


def _has_table(cursor: Cursor, dialect: str, name: str) -> bool:
    if dialect == "postgres":
        cursor.execute("SELECT to_regclass(?) IS NOT NULL", (name,))
    else:
        cursor.execute(
            "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
        )
    return bool(cursor.fetchone()[0])


@dataclass(frozen=True)
class Release:
    name: str
    package_version: str
    git_commit: str | None
    recorded_at: datetime
    schema_version: int
    #: What the release writes and reads: event types and versions, snapshots, projections.
    manifest: dict[str, Any]


COLUMNS = "name, package_version, git_commit, recorded_at, schema_version, manifest"


def record_release(store: SqlStore, release: Release) -> None:
    """Records a release; recording a name again replaces what it said."""
    with store.transaction() as cursor:
        cursor.execute(
            f"INSERT INTO releases ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (name) DO UPDATE SET package_version = excluded.package_version,"
            " git_commit = excluded.git_commit, recorded_at = excluded.recorded_at,"
            " schema_version = excluded.schema_version, manifest = excluded.manifest",
            (
                release.name,
                release.package_version,
                release.git_commit,
                release.recorded_at.isoformat(),
                release.schema_version,
                json.dumps(release.manifest, sort_keys=True),
            ),
        )


def all_releases(store: SqlStore) -> list[Release]:
    """Every recorded release, oldest first."""
    rows = store.fetchall(f"SELECT {COLUMNS} FROM releases ORDER BY recorded_at, name")
    return [_release(row) for row in rows]


def find_release(store: SqlStore, name: str) -> Release | None:
    row = store.fetchone(f"SELECT {COLUMNS} FROM releases WHERE name = ?", (name,))
    return None if row is None else _release(row)


def _release(row: Any) -> Release:
    name, package_version, git_commit, recorded_at, schema, manifest = row
    return Release(
        name=name,
        package_version=package_version,
        git_commit=git_commit,
        recorded_at=datetime.fromisoformat(recorded_at),
        schema_version=int(schema),
        manifest=json.loads(manifest),
    )
