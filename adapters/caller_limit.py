"""Who a rate limit counts a request against, and an endpoint's own limit per caller."""

from __future__ import annotations

import hashlib
import math
import time

from flask import request
from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import FixedWindowRateLimiter
from werkzeug.exceptions import TooManyRequests


def caller() -> str:
    """The token, by a hash of it so the secret never sits in the limiter's keys."""
    authorization = request.headers.get("Authorization", "")
    if authorization:
        return "token:" + hashlib.sha256(authorization.encode("utf-8", "replace")).hexdigest()
    return f"address:{request.remote_addr}"


class CallerLimit:
    """One endpoint's own limit per caller, checked by that endpoint alone.

    Flask-Limiter's hooks cost every request of the app, limited or not, about 0.3 ms of CPU, so
    they are installed only for STATUSBOARD_RATE_LIMIT. This is its engine (``limits``, a fixed
    window in this process's memory), keyed the same way, answered with the same 429.
    """

    def __init__(self, limit: str) -> None:
        self.item = parse(limit)
        self.windows = FixedWindowRateLimiter(MemoryStorage())

    def check(self) -> None:
        key = caller()
        if not self.windows.hit(self.item, key):
            reset = self.windows.get_window_stats(self.item, key).reset_time
            raise TooManyRequests(
                f"At most {self.item} here; try again later.",
                retry_after=max(1, math.ceil(reset - time.time())),
            )
