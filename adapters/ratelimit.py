"""The optional per-token rate limit of the API (STATUSBOARD_RATE_LIMIT)."""

from __future__ import annotations

import hashlib

from flask import Flask, request
from flask_limiter import Limiter

from adapters.api.operation import API_PREFIX


def _caller() -> str:
    """The token, by a hash of it so the secret never sits in the limiter's keys."""
    authorization = request.headers.get("Authorization", "")
    if authorization:
        return "token:" + hashlib.sha256(authorization.encode("utf-8", "replace")).hexdigest()
    return f"address:{request.remote_addr}"


def install(app: Flask, limit: str) -> Limiter:
    return Limiter(
        _caller,
        app=app,
        default_limits=[limit],
        default_limits_exempt_when=lambda: not request.path.startswith(API_PREFIX),
        storage_uri="memory://",
        headers_enabled=True,
    )
