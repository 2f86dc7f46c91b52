"""From a database URL to the event store settings of the eventsourcing library."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

MEMORY_URL = "memory://"


@dataclass(frozen=True)
class StoreOptions:
    create_table: bool = True
    pool_size: int = 5
    max_overflow: int = 10
    lock_timeout_seconds: int = 5
    connect_timeout_seconds: int = 5
    cache_size: int = 2000


def is_postgres(database_url: str) -> bool:
    return database_url.startswith(("postgresql://", "postgres://"))


def is_sqlite(database_url: str) -> bool:
    return database_url.startswith("sqlite://")


def sqlite_path(database_url: str) -> str:
    """``sqlite:///var/x.db`` is relative, ``sqlite:////abs/x.db`` absolute."""
    return database_url.removeprefix("sqlite:///")


def store_env(database_url: str, options: StoreOptions = StoreOptions()) -> dict[str, str]:
    env = {
        "CREATE_TABLE": "y" if options.create_table else "n",
        "AGGREGATE_CACHE_MAXSIZE": str(options.cache_size),
    }
    if database_url == MEMORY_URL:
        env["PERSISTENCE_MODULE"] = "eventsourcing.popo"
    elif is_sqlite(database_url):
        path = sqlite_path(database_url)
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        env.update(
            PERSISTENCE_MODULE="eventsourcing.sqlite",
            SQLITE_DBNAME=path,
            SQLITE_LOCK_TIMEOUT=str(options.lock_timeout_seconds),
        )
    elif is_postgres(database_url):
        env.update(postgres_env(database_url, options))
    else:
        msg = f"DATABASE_URL must start with sqlite:///, postgresql:// or be {MEMORY_URL}"
        raise ValueError(msg)
    return env


def postgres_env(database_url: str, options: StoreOptions = StoreOptions()) -> dict[str, str]:
    parts = urlsplit(database_url)
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": unquote(parts.path.lstrip("/")) or "postgres",
        "POSTGRES_HOST": parts.hostname or "127.0.0.1",
        "POSTGRES_PORT": str(parts.port or 5432),
        "POSTGRES_USER": unquote(parts.username or "postgres"),
        "POSTGRES_PASSWORD": unquote(parts.password or ""),
        "POSTGRES_POOL_SIZE": str(options.pool_size),
        "POSTGRES_MAX_OVERFLOW": str(options.max_overflow),
        "POSTGRES_LOCK_TIMEOUT": str(options.lock_timeout_seconds),
        "POSTGRES_CONNECT_TIMEOUT": str(options.connect_timeout_seconds),
        "POSTGRES_PRE_PING": "y",
        "POSTGRES_ENABLE_DB_FUNCTIONS": "n",
    }
