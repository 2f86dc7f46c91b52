"""What a server process keeps of its read side's answers, in the app's extensions.

The caches belong to the read side they were filled from: when the runtime builds a new one
(after a fork, or over another database), the caches start empty with it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from flask import Flask, current_app

from adapters.api.board_cache import BoardCache
from adapters.api.board_cards import CardCache
from adapters.api.memo import ReadMemo
from adapters.runtime import components
from projections.readside import ReadSide

EXTENSION = "statusboard_kept"


@dataclass(frozen=True)
class Kept:
    read_side: ReadSide
    boards: BoardCache = field(default_factory=BoardCache)
    cards: CardCache = field(default_factory=CardCache)
    memo: ReadMemo = field(default_factory=ReadMemo)


class KeptReads:
    """The caches of the read side the app serves from, made anew with each read side."""

    def __init__(self) -> None:
        self._kept: Kept | None = None
        self._lock = threading.Lock()

    def of(self, read_side: ReadSide) -> Kept:
        with self._lock:
            if self._kept is None or self._kept.read_side is not read_side:
                self._kept = Kept(read_side)
            return self._kept


def install(app: Flask) -> None:
    app.extensions[EXTENSION] = KeptReads()


def kept() -> Kept:
    """The read side this request reads from, with what the process keeps of it."""
    reads: KeptReads = current_app.extensions[EXTENSION]
    return reads.of(components().read_side)
