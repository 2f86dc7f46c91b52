"""Releases: what each writes and reads, and whether the log lets a release be rolled back to
(issue 16); the tables' schema version, migrated by `db init` and refused when too new."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.persistence import StoredEvent
from flask import Flask
from flask.testing import FlaskCliRunner

from adapters.manifest import current_manifest
from adapters.runtime import open_read_side
from domain.appointment import Appointment
from domain.stamp import Stamp
from storage.releases import (
    MIGRATIONS,
    SCHEMA_VERSION,
    Release,
    SchemaVersionError,
    check_schema,
    find_release,
    migrate,
    record_release,
    schema_version,
)
from storage.sql import SqlStore
from tests.integration.http_support import (
    app,
    book,
    client,
    haircut,
    runner,
    runtime,
    store_url,
    tokens,
)

__all__ = ["app", "client", "haircut", "runner", "store_url", "tokens"]

RESCHEDULED = "domain.appointment:Appointment.Rescheduled"
DESK = Stamp(actor="desk", request_id="req-desk")


def store_of(app: Flask) -> SqlStore:
    return runtime(app).components.read_side.store


def older(app: Flask, name: str, **changes: Any) -> None:
    """Records a release as an older one would have: this manifest, with some changes."""
    manifest = current_manifest()
    for key, value in changes.items():
        manifest[key] = {**manifest[key], **value}
    release = Release(name, "0.0.9", "abc123", datetime.now(UTC), SCHEMA_VERSION, manifest)
    record_release(store_of(app), release)


@pytest.fixture
def rescheduled(app: Flask, client: Any, haircut: dict[str, Any]) -> int:
    """The log holds a booking and its reschedule (Rescheduled version 2); its position."""
    booked = book(client)
    board = runtime(app).components.board
    starts = datetime.fromisoformat(booked["starts_at"]) + timedelta(hours=1)
    ident = UUID(booked["id"])
    outcome = board.edit_appointment(
        ident, expected_version=booked["version"], starts_at=starts, stamp=DESK
    )
    return outcome.position


class TestRecordRelease:
    def test_a_release_records_what_this_code_writes_and_reads(
        self, runner: FlaskCliRunner
    ) -> None:
        recorded = runner.invoke(args=["release", "record", "2026.12.1"])
        listed = runner.invoke(args=["release", "list", "--json"])

        assert recorded.exit_code == 0, recorded.output
        (release,) = json.loads(listed.output)
        assert release["name"] == "2026.12.1"
        assert release["package_version"] and release["schema_version"] == SCHEMA_VERSION
        assert release["manifest"]["events"][RESCHEDULED] == 2
        assert set(release["manifest"]["projections"]) >= {"board", "stats", "services"}

    def test_recording_a_name_again_replaces_it(self, app: Flask, runner: FlaskCliRunner) -> None:
        older(app, "2026.12.1")

        runner.invoke(args=["release", "record", "2026.12.1"])

        found = find_release(store_of(app), "2026.12.1")
        assert found is not None and found.package_version != "0.0.9"

    def test_list_shows_every_release_in_a_table(self, app: Flask, runner: FlaskCliRunner) -> None:
        older(app, "old")
        runner.invoke(args=["release", "record", "new"])

        listed = runner.invoke(args=["release", "list"])

        assert listed.exit_code == 0
        assert "old" in listed.output and "new" in listed.output


class TestCheckRollback:
    def test_a_release_that_reads_the_whole_log_may_be_rolled_back_to(
        self, runner: FlaskCliRunner, rescheduled: int
    ) -> None:
        runner.invoke(args=["release", "record", "this"])

        checked = runner.invoke(args=["release", "check-rollback", "this"])

        assert checked.exit_code == 0, checked.output
        assert "every projection can keep its tables" in checked.output

    def test_a_release_that_cannot_read_an_event_version_in_the_log_is_refused(
        self, app: Flask, runner: FlaskCliRunner, rescheduled: int
    ) -> None:
        older(app, "before-reasons", events={RESCHEDULED: 1})

        checked = runner.invoke(args=["release", "check-rollback", "before-reasons"])

        assert checked.exit_code == 1
        assert f"cannot read {RESCHEDULED} version 2 (first at position {rescheduled})" in (
            checked.output
        )

    def test_a_release_that_does_not_know_an_event_type_is_refused(
        self, app: Flask, runner: FlaskCliRunner, rescheduled: int
    ) -> None:
        manifest = current_manifest()
        del manifest["events"]["domain.service:Service.Added"]
        record_release(
            store_of(app),
            Release("no-catalog", "0.0.1", None, datetime.now(UTC), SCHEMA_VERSION, manifest),
        )

        checked = runner.invoke(args=["release", "check-rollback", "no-catalog"])

        assert checked.exit_code == 1
        assert "cannot read domain.service:Service.Added version 1" in checked.output

    def test_a_rollback_names_the_projections_it_would_need_rebuilt(
        self, app: Flask, runner: FlaskCliRunner, rescheduled: int
    ) -> None:
        older(app, "other-board", projections={"board": "0123456789abcdef"})

        checked = runner.invoke(args=["release", "check-rollback", "other-board"])

        assert checked.exit_code == 0, checked.output
        assert "After rolling back, rebuild: board" in checked.output

    def test_a_release_older_than_the_tables_is_refused(
        self, app: Flask, runner: FlaskCliRunner
    ) -> None:
        manifest = current_manifest()
        record_release(
            store_of(app),
            Release("ancient", "0.0.1", None, datetime.now(UTC), SCHEMA_VERSION - 1, manifest),
        )

        checked = runner.invoke(args=["release", "check-rollback", "ancient"])

        assert checked.exit_code == 1
        assert "restore a backup taken before the upgrade" in checked.output

    def test_an_unknown_release_is_named(self, runner: FlaskCliRunner) -> None:
        checked = runner.invoke(args=["release", "check-rollback", "never-recorded"])

        assert checked.exit_code == 1
        assert "no release named never-recorded is recorded" in checked.output


def set_schema_version(store: SqlStore, version: int) -> None:
    with store.transaction() as cursor:
        cursor.execute("UPDATE statusboard_schema SET version = ?", (version,))


class TestSchemaVersion:
    def test_db_init_migrates_the_tables_to_this_releases_version_idempotently(
        self, app: Flask, runner: FlaskCliRunner
    ) -> None:
        first = runner.invoke(args=["db", "init"])
        again = runner.invoke(args=["db", "init"])

        assert first.exit_code == 0 and again.exit_code == 0, first.output + again.output
        assert f"schema version {SCHEMA_VERSION}" in again.output
        assert schema_version(store_of(app)) == SCHEMA_VERSION

    def test_db_init_of_an_older_release_refuses_tables_a_newer_one_migrated(
        self, app: Flask, runner: FlaskCliRunner
    ) -> None:
        set_schema_version(store_of(app), SCHEMA_VERSION + 1)

        refused = runner.invoke(args=["db", "init"])

        assert refused.exit_code == 1
        assert f"schema version {SCHEMA_VERSION + 1}" in refused.output
        assert schema_version(store_of(app)) == SCHEMA_VERSION + 1

    def test_an_older_release_refuses_to_run_against_newer_tables(self, app: Flask) -> None:
        set_schema_version(store_of(app), SCHEMA_VERSION + 1)

        with pytest.raises(SchemaVersionError) as refused:
            open_read_side(runtime(app).settings)

        assert f"at schema version {SCHEMA_VERSION + 1}" in str(refused.value)
        assert "run a release at least that new" in str(refused.value)


def append_newer_reschedule(app: Flask) -> int:
    """A reschedule as a newer release would store it: one version past this code's."""
    board = runtime(app).components.board
    (last,) = [n for n in board.recorder.select_notifications(1, 100) if n.topic == RESCHEDULED]
    state = json.loads(last.state)
    state["class_version"] = state["class_version"] + 1
    event = StoredEvent(last.originator_id, last.originator_version + 1, RESCHEDULED, b"")
    board.recorder.insert_events([replace(event, state=json.dumps(state).encode())])
    return board.head_position()


class TestRollbackRefusedAtStart:
    def test_db_init_refuses_a_log_holding_events_this_release_cannot_read(
        self, app: Flask, runner: FlaskCliRunner, rescheduled: int
    ) -> None:
        newer = Appointment.Rescheduled.class_version + 1
        older(app, "newer", events={RESCHEDULED: newer})
        position = append_newer_reschedule(app)

        refused = runner.invoke(args=["db", "init"])

        assert refused.exit_code == 1
        assert "this release cannot read events in the log" in refused.output
        assert f"{RESCHEDULED} version {newer} (first at position {position})" in refused.output

    def test_a_newer_release_that_wrote_nothing_newer_lets_db_init_run(
        self, app: Flask, runner: FlaskCliRunner, rescheduled: int
    ) -> None:
        older(app, "newer", events={RESCHEDULED: Appointment.Rescheduled.class_version + 1})

        initialised = runner.invoke(args=["db", "init"])

        assert initialised.exit_code == 0, initialised.output


class TestMigrations:
    def test_a_new_schema_version_is_applied_once_and_older_code_then_refuses_it(
        self, app: Flask, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        store = store_of(app)
        probe = "CREATE TABLE schema_probe (id INTEGER PRIMARY KEY)"  # fails if run twice
        monkeypatch.setitem(MIGRATIONS, SCHEMA_VERSION + 1, (probe,))
        now = datetime.now(UTC)

        first = migrate(store, now, known=SCHEMA_VERSION + 1)
        again = migrate(store, now, known=SCHEMA_VERSION + 1)

        assert first == again == schema_version(store) == SCHEMA_VERSION + 1
        assert store.fetchone("SELECT count(*) FROM schema_probe")[0] == 0
        with pytest.raises(SchemaVersionError):
            check_schema(store)
