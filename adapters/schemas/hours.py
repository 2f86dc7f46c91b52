"""Shapes of a location's opening hours (SPEC §12)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from adapters.schemas.common import ResponseSchema
from domain import localtime
from domain.hours import MAX_CLOSED_DATES, MAX_INTERVALS_PER_DAY

_CLOCK = {"type": "string", "pattern": "^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$"}
_INTERVALS = {
    "type": "array",
    "maxItems": MAX_INTERVALS_PER_DAY,
    "items": {
        "type": "object",
        "properties": {"opens": _CLOCK, "closes": _CLOCK},
        "required": ["opens", "closes"],
        "additionalProperties": False,
    },
}
_WEEKLY = {
    "type": "object",
    "properties": dict.fromkeys(localtime.WEEKDAYS, _INTERVALS),
    "additionalProperties": False,
    "description": "Open intervals in local time by weekday; an empty list is closed all day.",
}


def _weekly(**kwargs: object) -> fields.Dict:
    return fields.Dict(keys=fields.String(), metadata=_WEEKLY, **kwargs)  # type: ignore[arg-type]


def _closed_dates(**kwargs: object) -> fields.List[str]:
    return fields.List(
        fields.String(metadata={"format": "date"}),
        validate=validate.Length(max=MAX_CLOSED_DATES),
        **kwargs,  # type: ignore[arg-type]
    )


class HoursPutSchema(Schema):
    expected_version = fields.Integer(
        strict=True,
        validate=validate.Range(min=1),
        metadata={"description": "The version last seen; left out, the last write wins."},
    )
    weekly = _weekly(required=True)
    closed_dates = _closed_dates(required=True)


class HoursSchema(ResponseSchema):
    location_id = fields.String(dump_only=True)
    weekly = _weekly(dump_only=True)
    closed_dates = _closed_dates(dump_only=True)
    version = fields.Integer(
        dump_only=True, metadata={"description": "0 while the location has the default hours."}
    )
