"""The service's configuration, as the environment gives it (SPEC §10)."""

from __future__ import annotations

import pytest

from adapters.app import create_app
from adapters.runtime import EXTENSION
from adapters.settings import DEFAULT_DATABASE_URL, Settings, SettingsError

POSTGRES = "postgresql://app:secret@db:5432/board"


class TestFromEnvironment:
    def test_an_empty_environment_runs_everything_on_the_default_sqlite_file(self) -> None:
        settings = Settings.from_env({})

        assert settings.database_url == DEFAULT_DATABASE_URL
        assert (settings.auth, settings.timezone, settings.consistency_wait_ms) == (
            True,
            "UTC",
            2000,
        )
        assert settings.embedded_projections is True and settings.create_table is True
        assert settings.rate_limit is None

    def test_postgres_leaves_projections_to_a_runner_and_tables_to_db_init(self) -> None:
        settings = Settings.from_env({"DATABASE_URL": POSTGRES})

        assert settings.embedded_projections is False and settings.create_table is False

    def test_every_variable_is_read(self) -> None:
        settings = Settings.from_env(
            {
                "DATABASE_URL": POSTGRES,
                "STATUSBOARD_TIMEZONE": "Europe/Berlin",
                "STATUSBOARD_AUTH": "off",
                "STATUSBOARD_RATE_LIMIT": "600/minute",
                "STATUSBOARD_CONSISTENCY_WAIT_MS": "500",
                "STATUSBOARD_LOG_LEVEL": "debug",
                "STATUSBOARD_EMBEDDED_PROJECTIONS": "on",
                "STATUSBOARD_POOL_SIZE": "7",
                "STATUSBOARD_POOL_MAX_OVERFLOW": "3",
                "STATUSBOARD_LOCK_TIMEOUT": "9",
                "STATUSBOARD_CREATE_TABLES": "yes",
            }
        )

        assert settings == Settings(
            database_url=POSTGRES,
            timezone="Europe/Berlin",
            auth=False,
            rate_limit="600/minute",
            consistency_wait_ms=500,
            log_level="DEBUG",
            embedded_projections=True,
            pool_size=7,
            max_overflow=3,
            lock_timeout_seconds=9,
            create_table=True,
        )

    @pytest.mark.parametrize(
        ("name", "value"),
        [
            ("STATUSBOARD_TIMEZONE", "Mars/Olympus"),
            ("STATUSBOARD_AUTH", "maybe"),
            ("STATUSBOARD_RATE_LIMIT", "lots"),
            ("STATUSBOARD_CONSISTENCY_WAIT_MS", "soon"),
            ("STATUSBOARD_LOG_LEVEL", "LOUD"),
            ("STATUSBOARD_POOL_SIZE", "0"),
        ],
    )
    def test_a_value_the_service_cannot_use_stops_it_with_the_variable_named(
        self, name: str, value: str
    ) -> None:
        with pytest.raises(SettingsError, match=name):
            Settings.from_env({name: value})


class TestOverrides:
    def test_a_new_database_url_brings_its_own_defaults(self) -> None:
        settings = Settings.from_env({}).replace(database_url=POSTGRES)

        assert settings.embedded_projections is False

    def test_create_app_takes_changes_to_the_environments_settings(self, sqlite_url: str) -> None:
        app = create_app({"database_url": sqlite_url, "consistency_wait_ms": 10})

        assert app.extensions[EXTENSION].settings.consistency_wait_ms == 10
