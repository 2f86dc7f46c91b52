"""Shapes of the service catalog."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from adapters.schemas.common import (
    ResponseSchema,
    expected_version,
    matching_rules,
    min_position,
    plain_text_field,
    text_rules,
)
from domain import values


class ServiceSchema(ResponseSchema):
    id = fields.UUID(dump_only=True)
    code = fields.String(dump_only=True)
    name = fields.String(dump_only=True)
    category = fields.String(dump_only=True)
    price_cents = fields.Integer(dump_only=True)
    duration_minutes = fields.Integer(dump_only=True)
    active = fields.Boolean(dump_only=True)
    version = fields.Integer(dump_only=True)


def _price(*, required: bool = False) -> fields.Integer:
    return fields.Integer(
        required=required, strict=True, validate=validate.Range(0, values.MAX_PRICE_CENTS)
    )


def _duration(*, required: bool = False) -> fields.Integer:
    return fields.Integer(required=required, strict=True, validate=validate.Range(5, 480))


class ServiceCreateSchema(Schema):
    code = fields.String(required=True, metadata=matching_rules(values.CODE))
    name = fields.String(required=True, metadata=text_rules(120, 1))
    category = fields.String(required=True, metadata=text_rules(64, 1))
    price_cents = _price(required=True)
    duration_minutes = _duration(required=True)


class ServicePatchSchema(Schema):
    expected_version = expected_version()
    name = fields.String(metadata=text_rules(120, 1))
    category = fields.String(metadata=text_rules(64, 1))
    price_cents = _price()
    duration_minutes = _duration()
    active = fields.Boolean()


class ServiceListQuerySchema(Schema):
    search = plain_text_field(
        120, description="Part of the code, name or category; empty lists all."
    )
    category = plain_text_field(64)
    active = fields.Boolean()
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 100))
    cursor = plain_text_field(512, description="next_cursor of the previous page.")
    min_position = min_position()


class ServicePageSchema(ResponseSchema):
    items = fields.List(fields.Nested(ServiceSchema), dump_only=True)
    next_cursor = fields.String(dump_only=True, allow_none=True)
    total = fields.Integer(dump_only=True)
    position = fields.Integer(dump_only=True)
