from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from domain import values
from domain.copying import SharesImmutableState
from domain.errors import FieldError, ServiceRetiredError
from domain.moment import StampedEvent
from domain.stamp import Stamp
from domain.values import ServiceLine

_NAMESPACE = uuid5(NAMESPACE_URL, "statusboard:service")

#: The fields an update may change.
EDITABLE: tuple[str, ...] = ("name", "category", "price_cents", "duration_minutes")


def service_id_for(code: str) -> UUID:
    """A service's id follows from its code, so a code is taken at most once."""
    return uuid5(_NAMESPACE, code)


class Service(SharesImmutableState, Aggregate):
    #: The version of the state a snapshot records.
    class_version = 1

    class Event(StampedEvent):
        pass

    class Added(Event, Aggregate.Created):
        class_version = 1
        code: str
        name: str
        category: str
        price_cents: int
        duration_minutes: int

    class Updated(Event):
        class_version = 1
        changes: dict[str, Any]

        def apply(self, aggregate: Any) -> None:
            for name, value in self.changes.items():
                setattr(aggregate, name, value)

    class Retired(Event):
        class_version = 1

        def apply(self, aggregate: Any) -> None:
            aggregate.active = False

    class Reactivated(Event):
        class_version = 1

        def apply(self, aggregate: Any) -> None:
            aggregate.active = True

    def __init__(
        self, code: str, name: str, category: str, price_cents: int, duration_minutes: int
    ) -> None:
        self.code = code
        self.name = name
        self.category = category
        self.price_cents = price_cents
        self.duration_minutes = duration_minutes
        self.active = True

    @classmethod
    def add(
        cls,
        *,
        code: object,
        name: object,
        category: object,
        price_cents: object,
        duration_minutes: object,
        stamp: Stamp,
    ) -> Service:
        checked_code = values.service_code(code)
        return cls._create(
            cls.Added,
            id=service_id_for(checked_code),
            code=checked_code,
            **_checked(
                {
                    "name": name,
                    "category": category,
                    "price_cents": price_cents,
                    "duration_minutes": duration_minutes,
                }
            ),
            **stamp.event_fields(),
        )

    def state(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in ("code", *EDITABLE, "active")}

    def update(self, changes: dict[str, object], stamp: Stamp) -> bool:
        checked = {k: v for k, v in _checked(changes).items() if getattr(self, k) != v}
        if not checked:
            return False
        self.trigger_event(self.Updated, changes=checked, **stamp.event_fields())
        return True

    def set_active(self, active: object, stamp: Stamp) -> bool:
        if not isinstance(active, bool):
            raise FieldError("active", "must be true or false")
        if active == self.active:
            return False
        self.trigger_event(self.Reactivated if active else self.Retired, **stamp.event_fields())
        return True

    def line(self, quantity: object, field: str = "quantity") -> ServiceLine:
        """The line an appointment books: price and name as they are today."""
        if not self.active:
            raise ServiceRetiredError(self.code)
        return ServiceLine(
            service_id=str(self.id),
            code=self.code,
            name=self.name,
            unit_price_cents=self.price_cents,
            duration_minutes=self.duration_minutes,
            quantity=values.quantity(quantity, field),
        )


_CHECKS: dict[str, Callable[[object], object]] = {
    "name": lambda v: values.text("name", v, max_len=120),
    "category": lambda v: values.text("category", v, max_len=64),
    "price_cents": lambda v: values.integer("price_cents", v, low=0, high=values.MAX_PRICE_CENTS),
    "duration_minutes": lambda v: values.integer("duration_minutes", v, low=5, high=480),
}


def _checked(fields: dict[str, object]) -> dict[str, Any]:
    return {name: _CHECKS[name](value) for name, value in fields.items() if name in _CHECKS}
