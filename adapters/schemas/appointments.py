"""Shapes of appointments and the commands on them."""

from __future__ import annotations

import re
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from adapters.schemas.common import (
    ChangeSchema,
    ResponseSchema,
    UtcDateTime,
    expected_version,
    matching_rules,
    text_rules,
)
from domain import values
from domain.status import STATUSES

#: Both stores keep versions as 64-bit integers.
MAX_VERSION = 2**63 - 1


def _or_empty(pattern: re.Pattern[str]) -> dict[str, str]:
    """A pattern, or the empty string (which stands for none)."""
    return {"pattern": f"^({pattern.pattern})?$"}


class CustomerSchema(Schema):
    name = fields.String(required=True, metadata=text_rules(120, 1))
    phone = fields.String(allow_none=True, metadata=_or_empty(values.PHONE))
    email = fields.String(allow_none=True, metadata=_or_empty(values.EMAIL))


class StaffSchema(Schema):
    id = fields.String(required=True, metadata=matching_rules(values.STAFF_ID))
    name = fields.String(required=True, metadata=text_rules(120, 1))


class BookedServiceSchema(Schema):
    code = fields.String(required=True, metadata=matching_rules(values.CODE))
    quantity = fields.Integer(strict=True, validate=validate.Range(1, values.MAX_QUANTITY))


class BookSchema(Schema):
    location_id = fields.String(required=True, metadata=matching_rules(values.SLUG))
    starts_at = UtcDateTime(required=True)
    ends_at = UtcDateTime(
        metadata={"description": "Defaults to starts_at plus the services' total duration."}
    )
    customer = fields.Nested(CustomerSchema, required=True)
    staff = fields.Nested(StaffSchema, allow_none=True)
    services = fields.List(
        fields.Nested(BookedServiceSchema), required=True, validate=validate.Length(min=1)
    )
    notes = fields.String(
        validate=validate.Length(max=values.MAX_NOTES), metadata=text_rules(values.MAX_NOTES)
    )
    allow_overlap = fields.Boolean(
        metadata={"description": "Book over the staff member's other appointments on purpose."}
    )
    allow_outside_hours = fields.Boolean(
        metadata={"description": "Admins only: book outside the location's opening hours."}
    )


class ServiceLineSchema(ResponseSchema):
    service_id = fields.String(dump_only=True)
    code = fields.String(dump_only=True)
    name = fields.String(dump_only=True)
    unit_price_cents = fields.Integer(dump_only=True)
    duration_minutes = fields.Integer(dump_only=True)
    quantity = fields.Integer(dump_only=True)


class AppointmentSchema(ResponseSchema):
    id = fields.UUID(dump_only=True)
    location_id = fields.String(dump_only=True)
    starts_at = UtcDateTime(dump_only=True)
    ends_at = UtcDateTime(dump_only=True)
    customer = fields.Nested(CustomerSchema, dump_only=True)
    staff = fields.Nested(StaffSchema, dump_only=True, allow_none=True)
    service_lines = fields.List(fields.Nested(ServiceLineSchema), dump_only=True)
    total_cents = fields.Integer(dump_only=True)
    notes = fields.String(dump_only=True)
    status = fields.String(dump_only=True, validate=validate.OneOf(STATUSES))
    status_since = UtcDateTime(dump_only=True)
    allowed_moves = fields.Function(
        lambda appointment: list(appointment.allowed_moves()),
        dump_only=True,
        metadata={"type": "array", "items": {"type": "string", "enum": list(STATUSES)}},
    )
    version = fields.Integer(dump_only=True)
    created_at = UtcDateTime(attribute="created_on", dump_only=True)
    updated_at = UtcDateTime(attribute="modified_on", dump_only=True)


class AppointmentQuerySchema(Schema):
    """Support's time travel: the appointment as it was at a version or an instant."""

    version = fields.Integer(validate=validate.Range(min=1, max=MAX_VERSION))
    at = UtcDateTime()

    @validates_schema
    def one_of_version_or_at(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if "version" in data and "at" in data:
            raise ValidationError("give version or at, not both", "at")


def reason(description: str) -> fields.String:
    return fields.String(
        allow_none=True,
        validate=validate.Length(max=values.MAX_REASON),
        metadata={"description": description, **text_rules(values.MAX_REASON)},
    )


class MoveSchema(Schema):
    to_status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    expected_version = expected_version()
    reason = reason("Required to reopen a completed, cancelled or no-show card.")
    allow_overlap = fields.Boolean(
        metadata={"description": "Reopen although someone else holds the staff member's slot."}
    )


class MoveResultSchema(ResponseSchema):
    appointment = fields.Nested(AppointmentSchema, attribute="aggregate", dump_only=True)
    applied = fields.Boolean(
        dump_only=True, metadata={"description": "False when the card already was there."}
    )
    position = fields.Integer(dump_only=True)


class EditSchema(Schema):
    expected_version = expected_version()
    notes = fields.String(
        validate=validate.Length(max=values.MAX_NOTES), metadata=text_rules(values.MAX_NOTES)
    )
    staff = fields.Nested(StaffSchema, allow_none=True)
    starts_at = UtcDateTime()
    ends_at = UtcDateTime()
    reason = reason("Why the appointment moves in time; recorded on its reschedule.")
    allow_overlap = fields.Boolean(
        metadata={"description": "Book over the staff member's other appointments on purpose."}
    )
    allow_outside_hours = fields.Boolean(
        metadata={"description": "Admins only: book outside the location's opening hours."}
    )


class EditResultSchema(ResponseSchema):
    appointment = fields.Nested(AppointmentSchema, attribute="aggregate", dump_only=True)
    position = fields.Integer(dump_only=True)


class ServiceLineAddSchema(Schema):
    code = fields.String(required=True, metadata=matching_rules(values.CODE))
    quantity = fields.Integer(strict=True, validate=validate.Range(1, values.MAX_QUANTITY))
    expected_version = expected_version()


class ServiceLineRemoveQuerySchema(Schema):
    expected_version = fields.Integer(required=True, validate=validate.Range(min=1))


class HistorySchema(ResponseSchema):
    items = fields.List(fields.Nested(ChangeSchema), dump_only=True)
