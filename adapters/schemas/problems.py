"""The error envelope: RFC 9457 problem details."""

from __future__ import annotations

from marshmallow import fields

from adapters.schemas.common import ChangeSchema, ResponseSchema, UtcDateTime


class ProblemSchema(ResponseSchema):
    type = fields.String(dump_only=True, metadata={"description": "urn:statusboard:problem:…"})
    title = fields.String(dump_only=True)
    status = fields.Integer(dump_only=True)
    detail = fields.String(dump_only=True)
    request_id = fields.String(dump_only=True)
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        dump_only=True,
        metadata={"description": "Messages by field, dotted for nested fields (422)."},
    )
    allowed = fields.List(
        fields.String(),
        dump_only=True,
        metadata={"description": "Where the card may move from its status (invalid move)."},
    )
    from_status = fields.String(dump_only=True, metadata={"description": "Invalid move."})
    current_version = fields.Integer(
        dump_only=True, metadata={"description": "expected_version was ahead of this."}
    )
    projection = fields.String(dump_only=True, metadata={"description": "Lagging read model."})
    position = fields.Integer(dump_only=True, metadata={"description": "Where it is now."})
    reasons = fields.List(
        fields.String(), dump_only=True, metadata={"description": "Why it is not ready."}
    )


class HolderSchema(ResponseSchema):
    id = fields.UUID(dump_only=True)
    starts_at = UtcDateTime(dump_only=True)
    ends_at = UtcDateTime(dump_only=True)
    customer_name = fields.String(dump_only=True)


class ConflictProblemSchema(ProblemSchema):
    current = fields.Dict(
        dump_only=True, metadata={"description": "The record as it is now, to merge with."}
    )
    conflicting_event = fields.Nested(
        ChangeSchema, dump_only=True, metadata={"description": "The change the client missed."}
    )
    fields_ = fields.List(fields.String(), data_key="fields", dump_only=True)
    conflicting_appointment = fields.Nested(
        HolderSchema,
        dump_only=True,
        metadata={"description": "staff_double_booked: the appointment that holds the slot."},
    )
