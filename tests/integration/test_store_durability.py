"""The runner's folds commit without waiting for the disk; every other write waits.

A read model's rows and its position commit together, so a crash can only lose the last folds
whole, and the runner folds their events again from the position that survived. Tokens,
projection switches and the event store keep PostgreSQL's durable commit.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo
from psycopg import sql

from adapters.app import create_app
from adapters.commands import projections as projection_commands
from storage.sql import SqlStore


@pytest.fixture
def stores(postgres_url: str) -> Iterator[tuple[SqlStore, SqlStore]]:
    # The tests' databases skip the wait (conftest.py); here the server's default must show.
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        name = sql.Identifier(postgres_url.rsplit("/", 1)[1])
        admin.execute(sql.SQL("ALTER DATABASE {} RESET ALL").format(name))
    durable = SqlStore.open(postgres_url)
    folds = SqlStore.open(postgres_url, durable_commits=False)
    yield durable, folds
    durable.close()
    folds.close()


def test_a_store_waits_for_the_disk_unless_told(stores: tuple[SqlStore, SqlStore]) -> None:
    durable, folds = stores
    assert durable.fetchone("SHOW synchronous_commit")[0] == "on"
    assert folds.fetchone("SHOW synchronous_commit")[0] == "off"


def test_a_fold_committed_without_waiting_is_seen_at_once_by_others(
    stores: tuple[SqlStore, SqlStore],
) -> None:
    durable, folds = stores
    with folds.transaction() as cursor:
        cursor.execute("CREATE TABLE fold_check (n INTEGER)")
        cursor.execute("INSERT INTO fold_check VALUES (?)", (7,))
    assert durable.fetchone("SELECT n FROM fold_check")[0] == 7
    with folds.transaction() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "off"  # a pooled connection keeps the setting


class _Opened(Exception):
    pass


def test_the_runner_command_opens_its_read_models_for_folds(
    monkeypatch: pytest.MonkeyPatch, postgres_url: str
) -> None:
    opened: dict[str, Any] = {}

    def open_read_side(_settings: Any, **options: Any) -> None:
        opened.update(options)
        raise _Opened

    monkeypatch.setenv("DATABASE_URL", postgres_url)
    monkeypatch.setattr(projection_commands, "open_read_side", open_read_side)
    result = CliRunner().invoke(
        projection_commands.projections, ["run"], obj=ScriptInfo(create_app=create_app)
    )
    assert isinstance(result.exception, _Opened)
    assert opened == {"durable_commits": False}
