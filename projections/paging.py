"""Keyset paging: an opaque cursor is the sort key of the last item served."""

from __future__ import annotations

import base64
import binascii
import json


class InvalidCursorError(ValueError):
    pass


def encode_cursor(*keys: str) -> str:
    raw = json.dumps(list(keys), separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _bindable(text: str) -> bool:
    """Text both databases take as a parameter: no NUL character, no lone surrogate."""
    return "\x00" not in text and not any("\ud800" <= char <= "\udfff" for char in text)


def decode_cursor(cursor: str | None, size: int) -> tuple[str, ...] | None:
    if not cursor:
        return None
    try:
        keys = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, TypeError) as error:
        raise InvalidCursorError("cursor is not one this service issued") from error
    if (
        not isinstance(keys, list)
        or len(keys) != size
        or not all(isinstance(key, str) and _bindable(key) for key in keys)
    ):
        raise InvalidCursorError("cursor is not one this service issued")
    return tuple(keys)
