"""What a server process keeps for each read side: another database starts with nothing kept."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar
from weakref import WeakKeyDictionary

from projections.readside import ReadSide

T = TypeVar("T")


class PerReadSide(Generic[T]):
    """``make(read_side)`` once per read side, then the same object for it until it is gone."""

    def __init__(self, make: Callable[[ReadSide], T]) -> None:
        self._make = make
        self._kept: WeakKeyDictionary[ReadSide, T] = WeakKeyDictionary()
        self._lock = threading.Lock()

    def __call__(self, read_side: ReadSide) -> T:
        with self._lock:
            found = self._kept.get(read_side)
            if found is None:
                found = self._kept[read_side] = self._make(read_side)
            return found
