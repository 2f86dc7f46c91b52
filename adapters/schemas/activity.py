"""Shapes of the activity trail: who changed which appointment, when, where."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from adapters.schemas.common import ResponseSchema, UtcDateTime, min_position, plain_text_field
from domain.status import STATUSES

EVENT_TYPES = (
    "Booked",
    "Moved",
    "Rescheduled",
    "Assigned",
    "NotesEdited",
    "ServiceLineAdded",
    "ServiceLineRemoved",
)


class ActivityQuerySchema(Schema):
    actor = plain_text_field(120, description="A token's name.")
    location = plain_text_field(64)
    since = UtcDateTime(metadata={"description": "From this time, inclusive."})
    until = UtcDateTime(metadata={"description": "Before this time."})
    type = fields.String(validate=validate.OneOf(EVENT_TYPES))
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 500))
    cursor = plain_text_field(512, description="next_cursor of the previous page.")
    min_position = min_position()


class ActivityItemSchema(ResponseSchema):
    appointment_id = fields.UUID(dump_only=True)
    version = fields.Integer(dump_only=True)
    at = UtcDateTime(dump_only=True)
    actor = fields.String(dump_only=True)
    location_id = fields.String(dump_only=True)
    type = fields.String(dump_only=True, validate=validate.OneOf(EVENT_TYPES))
    from_status = fields.String(dump_only=True, allow_none=True, validate=validate.OneOf(STATUSES))
    to_status = fields.String(dump_only=True, allow_none=True, validate=validate.OneOf(STATUSES))
    request_id = fields.String(dump_only=True)


class ActivityPageSchema(ResponseSchema):
    items = fields.List(fields.Nested(ActivityItemSchema), dump_only=True)
    next_cursor = fields.String(dump_only=True, allow_none=True)
    position = fields.Integer(dump_only=True)
