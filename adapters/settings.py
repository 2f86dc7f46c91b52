"""The service's configuration, read from the environment here and nowhere else (SPEC §10)."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from limits import parse_many

from storage.urls import is_postgres

DEFAULT_DATABASE_URL = "sqlite:///var/statusboard.sqlite3"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
_TRUE = ("1", "on", "true", "yes")
_FALSE = ("0", "off", "false", "no")


#: Whole-number settings: field, variable, smallest value.
_COUNTS = (
    ("consistency_wait_ms", "STATUSBOARD_CONSISTENCY_WAIT_MS", 0),
    ("pool_size", "STATUSBOARD_POOL_SIZE", 1),
    ("max_overflow", "STATUSBOARD_POOL_MAX_OVERFLOW", 0),
    ("lock_timeout_seconds", "STATUSBOARD_LOCK_TIMEOUT", 1),
    ("token_cache_ms", "STATUSBOARD_TOKEN_CACHE_MS", 0),
)


class SettingsError(ValueError):
    """A configuration value the service cannot start with."""


@dataclass(frozen=True)
class Settings:
    """How one process of the service runs.

    ``embedded_projections`` and ``create_table`` left as ``None`` follow the database: on for
    SQLite (one command runs everything), off for PostgreSQL (a runner and ``db init`` do it).
    """

    database_url: str = DEFAULT_DATABASE_URL
    timezone: str = "UTC"
    auth: bool = True
    rate_limit: str | None = None
    consistency_wait_ms: int = 2000
    log_level: str = "INFO"
    embedded_projections: bool | None = None
    pool_size: int = 5
    max_overflow: int = 10
    lock_timeout_seconds: int = 5
    create_table: bool | None = None
    #: How long a server process trusts a token it has checked; a revocation made by another
    #: process (the CLI) takes effect within this time. 0 checks the table on every request.
    token_cache_ms: int = 1000

    def __post_init__(self) -> None:
        embedded_default = not is_postgres(self.database_url)
        if self.embedded_projections is None:
            object.__setattr__(self, "embedded_projections", embedded_default)
        if self.create_table is None:
            object.__setattr__(self, "create_table", embedded_default)
        _check(self)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> Settings:
        def get(name: str) -> str | None:
            value = environ.get(name, "").strip()
            return value or None

        fields: dict[str, Any] = {
            "database_url": get("DATABASE_URL"),
            "timezone": get("STATUSBOARD_TIMEZONE"),
            "auth": _flag("STATUSBOARD_AUTH", get("STATUSBOARD_AUTH")),
            "rate_limit": get("STATUSBOARD_RATE_LIMIT"),
            "consistency_wait_ms": _number(
                "STATUSBOARD_CONSISTENCY_WAIT_MS", get("STATUSBOARD_CONSISTENCY_WAIT_MS")
            ),
            "log_level": (get("STATUSBOARD_LOG_LEVEL") or "").upper() or None,
            "embedded_projections": _flag(
                "STATUSBOARD_EMBEDDED_PROJECTIONS", get("STATUSBOARD_EMBEDDED_PROJECTIONS")
            ),
            "pool_size": _number("STATUSBOARD_POOL_SIZE", get("STATUSBOARD_POOL_SIZE")),
            "max_overflow": _number(
                "STATUSBOARD_POOL_MAX_OVERFLOW", get("STATUSBOARD_POOL_MAX_OVERFLOW")
            ),
            "lock_timeout_seconds": _number(
                "STATUSBOARD_LOCK_TIMEOUT", get("STATUSBOARD_LOCK_TIMEOUT")
            ),
            "token_cache_ms": _number(
                "STATUSBOARD_TOKEN_CACHE_MS", get("STATUSBOARD_TOKEN_CACHE_MS")
            ),
            "create_table": _flag("STATUSBOARD_CREATE_TABLES", get("STATUSBOARD_CREATE_TABLES")),
        }
        return cls(**{name: value for name, value in fields.items() if value is not None})

    def replace(self, **changes: Any) -> Settings:
        """These settings with some changed; derived defaults follow a new database URL."""
        derived = {"embedded_projections", "create_table"}
        base = {
            field.name: getattr(self, field.name)
            for field in dataclasses.fields(self)
            if field.name not in derived or "database_url" not in changes
        }
        return Settings(**{**base, **changes})


def _flag(name: str, value: str | None) -> bool | None:
    if value is None:
        return None
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise SettingsError(f"{name} must be on or off, not {value!r}")


def _number(name: str, value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, not {value!r}") from None


def _check(settings: Settings) -> None:
    try:
        ZoneInfo(settings.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError(
            f"STATUSBOARD_TIMEZONE must be an IANA time zone, not {settings.timezone!r}"
        ) from None
    if settings.log_level not in LOG_LEVELS:
        raise SettingsError(f"STATUSBOARD_LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}")
    if settings.rate_limit is not None and not _valid_limit(settings.rate_limit):
        raise SettingsError(
            f"STATUSBOARD_RATE_LIMIT must look like 600/minute, not {settings.rate_limit!r}"
        )
    for name, variable, least in _COUNTS:
        if getattr(settings, name) < least:
            raise SettingsError(f"{variable} must be at least {least}")


def _valid_limit(text: str) -> bool:
    try:
        return bool(parse_many(text))
    except ValueError:
        return False
