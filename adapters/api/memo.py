"""Encoded answers of read-model reads, kept per process while their projection stands still.

A projection's tables change only when it processes events, which moves its position, or when
a rebuild switches its generation. So an answer encoded at (generation, position) is exactly
the answer for any later read that finds the projection at the same (generation, position):
such a read costs one statement (the position) instead of the query and its encoding. The
services projection's position also moves past appointment events it has nothing to do with, so
its pages are also filed under the catalog's contents, which only catalog changes move.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from eventsourcing.application import LRUCache
from flask import Response, current_app
from marshmallow import Schema

from adapters.api.board_json import BoardBody
from adapters.api.kept import PerReadSide
from adapters.schemas.common import instance
from projections.readside import Live, ReadSide

#: Answers kept per process, over every projection and query.
SIZE = 512
POSITION = "X-Projection-Position"


#: Stands for the position in an encoded answer, which is cut there and the position of each
#: request put in (no count or version comes near it).
_MARK = -7_390_218_564_129_003


@dataclass(frozen=True)
class _Answer:
    live: Live
    body: BoardBody
    #: What the answer's contents were read at, when the query gave a way to tell.
    contents: Hashable = None


def _encoded(schema: type[Schema], value: Any) -> BoardBody:
    """The answer encoded around its position, which each request fills in."""
    payload = instance(schema).dump(value)
    payload["position"] = _MARK
    head, tail = current_app.json.dumps(payload).encode().split(str(_MARK).encode())
    return BoardBody(head, tail)


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
        contents: Callable[[int], Hashable] | None = None,
    ) -> Response:
        """The JSON answer of ``read(live)`` dumped by ``schema`` (which has a ``position``), reused
        while the projection is where it was when that answer was read; its ``position`` is the
        one this request read.

        ``contents(generation)``, when given, tells cheaply whether what the answer shows has
        changed (a value that never comes back once it has); an answer whose contents are
        unchanged is reused even after the projection moved on. It is read before the answer
        is, so an answer is never older than the contents it is filed under.
        """
        live = self.read_side.live(projection)
        try:
            kept: _Answer | None = self._answers.get((projection, key))
        except KeyError:
            kept = None
        filed_under: Hashable = None  # the contents now, once read (``contents`` is never None)
        if kept is not None and kept.live != live:
            if contents is not None and kept.live[0] == live[0]:
                filed_under = contents(live[0])
            same = filed_under is not None and filed_under == kept.contents
            kept = _Answer(live, kept.body, kept.contents) if same else None
            if kept is not None:
                self._answers.put((projection, key), kept)
        if kept is None:
            if contents is not None and filed_under is None:
                filed_under = contents(live[0])
            kept = _Answer(live, _encoded(schema, read(live)), filed_under)
            self._answers.put((projection, key), kept)
        return current_app.response_class(
            kept.body.render(live[1]),
            200,
            headers={POSITION: str(live[1])},
            mimetype="application/json",
        )


#: The memo of one read side.
memo_for = PerReadSide(ReadMemo)
