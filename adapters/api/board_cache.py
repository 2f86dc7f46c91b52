"""Encoded boards kept per process, so a board nobody changed is answered without re-reading it.

An entry is exact, never stale: it is used only when the read side confirms, in the request's
own transaction, that the live generation and position are those the entry was last seen at,
or that the day's fingerprint of (appointment id, version) pairs is the entry's.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass, replace
from datetime import date

from adapters.api.positioned import Positioned
from projections.board import BoardMark

#: Boards kept per process: a (location, day, staff) each, and at most so many bytes in all
#: (a 200-card board is about 80 KB, a 1,000-card one 400 KB).
SIZE = 256
MAX_BYTES = 32 * 1024 * 1024

Key = tuple[str, date, str | None]


@dataclass(frozen=True)
class Rendered:
    """A board's encoded body and the mark of the read it came from."""

    mark: BoardMark
    body: Positioned
    #: The opaque part of the weak ETag, unquoted.
    tag: str


def content_tag(key: Key, mark: BoardMark) -> str:
    """The weak validator of a board's content: it changes whenever the day's cards do.

    The position is left out: the body states it, but a new position over the same cards is
    not a new board. A rebuilt generation gets new tags, even over the same cards.
    """
    location, day, staff = key
    digest = hashlib.blake2b(digest_size=12)
    digest.update(repr((mark.generation, location, day.isoformat(), staff)).encode())
    digest.update(mark.fingerprint)
    return digest.hexdigest()


class BoardCache:
    """A bounded, thread-safe map from (location, day, staff) to the board last rendered."""

    def __init__(self, size: int = SIZE, max_bytes: int = MAX_BYTES) -> None:
        self.size = size
        self.max_bytes = max_bytes
        self._entries: OrderedDict[Key, Rendered] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: Key) -> Rendered | None:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key: Key, rendered: Rendered) -> None:
        with self._lock:
            replaced = self._entries.pop(key, None)
            if replaced is not None:
                self._bytes -= _size(replaced)
            self._entries[key] = rendered
            self._bytes += _size(rendered)
            while len(self._entries) > 1 and (
                len(self._entries) > self.size or self._bytes > self.max_bytes
            ):
                self._bytes -= _size(self._entries.popitem(last=False)[1])

    def seen(self, key: Key, rendered: Rendered, mark: BoardMark) -> Rendered:
        """``rendered`` confirmed current at ``mark``: remembered at that position from now on."""
        if mark == rendered.mark:
            return rendered
        moved = replace(rendered, mark=mark)
        self.put(key, moved)
        return moved

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)


def _size(rendered: Rendered) -> int:
    return len(rendered.body)
