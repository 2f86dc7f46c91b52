"""The service catalog list: searchable, filterable, paged by key."""

from __future__ import annotations

from typing import ClassVar

from domain.service import Service
from projections.base import Event, Row, RowProjection, Table, topics, unprocessable

SERVICES = Table(
    stem="services",
    columns=(
        "id",
        "code",
        "name",
        "category",
        "price_cents",
        "duration_minutes",
        "active",
        "version",
        "code_key",
        "name_key",
        "category_key",
    ),
    types=(
        "TEXT",
        "TEXT NOT NULL",
        "TEXT NOT NULL",
        "TEXT NOT NULL",
        "BIGINT NOT NULL",
        "INTEGER NOT NULL",
        "INTEGER NOT NULL",
        "INTEGER NOT NULL",
        "TEXT NOT NULL",
        "TEXT NOT NULL",
        "TEXT NOT NULL",
    ),
    indexes=(("name_key", "code"), ("category_key", "name_key", "code")),
)


def with_keys(row: Row) -> Row:
    """Lower-cased copies for case-insensitive search that SQLite and PostgreSQL agree on."""
    row.update(
        code_key=row["code"].casefold(),
        name_key=row["name"].casefold(),
        category_key=row["category"].casefold(),
    )
    return row


class ServicesProjection(RowProjection):
    name = "services"
    topics = topics(Service.Added, Service.Updated, Service.Retired, Service.Reactivated)
    tables: ClassVar[tuple[Table, ...]] = (SERVICES,)

    def fold(self, row: Row | None, event: Event) -> Row:
        if isinstance(event, Service.Added):
            row = {
                "id": str(event.originator_id),
                "code": event.code,
                "name": event.name,
                "category": event.category,
                "price_cents": event.price_cents,
                "duration_minutes": event.duration_minutes,
                "active": 1,
            }
        elif row is None:
            raise unprocessable(self.name, event)
        elif isinstance(event, Service.Updated):
            row = dict(row, **event.changes)
        elif isinstance(event, (Service.Retired, Service.Reactivated)):
            row = dict(row, active=int(isinstance(event, Service.Reactivated)))
        else:
            raise unprocessable(self.name, event)
        row["version"] = event.originator_version
        return with_keys(row)
