"""Shapes of the operational endpoints."""

from __future__ import annotations

from marshmallow import fields

from adapters.schemas.common import ResponseSchema


class HealthSchema(ResponseSchema):
    status = fields.String(dump_only=True)


class ProjectionStatusSchema(ResponseSchema):
    name = fields.String(dump_only=True)
    generation = fields.Integer(dump_only=True)
    position = fields.Integer(dump_only=True)
    head = fields.Integer(dump_only=True)
    lag_events = fields.Integer(dump_only=True)
    lag_seconds = fields.Float(dump_only=True, allow_none=True)
    running = fields.Boolean(dump_only=True)
    reason = fields.String(dump_only=True, allow_none=True)


class ReadySchema(ResponseSchema):
    status = fields.String(dump_only=True)
    reasons = fields.List(fields.String(), dump_only=True)
    projections = fields.List(fields.Nested(ProjectionStatusSchema), dump_only=True)
