"""What a database URL names: the in-memory store, a SQLite file or a PostgreSQL server."""

from __future__ import annotations

MEMORY_URL = "memory://"


def is_postgres(database_url: str) -> bool:
    return database_url.startswith(("postgresql://", "postgres://"))


def is_sqlite(database_url: str) -> bool:
    return database_url.startswith("sqlite://")


def sqlite_path(database_url: str) -> str:
    """``sqlite:///var/x.db`` is relative, ``sqlite:////abs/x.db`` absolute."""
    return database_url.removeprefix("sqlite:///")
