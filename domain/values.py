"""Checks on the values appointments and services are made of.

Each check returns the value in its stored form or raises FieldError naming the field.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import TypedDict

from domain.errors import FieldError

MAX_STAY = timedelta(hours=24)
MAX_NOTES = 4000
MAX_REASON = 500
MAX_PRICE_CENTS = 100_000_000
MAX_QUANTITY = 999

SLUG = re.compile(r"[a-z0-9-]{1,64}")
CODE = re.compile(r"[A-Z0-9-]{2,32}")
PHONE = re.compile(r"\+?[0-9][0-9 ().-]{2,39}")
EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]+\.[^@\s]+")
STAFF_ID = re.compile(r"[A-Za-z0-9_.-]{1,64}")


class Customer(TypedDict):
    name: str
    phone: str | None
    email: str | None


class Staff(TypedDict):
    id: str
    name: str


class ServiceLine(TypedDict):
    service_id: str
    code: str
    name: str
    unit_price_cents: int
    duration_minutes: int
    quantity: int


def text(field: str, value: object, *, min_len: int = 1, max_len: int) -> str:
    if not isinstance(value, str):
        raise FieldError(field, "must be a string")
    value = value.strip()
    if not min_len <= len(value) <= max_len:
        raise FieldError(field, f"must be {min_len} to {max_len} characters")
    if any(ord(ch) < 32 and ch not in "\n\t" for ch in value):
        raise FieldError(field, "must not contain control characters")
    return _storable(field, value)


def integer(field: str, value: object, *, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise FieldError(field, "must be an integer")
    if not low <= value <= high:
        raise FieldError(field, f"must be between {low} and {high}")
    return value


def matching(field: str, value: object, pattern: re.Pattern[str], rule: str) -> str:
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise FieldError(field, f"must be {rule}")
    return _storable(field, value)


def _storable(field: str, value: str) -> str:
    """Lone surrogates (a JSON body may carry them) cannot be encoded, so cannot be stored."""
    try:
        value.encode()
    except UnicodeEncodeError:
        raise FieldError(field, "must be valid Unicode text") from None
    return value


def location_id(value: object) -> str:
    return matching("location_id", value, SLUG, "1 to 64 of a-z, 0-9 and -")


def service_code(value: object, field: str = "code") -> str:
    return matching(field, value, CODE, "2 to 32 of A-Z, 0-9 and -")


def instant(field: str, value: object) -> datetime:
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise FieldError(field, "must be a date-time with a UTC offset")
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise FieldError(field, "is out of range") from None


def schedule(starts_at: object, ends_at: object) -> tuple[datetime, datetime]:
    start, end = instant("starts_at", starts_at), instant("ends_at", ends_at)
    if end <= start:
        raise FieldError("ends_at", "must be after starts_at")
    if end - start > MAX_STAY:
        raise FieldError("ends_at", "must be at most 24 hours after starts_at")
    return start, end


def customer(value: object) -> Customer:
    if not isinstance(value, dict):
        raise FieldError("customer", "must be an object")
    phone, email = value.get("phone"), value.get("email")
    return Customer(
        name=text("customer.name", value.get("name"), max_len=120),
        phone=None
        if phone in (None, "")
        else matching("customer.phone", phone, PHONE, "a phone number"),
        email=None
        if email in (None, "")
        else matching("customer.email", email, EMAIL, "an email address"),
    )


def staff(value: object) -> Staff | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise FieldError("staff", "must be an object or null")
    return Staff(
        id=matching("staff.id", value.get("id"), STAFF_ID, "1 to 64 of A-Z, a-z, 0-9, _ . -"),
        name=text("staff.name", value.get("name"), max_len=120),
    )


def notes(value: object) -> str:
    return text("notes", value, min_len=0, max_len=MAX_NOTES)


def reason(value: object) -> str | None:
    if value is None:
        return None
    return text("reason", value, min_len=0, max_len=MAX_REASON) or None


def quantity(value: object, field: str = "quantity") -> int:
    return integer(field, value, low=1, high=MAX_QUANTITY)


def line_total(line: ServiceLine) -> int:
    return line["unit_price_cents"] * line["quantity"]
