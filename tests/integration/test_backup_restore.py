"""A logical backup (pg_dump) taken under load restores (pg_restore) to a service whose read
models agree with the log and resume from their restored positions; a restore that leaves a
read model ahead of the log is reported, and `db init` rebuilds that projection (issue 16)."""

from __future__ import annotations

import shutil
import subprocess
import threading
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest
from flask import Flask
from psycopg import sql

from adapters.app import create_app
from adapters.restored import projections_ahead
from adapters.runtime import EXTENSION
from adapters.settings import Settings
from projections.catalog import NAMES, build_projections
from projections.follower import Follower
from tests.integration.test_projection_harness import NINE, ReadModel

pytestmark = pytest.mark.postgres


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is missing: install Debian's postgresql-client")
    return found


@pytest.fixture
def restored_url(postgres_server_url: str) -> Iterator[str]:
    """An empty database to restore into, dropped after the test."""
    name = f"statusboard_test_{uuid.uuid4().hex}"
    with psycopg.connect(f"{postgres_server_url}/postgres", autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield f"{postgres_server_url}/{name}"
    with psycopg.connect(f"{postgres_server_url}/postgres", autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@pytest.fixture
def backup(postgres_url: str, tmp_path: Path) -> Path:
    """A dump of a database taken while a front desk keeps booking and moving cards."""
    model = ReadModel(postgres_url)
    for index in range(20):
        model.book(f"Customer {index}", starts_at=NINE + timedelta(minutes=15 * index))
    model.catch_up()
    dump = tmp_path / "statusboard.dump"
    stop = threading.Event()

    def desk() -> None:
        index = 100
        while not stop.is_set():
            ident = model.book(f"Walk-in {index}")
            model.move(ident, "checked_in", NINE)
            model.catch_up()
            index += 1

    writer = threading.Thread(target=desk)
    writer.start()
    try:
        subprocess.run(
            [tool("pg_dump"), "--format=custom", f"--file={dump}", postgres_url],
            check=True,
            timeout=120,
        )
    finally:
        stop.set()
        writer.join()
        model.close()
    return dump


@pytest.fixture
def restored(backup: Path, restored_url: str) -> Iterator[Flask]:
    """The service on the restored database, its projections not running yet."""
    subprocess.run(
        [tool("pg_restore"), "--no-owner", f"--dbname={restored_url}", str(backup)],
        check=True,
        timeout=120,
    )
    app = create_app(Settings(database_url=restored_url, embedded_projections=False))
    app.config["TESTING"] = True
    yield app
    app.extensions[EXTENSION].close()


def positions(app: Flask) -> dict[str, int]:
    read_side = app.extensions[EXTENSION].components.read_side
    return {name: read_side.position(name) for name in NAMES}


def cut_log_short(url: str, events: int) -> None:
    """The log as an earlier backup held it: its last events gone, the read models kept."""
    with psycopg.connect(url, autocommit=True) as db:
        (table,) = db.execute(
            "SELECT table_name FROM information_schema.tables"
            " WHERE table_schema = 'public' AND table_name LIKE '%events'"
        ).fetchone() or ("",)
        db.execute(
            sql.SQL(
                "DELETE FROM {} WHERE notification_id > (SELECT max(notification_id) - %s FROM {})"
            ).format(sql.Identifier(table), sql.Identifier(table)),
            (events,),
        )


class TestRestoreFromBackup:
    def test_read_models_agree_with_the_restored_log_and_resume_from_their_positions(
        self, restored: Flask
    ) -> None:
        runner = restored.test_cli_runner()
        components = restored.extensions[EXTENSION].components
        before = positions(restored)

        initialised = runner.invoke(args=["db", "init"])
        after_init = positions(restored)
        verified = runner.invoke(args=["audit", "verify", "--all"])
        folded = {
            name: Follower(components.board, components.read_side.store, projection).catch_up()
            for name, projection in build_projections("UTC").items()
        }

        head = components.board.head_position()
        assert initialised.exit_code == 0, initialised.output
        assert "rebuilding" not in initialised.output
        assert after_init == before and min(before.values()) > 0
        assert verified.exit_code == 0, verified.output
        assert folded == {name: head - position for name, position in before.items()}
        assert positions(restored) == dict.fromkeys(before, head)

    def test_a_read_model_ahead_of_the_log_is_reported_and_rebuilt(
        self, restored: Flask, restored_url: str
    ) -> None:
        cut_log_short(restored_url, events=5)
        components = restored.extensions[EXTENSION].components
        head = components.board.head_position()

        ahead = projections_ahead(components.board, components.read_side)
        ready = restored.test_client().get("/readyz")
        initialised = restored.test_cli_runner().invoke(args=["db", "init"])
        verified = restored.test_cli_runner().invoke(args=["audit", "verify", "--all"])

        assert set(ahead) >= {"board", "activity"}
        assert ready.status_code == 503
        assert "projection board is ahead of the log" in ready.get_data(as_text=True)
        assert "projection board is at position" in initialised.output, initialised.output
        assert all(position <= head for position in positions(restored).values())
        assert projections_ahead(components.board, components.read_side) == {}
        assert verified.exit_code == 0, verified.output
