"""Fields and checks the shapes share."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from typing import Any, TypeVar
from uuid import UUID

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from domain import values
from domain.errors import FieldError

S = TypeVar("S", bound=Schema)


@functools.cache
def instance(schema: type[S]) -> S:
    """One instance per schema class, shared by every request and thread.

    Building a schema deep-copies its declared fields (nested ones again on first use), which
    costs more than the load or dump itself; loads and dumps keep no state on the instance.
    """
    return schema()


def expected_version() -> fields.Integer:
    """The version of the record the client last saw: every change to a record carries it."""
    return fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(min=1),
        metadata={"description": "The version of the record the client last saw."},
    )


def min_position() -> fields.Integer:
    return fields.Integer(
        validate=validate.Range(min=0),
        metadata={"description": "Wait until the read model has processed this position."},
    )


class UtcDateTime(fields.AwareDateTime):
    """ISO 8601 with an offset on the way in; always UTC on the way out."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> datetime:
        moment: datetime = super()._deserialize(value, attr, data, **kwargs)
        try:
            moment.astimezone(UTC)  # year 1 east of UTC, or year 9999 west of it, has no UTC
        except OverflowError:
            raise ValidationError("is out of range") from None
        return moment

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        if isinstance(value, datetime):
            value = value.astimezone(UTC)
        return super()._serialize(value, attr, obj, **kwargs)


def jsonable(value: Any) -> Any:
    """Event values in their JSON form: times as ISO 8601, ids as strings."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, (date, UUID)):
        return str(value) if isinstance(value, UUID) else value.isoformat()
    if isinstance(value, Mapping):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(item) for item in value]
    return value


class Changes(fields.Dict):
    """``{field: [before, after]}``; the values are whatever the field holds."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(keys=fields.String(), values=fields.List(fields.Raw()), **kwargs)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        return None if value is None else jsonable(value)


class ResponseSchema(Schema):
    """A shape the API answers with. More members may be added; clients ignore the unknown."""

    class Meta:
        unknown = EXCLUDE


class ChangeSchema(ResponseSchema):
    """One event of a record's history, told as what it changed."""

    version = fields.Integer(dump_only=True)
    type = fields.String(dump_only=True)
    at = UtcDateTime(dump_only=True)
    actor = fields.String(dump_only=True)
    request_id = fields.String(dump_only=True)
    idempotency_key = fields.String(dump_only=True, allow_none=True)
    reason = fields.String(dump_only=True, allow_none=True)
    changes = Changes(dump_only=True)


_CONTROL = "\\u0000-\\u0008\\u000b-\\u001f"


def text_rules(max_len: int, min_len: int = 0) -> dict[str, Any]:
    """The JSON Schema of ``values.text``: no control characters but tab and newline, and (when
    ``min_len`` is 1) something besides white space. The service trims white space first."""
    if min_len == 0:
        return {"maxLength": max_len, "pattern": f"^[^{_CONTROL}]*$"}
    return {
        "minLength": min_len,
        "maxLength": max_len,
        "pattern": f"^[^{_CONTROL}]*[^\\s{_CONTROL}][^{_CONTROL}]*$",
    }


def matching_rules(pattern: re.Pattern[str]) -> dict[str, Any]:
    """The JSON Schema of a ``values.matching`` rule; its patterns read the same in both."""
    return {"pattern": f"^{pattern.pattern}$"}


def domain_rule(check: Callable[[str], object]) -> Callable[[str], None]:
    """A marshmallow validator from a domain check, so the rule is written once."""

    def validator(value: str) -> None:
        try:
            check(value)
        except FieldError as error:
            raise ValidationError(error.message) from None

    return validator


def plain_text(max_len: int) -> Callable[[str], None]:
    """Free text of at most ``max_len`` characters, with no control characters."""
    return domain_rule(lambda value: values.text("value", value, min_len=0, max_len=max_len))


def plain_text_field(max_len: int, **metadata: Any) -> fields.String:
    """A query's free text, checked by ``plain_text`` and documented by ``text_rules``."""
    return fields.String(validate=plain_text(max_len), metadata={**text_rules(max_len), **metadata})


def boolean_as_loaded(
    _converter: Any, field: fields.Field[Any], ret: dict[str, Any]
) -> dict[str, Any]:
    """An apispec attribute function: a Boolean field loads 0, 1 and the strings marshmallow
    knows as true or false too, so its JSON Schema says so."""
    if not isinstance(field, fields.Boolean) or field.dump_only or ret.get("type") != "boolean":
        return {}  # answers hold JSON booleans only
    del ret["type"]
    words = sorted(str(value) for value in field.truthy | field.falsy if isinstance(value, str))
    return {
        "oneOf": [
            {"type": "boolean"},
            {"type": "integer", "enum": [0, 1]},
            {"type": "string", "enum": words},
        ]
    }


def null_as_loaded(
    _converter: Any, field: fields.Field[Any], ret: dict[str, Any]
) -> dict[str, Any]:
    """An apispec attribute function: a nested field that allows None takes null or the nested
    shape; apispec's first branch, any object that may be null, would let any object through."""
    any_of = ret.get("anyOf")
    if not isinstance(field, fields.Nested) or not any_of:
        return {}
    loose = {"type": "object", "nullable": True}
    return {"anyOf": [{"nullable": True, "enum": [None]} if s == loose else s for s in any_of]}
