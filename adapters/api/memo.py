"""Encoded answers of read-model reads, kept per process while their projection stands still.

A projection's tables change only when it processes events, which moves its position, or when
a rebuild switches its generation. So an answer encoded at (generation, position) is exactly
the answer for any later read that finds the projection at the same (generation, position):
such a read costs one statement (the position) instead of the query and its encoding. The
services projection moves only when the catalog changes, so its pages stay answered across
any number of appointment moves.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

from eventsourcing.application import LRUCache
from flask import Response, current_app
from marshmallow import Schema

from adapters.schemas.common import instance
from projections.readside import Live, ReadSide

#: Answers kept per process, over every projection and query.
SIZE = 512
POSITION = "X-Projection-Position"


@dataclass(frozen=True)
class _Answer:
    live: Live
    body: bytes


class ReadMemo:
    def __init__(self, read_side: ReadSide, size: int = SIZE) -> None:
        self.read_side = read_side
        self._answers: LRUCache[tuple[str, Hashable], _Answer] = LRUCache(maxsize=size)

    def answer(
        self,
        projection: str,
        key: Hashable,
        schema: type[Schema],
        read: Callable[[Live], Any],
    ) -> Response:
        """The JSON answer of ``read(live)`` dumped by ``schema``, reused while the projection
        is where it was when that answer was read."""
        live = self.read_side.live(projection)
        try:
            kept = self._answers.get((projection, key))
        except KeyError:
            kept = None
        if kept is None or kept.live != live:
            body = current_app.json.dumps(instance(schema).dump(read(live))).encode()
            kept = _Answer(live, body)
            self._answers.put((projection, key), kept)
        return current_app.response_class(
            kept.body, 200, headers={POSITION: str(live[1])}, mimetype="application/json"
        )


_memos: WeakKeyDictionary[ReadSide, ReadMemo] = WeakKeyDictionary()
_memos_lock = threading.Lock()


def memo_for(read_side: ReadSide) -> ReadMemo:
    """The memo of one read side: another database starts with an empty one."""
    with _memos_lock:
        found = _memos.get(read_side)
        if found is None:
            found = _memos[read_side] = ReadMemo(read_side)
        return found
