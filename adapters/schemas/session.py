"""Shape of who the caller is: what the page shows depends on it."""

from __future__ import annotations

from marshmallow import fields

from adapters.schemas.common import ResponseSchema


class SessionSchema(ResponseSchema):
    name = fields.String(
        dump_only=True, metadata={"description": "The token's name, recorded as the actor."}
    )
    role = fields.String(
        dump_only=True, metadata={"description": "viewer, staff, admin or support"}
    )
    grants = fields.List(
        fields.String(),
        dump_only=True,
        metadata={"description": "The roles this token may act as (an admin may act as all)."},
    )
