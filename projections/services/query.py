"""Reads of the service catalog: search, filter, count and keyset pages by name then code."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from projections.paging import decode_cursor, encode_cursor
from projections.positions import Live, live, named
from projections.services.projection import SERVICES
from storage.sql import SqlStore


@dataclass(frozen=True)
class ServiceItem:
    id: UUID
    code: str
    name: str
    category: str
    price_cents: int
    duration_minutes: int
    active: bool
    version: int


@dataclass(frozen=True)
class ServicePage:
    position: int
    items: list[ServiceItem]
    next_cursor: str | None
    total: int


#: What a list item carries: every column but the search keys of code and category.
ITEM_COLUMNS = tuple(name for name in SERVICES.columns if name not in ("code_key", "category_key"))


def services(
    store: SqlStore,
    *,
    search: str | None = None,
    category: str | None = None,
    active: bool | None = None,
    limit: int = 50,
    cursor: str | None = None,
    at: Live | None = None,
) -> ServicePage:
    where, params = _filters(search, category, active)
    after = decode_cursor(cursor, 2)
    with store.reads() as db:
        generation, position = at or live(db, "services")
        table = SERVICES.name(generation)
        db.execute(f"SELECT count(*) FROM {table} WHERE {where}", params)
        total = int(db.fetchone()[0])
        if after is not None:
            where += " AND (name_key > ? OR (name_key = ? AND code > ?))"
            params += [after[0], after[0], after[1]]
        db.execute(
            f"SELECT {', '.join(ITEM_COLUMNS)} FROM {table} WHERE {where}"
            " ORDER BY name_key, code LIMIT ?",
            (*params, limit + 1),
        )
        rows = [named(ITEM_COLUMNS, row) for row in db.fetchall()]
    items = [_item(row) for row in rows[:limit]]
    last = rows[limit - 1] if len(rows) > limit else None
    next_cursor = None if last is None else encode_cursor(last["name_key"], last["code"])
    return ServicePage(position, items, next_cursor, total)


def catalog_fingerprint(store: SqlStore, generation: int) -> tuple[int, int]:
    """What the service list's contents depend on, as two numbers: services are never
    removed and every change raises a version, so (count, sum of versions) never comes
    back once the catalog has changed."""
    with store.reads() as cursor:
        cursor.execute(
            f"SELECT count(*), coalesce(sum(version), 0) FROM {SERVICES.name(generation)}"
        )
        count, versions = cursor.fetchone()
    return int(count), int(versions)


def _like(term: str) -> str:
    escaped = term.casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _filters(
    search: str | None, category: str | None, active: bool | None
) -> tuple[str, list[Any]]:
    clauses: list[str] = ["1 = 1"]
    params: list[Any] = []
    if search and search.strip():
        clauses.append(
            "(code_key LIKE ? ESCAPE '\\' OR name_key LIKE ? ESCAPE '\\'"
            " OR category_key LIKE ? ESCAPE '\\')"
        )
        params += [_like(search.strip())] * 3
    if category:
        clauses.append("category_key = ?")
        params.append(category.casefold())
    if active is not None:
        clauses.append("active = ?")
        params.append(int(active))
    return " AND ".join(clauses), params


def _item(row: dict[str, Any]) -> ServiceItem:
    return ServiceItem(
        id=UUID(row["id"]),
        code=row["code"],
        name=row["name"],
        category=row["category"],
        price_cents=int(row["price_cents"]),
        duration_minutes=int(row["duration_minutes"]),
        active=bool(row["active"]),
        version=int(row["version"]),
    )
