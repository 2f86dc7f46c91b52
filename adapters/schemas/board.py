"""Shapes of the board and the day's numbers."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from adapters.schemas.common import (
    ResponseSchema,
    UtcDateTime,
    domain_rule,
    matching_rules,
    min_position,
    text_rules,
)
from domain import values
from domain.status import STATUSES, TIMED


def _location() -> fields.String:
    return fields.String(
        required=True,
        validate=domain_rule(values.location_id),
        metadata=matching_rules(values.SLUG),
    )


def _day() -> fields.Date:
    return fields.Date(
        metadata={"description": "The local day (STATUSBOARD_TIMEZONE); defaults to today."}
    )


class BoardQuerySchema(Schema):
    date = _day()
    location = _location()
    staff = fields.String(
        validate=domain_rule(lambda value: values.text("staff", value, max_len=64)),
        metadata={"description": "Only the cards of this staff id.", **text_rules(64, 1)},
    )
    min_position = min_position()


class CardSchema(ResponseSchema):
    id = fields.UUID(dump_only=True)
    version = fields.Integer(dump_only=True)
    status = fields.String(dump_only=True, validate=validate.OneOf(STATUSES))
    location_id = fields.String(dump_only=True)
    starts_at = UtcDateTime(dump_only=True)
    ends_at = UtcDateTime(dump_only=True)
    customer_name = fields.String(dump_only=True)
    staff_id = fields.String(dump_only=True, allow_none=True)
    staff_name = fields.String(dump_only=True, allow_none=True)
    services = fields.List(fields.String(), dump_only=True)
    total_cents = fields.Integer(dump_only=True)
    status_since = UtcDateTime(dump_only=True)


class ColumnSchema(ResponseSchema):
    status = fields.String(dump_only=True, validate=validate.OneOf(STATUSES))
    title = fields.String(dump_only=True)
    count = fields.Integer(dump_only=True)
    cards = fields.List(fields.Nested(CardSchema), dump_only=True)


class BoardSchema(ResponseSchema):
    date = fields.Date(attribute="day", dump_only=True)
    location = fields.String(dump_only=True)
    position = fields.Integer(dump_only=True)
    columns = fields.List(fields.Nested(ColumnSchema), dump_only=True)


class StatsQuerySchema(Schema):
    date = _day()
    location = _location()
    min_position = min_position()


def _by_status(names: tuple[str, ...], value: fields.Field[Any]) -> fields.Dict:
    return fields.Dict(
        keys=fields.String(validate=validate.OneOf(names)), values=value, dump_only=True
    )


class StatsSchema(ResponseSchema):
    date = fields.Date(attribute="day", dump_only=True)
    location = fields.String(dump_only=True)
    position = fields.Integer(dump_only=True)
    total = fields.Integer(dump_only=True)
    by_status = _by_status(STATUSES, fields.Integer())
    booked_revenue_cents = fields.Integer(dump_only=True)
    completed_revenue_cents = fields.Integer(dump_only=True)
    completion_rate = fields.Float(dump_only=True, allow_none=True)
    no_show_rate = fields.Float(dump_only=True, allow_none=True)
    avg_minutes_in_status = _by_status(TIMED, fields.Float(allow_none=True))
