"""Whether a projection's live tables have every column its code declares.

Tables are created once per generation (CREATE TABLE IF NOT EXISTS), so a column the code
declares later exists only in generations built after the change. A new status is such a
change: stats keeps a counter column per status. The live generation then has to be rebuilt
(``statusboard projections rebuild stats``) before the new code can fold into it or read it;
``projections status`` and /readyz name that need instead of leaving it to a failing statement.
"""

from __future__ import annotations

from projections.base import Projection, Table
from storage.errors import DATABASE_ERRORS
from storage.sql import SqlStore


def _selects(store: SqlStore, table: str, columns: tuple[str, ...]) -> bool:
    try:
        with store.reads() as cursor:
            cursor.execute(f"SELECT {', '.join(columns)} FROM {table} WHERE 1 = 0")
            cursor.fetchall()
    except DATABASE_ERRORS:
        return False
    return True


def _missing(store: SqlStore, table: Table, generation: int) -> list[str]:
    name = table.name(generation)
    if _selects(store, name, table.columns):
        return []
    return [f"{name}.{c}" for c in table.columns if not _selects(store, name, (c,))]


def missing_columns(store: SqlStore, projection: Projection, generation: int) -> list[str]:
    """The declared columns (``table.column``) that generation ``generation`` lacks."""
    return [column for table in projection.tables for column in _missing(store, table, generation)]


def rebuild_needed(store: SqlStore, projection: Projection, generation: int) -> str | None:
    """Why the generation cannot serve this code, or None when its tables fit."""
    missing = missing_columns(store, projection, generation)
    if not missing:
        return None
    return (
        f"the live tables lack {', '.join(missing)}; "
        f"run `statusboard projections rebuild {projection.name}`"
    )
