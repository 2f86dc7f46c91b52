"""Shapes of the front desk's pickers: the locations and a location's staff."""

from __future__ import annotations

from marshmallow import Schema, fields

from adapters.schemas.common import ResponseSchema, domain_rule, min_position
from domain import values


class LocationsQuerySchema(Schema):
    min_position = min_position()


class StaffQuerySchema(Schema):
    location = fields.String(required=True, validate=domain_rule(values.location_id))
    min_position = min_position()


class LocationSchema(ResponseSchema):
    id = fields.String(dump_only=True)
    name = fields.String(
        dump_only=True, metadata={"description": "Given when the location has a name."}
    )
    appointments_today = fields.Integer(
        dump_only=True,
        metadata={"description": "Appointments on today's local date (STATUSBOARD_TIMEZONE)."},
    )


class LocationListSchema(ResponseSchema):
    items = fields.List(fields.Nested(LocationSchema), dump_only=True)
    position = fields.Integer(dump_only=True)


class StaffMemberSchema(ResponseSchema):
    id = fields.String(dump_only=True)
    name = fields.String(
        dump_only=True, metadata={"description": "The name last given on an appointment."}
    )


class StaffListSchema(ResponseSchema):
    location = fields.String(dump_only=True)
    items = fields.List(fields.Nested(StaffMemberSchema), dump_only=True)
    position = fields.Integer(dump_only=True)
