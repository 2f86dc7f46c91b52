"""Who the token belongs to, so the page shows only what its role may do.

The server still checks the role on every request; this only spares a person controls that
would answer 403.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g

from adapters.api.operation import API_PREFIX, Operation, operation
from adapters.auth import GRANTS, ROLES, Principal
from adapters.schemas.session import SessionSchema

bp = Blueprint("session", __name__, url_prefix=API_PREFIX)


@operation(
    bp,
    "/me",
    Operation(
        "GET", "Who this token is and what it may do", SessionSchema, role="viewer", tag="session"
    ),
)
def me() -> dict[str, Any]:
    principal: Principal = g.principal
    granted = GRANTS[principal.role]
    return {
        "name": principal.name,
        "role": principal.role,
        "grants": [role for role in ROLES if role in granted],
    }
