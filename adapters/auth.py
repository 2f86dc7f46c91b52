"""Who is asking, and whether their role allows it (SPEC §7)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask import g, request
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import Forbidden, Unauthorized

if TYPE_CHECKING:
    from adapters.tokens import TokenStore

ROLES: tuple[str, ...] = ("viewer", "staff", "admin", "support")

#: What each role may do, named by the role an endpoint asks for. Support is a viewer who may
#: also read the audit trail; admin may do everything.
GRANTS: dict[str, frozenset[str]] = {
    "viewer": frozenset({"viewer"}),
    "staff": frozenset({"viewer", "staff"}),
    "admin": frozenset({"viewer", "staff", "admin", "support"}),
    "support": frozenset({"viewer", "support"}),
}


@dataclass(frozen=True)
class Principal:
    """Who is asking: the token's name is the actor recorded on events."""

    name: str
    role: str

    def may(self, role: str) -> bool:
        return role in GRANTS[self.role]


#: Everyone, when auth is off for local use.
LOCAL = Principal("local", "admin")


def _challenge(error: str | None = None) -> WWWAuthenticate:
    return WWWAuthenticate(
        "bearer", {"realm": "statusboard", **({"error": error} if error else {})}
    )


def authenticate(tokens: TokenStore | None) -> Principal:
    """The request's principal, or 401. ``tokens`` is None when auth is off."""
    if tokens is None:
        return LOCAL
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise Unauthorized("A bearer token is required.", www_authenticate=_challenge())
    principal = tokens.principal(secret.strip())
    if principal is None:
        raise Unauthorized(
            "The token is not valid or was revoked.", www_authenticate=_challenge("invalid_token")
        )
    return principal


def require(role: str, tokens: TokenStore | None) -> Principal:
    """Authenticates once per request and checks the principal may act as ``role``."""
    principal: Principal | None = g.get("principal")
    if principal is None:
        principal = g.principal = authenticate(tokens)
        g.actor = principal.name
    if not principal.may(role):
        raise Forbidden(f"This needs the {role} role; the token has the {principal.role} role.")
    return principal


def warn_if_open() -> None:
    logging.getLogger("statusboard.auth").warning(
        "authentication is OFF (STATUSBOARD_AUTH=off): every request acts as admin; "
        "use this only on a machine of your own"
    )
