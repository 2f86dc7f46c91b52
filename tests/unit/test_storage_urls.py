"""From a database URL to the event store settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from storage.eventstore import StoreOptions, store_env
from storage.urls import is_postgres, is_sqlite


class TestStoreEnv:
    def test_memory_url_keeps_events_in_the_process(self) -> None:
        env = store_env("memory://")

        assert env["PERSISTENCE_MODULE"] == "eventsourcing.popo"
        assert env["CREATE_TABLE"] == "y"

    def test_absolute_sqlite_path_is_created(self, tmp_path: Path) -> None:
        path = tmp_path / "nested" / "board.sqlite3"

        env = store_env(f"sqlite:///{path}", StoreOptions(lock_timeout_seconds=9))

        assert (env["PERSISTENCE_MODULE"], env["SQLITE_DBNAME"]) == (
            "eventsourcing.sqlite",
            str(path),
        )
        assert env["SQLITE_LOCK_TIMEOUT"] == "9"
        assert path.parent.is_dir()

    def test_relative_sqlite_path_is_under_the_working_folder(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.chdir(tmp_path)

        env = store_env("sqlite:///var/board.sqlite3")

        assert env["SQLITE_DBNAME"] == "var/board.sqlite3"
        assert (tmp_path / "var").is_dir()

    def test_sqlite_in_memory_creates_no_folder(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.chdir(tmp_path)

        assert store_env("sqlite:///:memory:")["SQLITE_DBNAME"] == ":memory:"
        assert list(tmp_path.iterdir()) == []

    def test_postgres_url_is_taken_apart(self) -> None:
        options = StoreOptions(create_table=False, pool_size=3, max_overflow=4)

        env = store_env("postgresql://board%40app:p%3Ass@db.example:6543/status%20board", options)

        assert env["PERSISTENCE_MODULE"] == "eventsourcing.postgres"
        assert (env["POSTGRES_USER"], env["POSTGRES_PASSWORD"]) == ("board@app", "p:ss")
        assert (env["POSTGRES_HOST"], env["POSTGRES_PORT"]) == ("db.example", "6543")
        assert env["POSTGRES_DBNAME"] == "status board"
        assert (env["POSTGRES_POOL_SIZE"], env["POSTGRES_MAX_OVERFLOW"]) == ("3", "4")
        assert env["CREATE_TABLE"] == "n"

    def test_postgres_url_falls_back_to_the_usual_defaults(self) -> None:
        env = store_env("postgres://")

        assert (env["POSTGRES_HOST"], env["POSTGRES_PORT"]) == ("127.0.0.1", "5432")
        assert (env["POSTGRES_USER"], env["POSTGRES_PASSWORD"]) == ("postgres", "")
        assert env["POSTGRES_DBNAME"] == "postgres"

    @pytest.mark.parametrize("url", ["mysql://db/x", "", "sqlite:/x.db", "memory"])
    def test_other_urls_are_refused(self, url: str) -> None:
        with pytest.raises(ValueError, match="DATABASE_URL"):
            store_env(url)

    def test_url_kinds(self) -> None:
        assert is_postgres("postgresql://x") and is_postgres("postgres://x")
        assert not is_postgres("sqlite:///x")
        assert is_sqlite("sqlite:///x") and not is_sqlite("memory://")
