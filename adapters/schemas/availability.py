"""Shapes of a read of free start times (SPEC §12)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from adapters.schemas.common import ResponseSchema, domain_rule, matching_rules, min_position
from adapters.schemas.locations import StaffMemberSchema
from domain import values
from domain.availability import DEFAULT_STEP, STEPS

MIN_DURATION_MINUTES = 5
MAX_DURATION_MINUTES = 12 * 60
_CLOCK = {"pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$"}


def _staff_id(value: str) -> None:
    values.matching("staff", value, values.STAFF_ID, "1 to 64 of A-Z, a-z, 0-9, _ . -")


class AvailabilityQuerySchema(Schema):
    """Loads into the fields of ``projections.availability.Wanted``, and ``min_position``."""

    location = fields.String(
        required=True,
        validate=domain_rule(values.location_id),
        metadata=matching_rules(values.SLUG),
    )
    day = fields.Date(
        required=True,
        data_key="date",
        metadata={"description": "The local day (STATUSBOARD_TIMEZONE)."},
    )
    duration_minutes = fields.Integer(
        required=True,
        validate=validate.Range(min=MIN_DURATION_MINUTES, max=MAX_DURATION_MINUTES),
        metadata={"description": "How long the appointment would take."},
    )
    staff = fields.String(
        validate=domain_rule(_staff_id),
        metadata={
            "description": "Only this staff member; one the location has not seen: no staff.",
            **matching_rules(values.STAFF_ID),
        },
    )
    step_minutes = fields.Integer(
        load_default=DEFAULT_STEP,
        validate=validate.OneOf(STEPS),
        metadata={"description": "The grid of start times, from the hour."},
    )
    min_position = min_position()


class StaffFreeSchema(StaffMemberSchema):
    free = fields.List(
        fields.String(metadata=_CLOCK),
        dump_only=True,
        metadata={"description": "Local start times (HH:MM) at which the whole duration fits."},
    )


class AvailabilitySchema(ResponseSchema):
    date = fields.Date(dump_only=True)
    location = fields.String(dump_only=True)
    duration_minutes = fields.Integer(dump_only=True)
    position = fields.Integer(dump_only=True)
    staff = fields.List(fields.Nested(StaffFreeSchema), dump_only=True)
