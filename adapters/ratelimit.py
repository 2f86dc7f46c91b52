"""The optional per-token rate limit of the API (STATUSBOARD_RATE_LIMIT)."""

from __future__ import annotations

from flask import Flask, request
from flask_limiter import Limiter

from adapters.api.operation import API_PREFIX
from adapters.caller_limit import caller


def install(app: Flask, limit: str) -> Limiter:
    return Limiter(
        caller,
        app=app,
        default_limits=[limit],
        default_limits_exempt_when=lambda: not request.path.startswith(API_PREFIX),
        storage_uri="memory://",
        headers_enabled=True,
    )
