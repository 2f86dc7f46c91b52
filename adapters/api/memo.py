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

from adapters.api.positioned import Positioned, positioned
from adapters.headers import PROJECTION_POSITION
from adapters.schemas.common import instance
from projections.positions import Live

#: Answers kept per process, over every projection and query.
SIZE = 512


@dataclass(frozen=True)
class _Answer:
    live: Live
    body: Positioned
    #: What the answer's contents were read at, when the query gave a way to tell.
    contents: Hashable = None


class ReadMemo:
    def __init__(self, size: int = SIZE) -> None:
        self._answers: LRUCache[tuple[str, Hashable], _Answer] = LRUCache(maxsize=size)

    def answer(
        self,
        at: tuple[str, Live],
        key: Hashable,
        schema: type[Schema],
        read: Callable[[Live], Any],
        contents: Callable[[int], Hashable] | None = None,
    ) -> Response:
        """The JSON answer of ``read(live)`` dumped by ``schema`` (which has a ``position``), for
        the projection named in ``at`` as this request read it; reused while the projection
        stays where it was when that answer was read, with this request's position put in.

        ``contents(generation)``, when given, tells cheaply whether what the answer shows has
        changed (a value that never comes back once it has); an answer whose contents are
        unchanged is reused even after the projection moved on. It is read before the answer
        is, so an answer is never older than the contents it is filed under.
        """
        projection, live = at
        kept, filed_under = self._kept(projection, key, live, contents)
        if kept is None:
            if contents is not None and filed_under is None:
                filed_under = contents(live[0])
            payload = instance(schema).dump(read(live))
            kept = _Answer(live, positioned(payload, current_app.json.dumps), filed_under)
            self._answers.put((projection, key), kept)
        return current_app.response_class(
            kept.body.render(live[1]),
            200,
            headers={PROJECTION_POSITION: str(live[1])},
            mimetype="application/json",
        )

    def _kept(
        self,
        projection: str,
        key: Hashable,
        live: Live,
        contents: Callable[[int], Hashable] | None,
    ) -> tuple[_Answer | None, Hashable]:
        """The answer kept for ``key`` if it is still the answer at ``live``, and the contents
        now when they had to be read to tell (None otherwise)."""
        try:
            kept: _Answer = self._answers.get((projection, key))
        except KeyError:
            return None, None
        if kept.live == live:
            return kept, None
        if contents is None or kept.live[0] != live[0]:
            return None, None
        filed_under = contents(live[0])
        if filed_under != kept.contents:
            return None, filed_under
        moved = _Answer(live, kept.body, kept.contents)
        self._answers.put((projection, key), moved)
        return moved, filed_under
