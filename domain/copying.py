"""Copying aggregates before a command runs on them, without copying what cannot change."""

from __future__ import annotations

import copy
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

#: Values no command changes in place: a copy may share them with its original.
IMMUTABLE = (
    str,
    bytes,
    int,
    float,
    bool,
    type(None),
    date,
    datetime,
    time,
    timedelta,
    UUID,
    Decimal,
)


class SharesImmutableState:
    """Deep copies that share an aggregate's immutable values with the original.

    Commands run on copies (of the library's cached aggregate, or of the one this process last
    saved), so that a command that fails leaves nothing half-changed behind. A generic deep
    copy rebuilds every instant and id through pickling's protocol, which made up most of the
    copy's cost; here only containers are copied, deeply, and plain lists and dicts (an
    appointment's customer, staff and lines) without the generic copy's bookkeeping.
    """

    def __deepcopy__(self, memo: dict[int, Any]) -> Any:
        twin = object.__new__(type(self))
        memo[id(self)] = twin
        state = twin.__dict__
        for name, value in vars(self).items():
            state[name] = _copied(value, memo)
        return twin


def _copied(value: Any, memo: dict[int, Any]) -> Any:
    if isinstance(value, IMMUTABLE):
        return value
    if type(value) is dict:
        return {key: _copied(item, memo) for key, item in value.items()}
    if type(value) is list:
        return [_copied(item, memo) for item in value]
    return copy.deepcopy(value, memo)
